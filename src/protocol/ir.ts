// The one internal form every wire format is decoded into and encoded from. A request enters in the
// client's format (a surface codec decodes it), leaves in the provider's format (a provider codec
// encodes it), and the answer travels back the same way. Types only: no behaviour lives here.
//
// Conventions every codec keeps:
// - Nothing is dropped silently. A field the target format cannot carry is named in `dropped`
//   (snake_case, as the client spelled it) so the surface can report it or, in strict mode, refuse.
// - Opaque blobs (reasoning signatures, encrypted reasoning, Gemini thought signatures) are carried
//   byte for byte; they are only meaningful to the format that made them.
// - `Usage.inputTokens` counts every prompt token, cached and cache-written ones included (OpenAI's
//   meaning). Anthropic's `input_tokens` excludes them; its codec adds and subtracts.

export type WireFormat = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'bedrock-converse';

export interface CacheControl {
  type: 'ephemeral';
  ttl?: string;
}

export type MediaSource =
  | { kind: 'url'; url: string }
  | { kind: 'base64'; mediaType: string; data: string }
  /** A provider-side file id (OpenAI `file_id`, Anthropic Files API). */
  | { kind: 'file-id'; id: string };

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

export interface ImagePart {
  type: 'image';
  source: MediaSource;
  /** OpenAI's `detail`. */
  detail?: 'auto' | 'low' | 'high';
  cacheControl?: CacheControl;
}

/** A document (PDF, plain text) given to the model as input. */
export interface DocumentPart {
  type: 'document';
  source: MediaSource;
  filename?: string;
  /** Anthropic's `title` / `context` are kept here when present. */
  title?: string;
  cacheControl?: CacheControl;
}

/** Visible reasoning. `signature` is the opaque proof or encrypted form the provider wants back:
 * Anthropic's thinking `signature`, OpenAI Responses' `encrypted_content`, Gemini's `thoughtSignature`. */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
  /** Item id in formats that have one (OpenAI Responses `rs_...`). */
  id?: string;
}

/** Reasoning the provider hid: Anthropic's `redacted_thinking` (its `data`). */
export interface RedactedReasoningPart {
  type: 'redacted-reasoning';
  data: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  /** Stable id the result refers to (OpenAI `call_...`, Anthropic `toolu_...`). Decoders invent a
   * deterministic one where the format has none (Gemini). */
  id: string;
  name: string;
  /** The Responses namespace of the function called (`name` is then its name inside it). */
  namespace?: string;
  /** The arguments as JSON text, exactly as produced ("{}" when there are none). */
  arguments: string;
  /** Gemini's `thoughtSignature` on a function call part. */
  signature?: string;
  /** Item id in formats that have one besides the call id (OpenAI Responses `fc_...`). */
  itemId?: string;
  cacheControl?: CacheControl;
}

export interface RefusalPart {
  type: 'refusal';
  text: string;
}

/** A tool a tool search found, in a tool's result (Anthropic `tool_reference`): from then on the
 * model may call it, even if it was deferred (see FunctionTool.deferLoading). */
export interface ToolReferencePart {
  type: 'tool-reference';
  toolName: string;
  cacheControl?: CacheControl;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** The tool's name when the format carries it (Gemini needs it; encoders look it up otherwise). */
  name?: string;
  content: Array<TextPart | ImagePart | DocumentPart | ToolReferencePart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

export type UserContent = TextPart | ImagePart | DocumentPart;
export type AssistantContent = TextPart | ReasoningPart | RedactedReasoningPart | ToolCallPart | RefusalPart;

export type Message =
  | { role: 'user'; content: UserContent[] }
  | { role: 'assistant'; content: AssistantContent[] }
  /** Results of earlier tool calls; one message may answer several calls. */
  | { role: 'tool'; content: ToolResultPart[] }
  /** Instructions given in the middle of the conversation (Claude Code's environment block comes
   * as a system message after the first user turn). Those before any message are `system`. */
  | { role: 'system'; content: TextPart[] };

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  /** Anthropic's (and Responses') `defer_loading`: the model does not see the tool until a tool
   * search loads it (a `tool-reference` in a result). */
  deferLoading?: boolean;
  /** The Responses namespace the function was declared in (`name` is its name inside it). */
  namespace?: ToolNamespace;
  /** A Responses custom tool (free-form text input instead of JSON arguments), held as the function
   * of one string `input` every format can declare: its definition as the client wrote it, which a
   * Responses provider gets instead. Calls of it carry `{"input": <the text>}` as arguments. */
  freeform?: Record<string, unknown>;
  /** Where the client declared the tool (`tools[3].tools[1]`), when that is not `tools[<its
   * index>]`: encoders name it so in `dropped`. */
  param?: string;
  cacheControl?: CacheControl;
}

export interface ToolNamespace {
  name: string;
  description?: string;
}

/** A tool only its own format knows (Anthropic `web_search_20250305`, OpenAI `web_search`, custom
 * tools): sent as is to a provider of that format, reported as dropped elsewhere. */
export interface NativeTool {
  type: 'native';
  format: WireFormat;
  definition: Record<string, unknown>;
  /** As FunctionTool.param. */
  param?: string;
}

export type Tool = FunctionTool | NativeTool;

export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name?: string; description?: string; schema: Record<string, unknown>; strict?: boolean };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface ReasoningOptions {
  /** false: the client asked for no reasoning (Anthropic `thinking: {type: "disabled"}`). */
  enabled?: boolean;
  effort?: ReasoningEffort;
  /** Token budget (Anthropic `budget_tokens`, Gemini `thinkingBudget`). */
  budgetTokens?: number;
  /** OpenAI Responses `reasoning.summary`. */
  summary?: 'auto' | 'concise' | 'detailed';
  /** The model reasons, but its reasoning is not shown to the client (OpenRouter's
   * `reasoning.exclude`); reasoning tokens are still counted in usage. */
  exclude?: boolean;
}

export interface ChatRequest {
  /** The format the client spoke. */
  source: WireFormat;
  model: string;
  /** System / developer instructions, in order. */
  system: TextPart[];
  messages: Message[];
  tools: Tool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  /** `max_tokens`, `max_completion_tokens`, `max_output_tokens`, `maxOutputTokens`. */
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stop?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  reasoning?: ReasoningOptions;
  stream: boolean;
  /** The client wants usage in the stream (Chat's `stream_options.include_usage`). Encoders to
   * other formats always report usage; this only decides whether a Chat client sees the chunk. */
  includeUsage: boolean;
  user?: string;
  metadata?: Record<string, string>;
  /** Fields of the source format that have no place in this form, by their own name. A provider of
   * the same format receives them as they were; any other reports them in `dropped`. */
  extra: Record<string, unknown>;
  /** Fields that make no sense outside the source format (e.g. Responses `previous_response_id`):
   * a provider of another format must refuse the request (400) rather than drop them. */
  sourceOnly: string[];
}

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'refusal' | 'pause' | 'error' | 'other';

export interface Usage {
  /** All prompt tokens, cached and cache-written included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens read from the provider's cache. */
  cachedInputTokens: number;
  /** Prompt tokens written to the provider's cache (Anthropic cache_creation_input_tokens). */
  cacheWriteTokens: number;
  /** Output tokens spent on reasoning (part of outputTokens). */
  reasoningTokens: number;
  /** What the call cost in USD, as the gateway billed it; encoded as `usage.cost` (OpenRouter's field). */
  cost?: number;
}

export interface ChatResponse {
  id: string;
  /** The model as the provider named it. */
  model: string;
  /** Unix seconds. */
  created: number;
  content: AssistantContent[];
  finishReason: FinishReason;
  /** The stop sequence that ended the answer, when the provider says which. */
  stopSequence?: string | null;
  /** null when the provider reported none. */
  usage: Usage | null;
  /** Fields a model adds to the top level of the encoded answer (a fusion's block). */
  extra?: Record<string, unknown>;
}

/**
 * What a streamed answer is made of, in the order it arrives. Decoders emit these from the
 * provider's events; encoders turn them into the client's events.
 * - `tool-call-start` precedes a call's deltas; `index` counts tool calls from 0 in this answer.
 * - `*-end` events are emitted when the source format says a part is complete; decoders of formats
 *   without such markers (Chat, Gemini) emit `tool-call-end` for every open call before `finish`.
 * - `usage` may come before or after `finish`; a stream can end without any.
 * - A stream is complete once `finish` has been seen.
 */
export type StreamEvent =
  | { type: 'start'; id: string; model: string; created: number }
  | { type: 'text-delta'; text: string }
  | { type: 'text-end' }
  | { type: 'reasoning-delta'; text: string; id?: string }
  /** Arrives once the reasoning part it belongs to is complete (before or at its end). */
  | { type: 'reasoning-signature'; signature: string }
  | { type: 'reasoning-end' }
  | { type: 'redacted-reasoning'; data: string }
  | { type: 'refusal-delta'; text: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string; signature?: string; itemId?: string; namespace?: string }
  | { type: 'tool-call-delta'; index: number; arguments: string }
  | { type: 'tool-call-end'; index: number }
  /** `extra`: fields a model adds beside the usage, on the client's event that carries it (a
   * fusion's block): every SDK passes unknown fields there through. */
  | { type: 'usage'; usage: Usage; extra?: Record<string, unknown> }
  | { type: 'finish'; finishReason: FinishReason; stopSequence?: string | null }
  /** A note for a person watching the raw stream (a fusion's progress): written as an SSE comment,
   * which every client skips; never given to an encoder. */
  | { type: 'comment'; text: string };

/** A request as a provider codec built it; the provider adds auth and the origin. */
export interface EncodedRequest {
  /** Path under the provider's base URL, query string included (e.g. `/chat/completions`,
   * `/models/gemini-2.5-pro:streamGenerateContent?alt=sse`). */
  path: string;
  body: Record<string, unknown>;
  /** Headers this request needs besides auth (e.g. an `anthropic-beta` feature flag). */
  headers?: Record<string, string>;
  /** Fields the target cannot honour, named as the client spelled them. */
  dropped: string[];
}

/** What a provider codec needs to know about where the request goes. */
export interface EncodeTarget {
  /** The provider's own name for the model. */
  upstreamModel: string;
  /** Provider quirks that change the encoding (see providers/definition.ts). */
  quirks: ProviderQuirks;
}

export interface ProviderQuirks {
  /** Chat: the provider rejects `stream_options` (no usage chunk can be asked for). */
  noStreamOptions?: boolean;
  /** Chat: the field that carries the output limit (default `max_tokens`; OpenAI's reasoning
   * models want `max_completion_tokens`). */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Chat: the provider returns reasoning as `reasoning_content` (DeepSeek, vLLM, Groq with
   * `reasoning_format: parsed`) or `reasoning` (OpenRouter, Ollama). Decoders read both anyway. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Chat: the provider accepts `reasoning_effort`. */
  reasoningEffort?: boolean;
  /** Chat: the provider reads OpenRouter's `reasoning` object (OpenRouter); any other Chat provider
   * is sent what Chat itself can say (openai-chat/reasoning-object.ts). */
  reasoningObject?: boolean;
}

/** Turns raw upstream body bytes into stream events; one per upstream response. */
export interface StreamDecoder {
  push(chunk: Uint8Array): StreamEvent[];
  /** The upstream body ended; returns what remained buffered. */
  end(): StreamEvent[];
  /** Set when the bytes could not be read as this format; the stream must stop with an error. */
  malformed: string | null;
  /** Set when the provider reported an error inside the stream (Anthropic `event: error`, a Chat
   * `{"error":...}` chunk, Responses `response.failed`, a Bedrock exception frame); the stream
   * must stop with it. Status: the provider's if it gave one, else 502 (529 for overloaded). */
  failure: StreamFailure | null;
  /** True when the decoder passes each framed message's payload through StreamDecoderOptions.payloads:
   * its raw bytes are then a binary framing (lengths and checksums) that must reach it unchanged. */
  readonly filtersPayloads?: boolean;
}

export interface StreamDecoderOptions {
  /** Applied to each message's payload before it is read, by a decoder of a binary framing (Bedrock's
   * event stream): credentials are cut out there, since changing the framed bytes would break them. */
  payloads?: (payload: Buffer) => Buffer;
}

/** Turns stream events into the client's wire bytes; one per client response. */
export interface StreamEncoder {
  /** Text to write (SSE events); '' when the event produces nothing yet. */
  push(event: StreamEvent): string;
  /** The stream completed normally: closes whatever is open and writes the format's terminator. */
  end(): string;
  /** The stream failed after it started: the format's error event (never a clean-looking end). */
  fail(error: StreamFailure): string;
}

export interface StreamFailure {
  status: number;
  type: string;
  code: string | null;
  message: string;
}

/** What the surface knows when it starts encoding a stream or a response for the client. */
export interface EncodeContext {
  /** The model name to report when the provider's is not known yet. */
  model: string;
  /** Chat clients: whether the client asked for the usage chunk. */
  includeUsage: boolean;
  /** The best count of the prompt's tokens known before the provider reports one (an estimate,
   * made only when asked: it walks the whole prompt). Anthropic streams state it in `message_start`
   * when the provider has not, as Anthropic does, where some clients (LangChain) read the prompt's
   * size; without it they are told 0 until `message_delta`. */
  promptEstimate?: () => number;
  /** The request as the client's codec decoded it. Encoders read what the answer must echo or undo:
   * Responses echoes the request's settings and namespaces; Chat hides excluded reasoning. Without
   * it they answer with neutral defaults. */
  request?: ChatRequest;
  /** Receives the whole answer as the client's format states it once its end is encoded (a
   * Responses stream's final `response` object), for the gateway's store of the items it minted. */
  completed?: (response: Record<string, unknown>) => void;
}

/** A client-facing format: decodes what clients send, encodes what they receive. */
export interface SurfaceCodec {
  format: WireFormat;
  /** Validates and decodes; throws GatewayError (400, `param` set) on bad input. */
  decodeRequest(body: Record<string, unknown>): ChatRequest;
  encodeResponse(response: ChatResponse, context: EncodeContext): Record<string, unknown>;
  createStreamEncoder(context: EncodeContext): StreamEncoder;
  /** Formats whose failure event must follow the relayed events before it (the Responses API
   * numbers its events): what to keep of a stream relayed byte for byte, made for each such stream.
   * Without it, a failure after relayed bytes is written by a stream encoder told of the opening. */
  followRelayed?(context: EncodeContext): RelayedStream;
}

/** A stream relayed byte for byte, followed so that the gateway can end it with a failure. */
export interface RelayedStream {
  /** A piece relayed to the client as it came, with the events decoded from it. */
  relayed(bytes: Buffer | string, events: readonly StreamEvent[]): void;
  /** The format's error event, continuing what was relayed. */
  fail(error: StreamFailure): string;
}

/** A provider-facing format: encodes requests for it and decodes its answers. */
export interface ProviderCodec {
  format: WireFormat;
  encodeRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest;
  /** Decodes a whole (non-streamed) answer; throws GatewayError (502) when it is not this format.
   * `target` supplies what the answer may not say (Bedrock names no model and has no id). */
  decodeResponse(body: unknown, target: EncodeTarget): ChatResponse;
  createStreamDecoder(target: EncodeTarget, options?: StreamDecoderOptions): StreamDecoder;
}
