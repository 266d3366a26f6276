// The formats clients speak to the gateway, and what each knows about its own request body: where
// it keeps the model, the stream flag, the answer's length, tools, images, a JSON schema, stored
// context and the conversation's opening; how it takes a preset; how it spells an error. Routing,
// admission, the engine and the surface ask these facts instead of reading raw bodies per format.
// A client format is a folder under src/protocol/ and one line in the table below (the compiler
// then asks for its codec in codecs.ts). Providers' formats (WireFormat, in ir.ts) include these
// and more.
import type { GatewayError } from '../errors/gateway-error.ts';
import { anthropicFacts } from './anthropic/facts.ts';
import { openAIChatFacts } from './openai-chat/facts.ts';
import { openAIResponsesFacts } from './openai-responses/facts.ts';

const table = {
  'openai-chat': openAIChatFacts,
  'openai-responses': openAIResponsesFacts,
  anthropic: anthropicFacts,
};

export type ClientFormat = keyof typeof table;

export const clientFormats: Readonly<Record<ClientFormat, ClientFormatFacts>> = table;

type Body = Record<string, unknown>;

export interface ReasoningAsked {
  enabled?: boolean;
  effort?: string;
  budgetTokens?: number;
}

/** What one client format knows about its raw JSON request body. Readers never throw unless they
 * say so: a malformed field reads as absent, and the format's codec reports it. */
export interface ClientFormatFacts {
  /** Where the body names the model; the caller checks it. */
  model(body: Body): unknown;
  /** Whether the client asked for a stream; a 400 when `stream` is anything but a boolean or null. */
  stream(body: Body): boolean;
  /** The most output tokens the client allows: a positive number, or null when it sets none. */
  maxOutputTokens(body: Body): number | null;
  /** Answers generated (and billed) for one request: Chat's `n`, 1 where the format has none. */
  choices(body: Body): number;
  usesTools(body: Body): boolean;
  /** Any image in the conversation, tool results included. */
  hasImages(body: Body): boolean;
  /** The answer must follow a JSON schema. */
  wantsJsonSchema(body: Body): boolean;
  /** The prompt includes context stored at the provider, of a size the body does not show. */
  usesStoredContext(body: Body): boolean;
  /** The reasoning the body asks for, as a translation to Anthropic reads it for the thinking budget
   * it adds to max_tokens (an on switch, an effort, a budget in tokens); null when none. */
  reasoningAsked(body: Body): ReasoningAsked | null;
  /** The conversation so far: the list of messages or input items. */
  history(body: Body): unknown;
  /** The fields the token estimate reads (estimateTokens counts framing under `messages` and `input`). */
  promptParts(body: Body): Record<string, unknown>;
  /** What stays the same from one turn of a conversation to the next: the system prompt or
   * instructions and the first user message. Sticky routing hashes it. */
  conversationOpening(body: Body): unknown[];
  /** Adds a preset's instructions and default parameters in this format's own fields, in place;
   * returns the names of what it applied, in the preset's terms (e.g. ['instructions', 'top_p']). */
  applyPreset(body: Body, preset: PresetDefaults): string[];
  /** The body of an error answer, as this format's clients parse it. */
  errorBody(error: GatewayError): string;
}

/** Default parameters a preset may set, named once here and spelled by each format its own way. */
export interface PresetParameters {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  stop?: string[];
  /** 'minimal' | 'low' | 'medium' | 'high' */
  reasoning_effort?: string;
}

/** The part of a preset that goes into the request body in the client's own format. */
export interface PresetDefaults {
  instructions: string | null;
  parameters: PresetParameters;
}
