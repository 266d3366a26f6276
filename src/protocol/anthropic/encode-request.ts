// The IR as an Anthropic Messages request. Anthropic is the strictest of the formats about history
// (alternating roles, tool results leading the user turn, non-empty content, signed thinking only,
// tool ids of a fixed alphabet), so most of the work here is reshaping, never dropping content.
import type {
  AssistantContent,
  CacheControl,
  ChatRequest,
  DocumentPart,
  EncodedRequest,
  EncodeTarget,
  ImagePart,
  Message,
  ReasoningEffort,
  TextPart,
  ToolReferencePart,
  ToolResultPart,
  WireFormat,
} from '../ir.ts';
import { invalidRequest } from '../../errors/gateway-error.ts';
import { flatDescription, offeredTools, wireToolName } from '../tools.ts';
import { nativeFieldsOf } from './native-fields.ts';

type Block = Record<string, unknown>;

export function encodeRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  if (request.sourceOnly.length > 0 && request.source !== 'anthropic') {
    throw invalidRequest(`${request.sourceOnly.join(', ')}: not supported when the model is served by an Anthropic provider`, request.sourceOnly[0], 'unsupported_parameter');
  }
  const encoder = new RequestEncoder(request);
  const body: Block = { model: target.upstreamModel, max_tokens: request.maxOutputTokens ?? defaultMaxTokens };
  const system = request.system.map((part) => encoder.text(part)).filter((block) => block !== null);
  if (system.length > 0) body.system = system;
  body.messages = encoder.messages(request.messages);
  encoder.tools(body);
  encoder.sampling(body);
  if (request.stop && request.stop.length > 0) body.stop_sequences = request.stop;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.metadata && Object.keys(request.metadata).length > 0) encoder.drop('metadata');
  if (request.seed !== undefined) encoder.drop('seed');
  if (request.presencePenalty !== undefined) encoder.drop('presence_penalty');
  if (request.frequencyPenalty !== undefined) encoder.drop('frequency_penalty');
  encoder.responseFormat(body);
  if (request.stream) body.stream = true;
  encoder.extra(body);
  return { path: '/messages', body, dropped: encoder.dropped };
}

/** Anthropic requires max_tokens; this is what a client that named no limit gets. */
export const defaultMaxTokens = 4096;

/** Anthropic needs a thinking budget where other formats name an effort. */
const budgetsByEffort: Record<Exclude<ReasoningEffort, 'none'>, number> = { minimal: 1024, low: 2048, medium: 8192, high: 24576, xhigh: 32768 };
const minimumBudget = 1024;

/** The thinking budget of a request translated to Anthropic: its own, or its effort's (medium when it
 * only turns reasoning on), at least 1,024; null when it does not ask to think. Admission reads it
 * too: when max_tokens does not exceed it, the translation adds it to them. */
export function thinkingBudget(reasoning: { enabled?: boolean; effort?: string; budgetTokens?: number }): number | null {
  const { effort } = reasoning;
  if (reasoning.enabled === false || effort === 'none') return null;
  if (reasoning.budgetTokens !== undefined) return Math.max(reasoning.budgetTokens, minimumBudget);
  if (reasoning.enabled !== true && effort === undefined) return null;
  return budgetsByEffort[(effort ?? 'medium') as keyof typeof budgetsByEffort] ?? budgetsByEffort.xhigh;
}

/** What the client called its reasoning switch, for `dropped`. */
const reasoningParameter: Record<WireFormat, string> = {
  'openai-chat': 'reasoning_effort',
  'openai-responses': 'reasoning',
  anthropic: 'thinking',
  gemini: 'thinking_config',
  'bedrock-converse': 'reasoning',
};

class RequestEncoder {
  dropped: string[] = [];
  private request: ChatRequest;
  private sameFormat: boolean;
  /** `extra` keys of nested fields that went back into the body with their part. */
  private restored = new Set<string>();

  constructor(request: ChatRequest) {
    this.request = request;
    this.sameFormat = request.source === 'anthropic';
  }

  drop(name: string): void {
    if (!this.dropped.includes(name)) this.dropped.push(name);
  }

  /** Alternating turns: a tool message is a user turn of tool_result blocks, and consecutive
   * same-role messages merge, with tool results leading as Anthropic requires. A system message
   * stays where it was, as Anthropic takes it. */
  messages(messages: Message[]): Block[] {
    const turns: Array<{ role: 'user' | 'assistant' | 'system'; results: Block[]; content: Block[] }> = [];
    for (const message of messages) {
      const role = message.role === 'tool' ? 'user' : message.role;
      const results = message.role === 'tool' ? message.content.map((part) => this.toolResult(part)) : [];
      const content: Block[] = [];
      if (message.role === 'user') for (const part of message.content) this.push(content, this.userPart(part));
      if (message.role === 'system') for (const part of message.content) this.push(content, this.text(part));
      if (message.role === 'assistant') for (const part of message.content) this.push(content, this.assistantPart(part));
      if (results.length === 0 && content.length === 0) continue;
      const last = turns[turns.length - 1];
      if (last && last.role === role) {
        last.results.push(...results);
        last.content.push(...content);
      } else {
        turns.push({ role, results, content });
      }
    }
    return turns.map((turn) => ({ role: turn.role, content: [...turn.results, ...turn.content] }));
  }

  tools(body: Block): void {
    const tools: Block[] = [];
    for (const { tool, param } of offeredTools(this.request, 'anthropic', (name) => this.drop(name))) {
      if (tool.type === 'native') {
        if (tool.format === 'anthropic') tools.push(tool.definition);
        else this.drop(param);
        continue;
      }
      const encoded: Block = { name: wireToolName(tool.name, tool.namespace?.name) };
      const description = flatDescription(tool);
      if (description !== undefined) encoded.description = description;
      encoded.input_schema = tool.parameters;
      if (tool.strict !== undefined) encoded.strict = tool.strict;
      if (tool.deferLoading !== undefined && this.sameFormat) encoded.defer_loading = tool.deferLoading;
      tools.push(this.withCache(this.withNative(encoded, tool), tool.cacheControl));
    }
    if (tools.length > 0) body.tools = tools;

    // Anthropic refuses tool_choice without tools; without tools there is nothing to choose.
    const choice = this.request.toolChoice;
    if (tools.length === 0) return;
    let encoded: Block | undefined;
    if (choice?.type === 'auto') encoded = { type: 'auto' };
    else if (choice?.type === 'none') encoded = { type: 'none' };
    else if (choice?.type === 'required') encoded = { type: 'any' };
    else if (choice?.type === 'tool') encoded = { type: 'tool', name: choice.name };
    if (this.request.parallelToolCalls !== undefined && choice?.type !== 'none') {
      encoded ??= { type: 'auto' };
      encoded.disable_parallel_tool_use = !this.request.parallelToolCalls;
    }
    if (encoded) body.tool_choice = encoded;
  }

  /** Thinking, and the sampling settings Anthropic refuses alongside it. */
  sampling(body: Block): void {
    const request = this.request;
    const asked = body.max_tokens;
    const thinking = this.thinking(body);
    if (thinking) {
      const forced = (body.tool_choice as Block | undefined)?.type;
      if ((forced === 'any' || forced === 'tool') && !this.sameFormat) {
        // Anthropic cannot think when a tool call is forced; the client's tool choice wins, and its
        // max_tokens, which no thinking budget now shares.
        delete body.thinking;
        delete body.output_config;
        body.max_tokens = asked;
        this.drop(reasoningParameter[request.source]);
      } else {
        if (request.temperature !== undefined && request.temperature !== 1) this.drop('temperature');
        if (request.topK !== undefined) this.drop('top_k');
        if (request.topP !== undefined && request.topP < 0.95) this.drop('top_p');
        else if (request.topP !== undefined) body.top_p = request.topP;
        if (request.temperature === 1) body.temperature = 1;
        return;
      }
    }
    if (request.temperature !== undefined) {
      // Anthropic's scale ends at 1 where OpenAI's ends at 2.
      if (request.temperature > 1) this.drop('temperature');
      body.temperature = Math.min(request.temperature, 1);
    }
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.topK !== undefined) body.top_k = request.topK;
  }

  responseFormat(body: Block): void {
    const format = this.request.responseFormat;
    if (!format || format.type === 'text') return;
    if (format.type === 'json') return this.drop('response_format');
    // Generally available as output_config.format; the beta `output_format` is deprecated.
    const config = (body.output_config as Block | undefined) ?? {};
    config.format = { type: 'json_schema', schema: format.schema };
    body.output_config = config;
  }

  /** Fields only Anthropic knows: into the body for an Anthropic client, reported otherwise. */
  extra(body: Block): void {
    for (const [key, value] of Object.entries(this.request.extra)) {
      if (!this.sameFormat) this.drop(key);
      else if (key.includes('[')) {
        if (!this.restored.has(key)) this.drop(key);
      } else if (key.includes('.')) setPath(body, key.split('.'), value);
      else if (key !== '__proto__') body[key] = value;
    }
  }

  /** Sets `thinking` (and `output_config.effort`); true when the model will think. */
  private thinking(body: Block): boolean {
    const reasoning = this.request.reasoning;
    if (!reasoning) return false;
    if (reasoning.summary !== undefined) this.drop('reasoning.summary');
    const effort = reasoning.effort;
    if (reasoning.enabled === false || effort === 'none') {
      body.thinking = { type: 'disabled' };
      if (this.sameFormat && effort !== undefined && effort !== 'none') body.output_config = { effort };
      return false;
    }
    if (reasoning.budgetTokens === undefined && this.sameFormat) {
      // From an Anthropic client, thinking without a budget was `adaptive`, and an effort was
      // output_config.effort, which also applies when thinking was not asked for.
      if (effort !== undefined) body.output_config = { effort };
      if (reasoning.enabled !== true) return false;
      body.thinking = { type: 'adaptive' };
      return true;
    }
    const budget = thinkingBudget(reasoning);
    if (budget === null) return false;
    body.thinking = { type: 'enabled', budget_tokens: budget };
    // Thinking counts against max_tokens, which must exceed the budget: the answer keeps its room. An
    // Anthropic client's own budget goes as it came, as when relayed (Anthropic judges the pair).
    const maxTokens = body.max_tokens as number;
    if (maxTokens <= budget && !this.sameFormat) body.max_tokens = budget + maxTokens;
    return true;
  }

  private push(content: Block[], block: Block | null): void {
    if (block) content.push(block);
  }

  private userPart(part: TextPart | ImagePart | DocumentPart): Block | null {
    if (part.type === 'text') return this.text(part);
    if (part.type === 'image') return this.image(part);
    return this.document(part);
  }

  private assistantPart(part: AssistantContent): Block | null {
    switch (part.type) {
      case 'text':
        return this.text(part);
      case 'refusal':
        return part.text === '' ? null : { type: 'text', text: part.text };
      case 'reasoning':
        // Anthropic verifies thinking by its signature; unsigned reasoning (another provider's)
        // cannot be given back, and is history, not a parameter.
        if (!part.signature) return null;
        return this.withNative({ type: 'thinking', thinking: part.text, signature: part.signature }, part);
      case 'redacted-reasoning':
        return this.withNative({ type: 'redacted_thinking', data: part.data }, part);
      case 'tool-call':
        return this.withCache(this.withNative({ type: 'tool_use', id: toolId(part.id), name: wireToolName(part.name, part.namespace), input: toolInput(part.arguments) }, part), part.cacheControl);
    }
  }

  private toolResult(part: ToolResultPart): Block {
    const block: Block = { type: 'tool_result', tool_use_id: toolId(part.toolCallId) };
    const content: Block[] = [];
    for (const inner of part.content) this.push(content, inner.type === 'tool-reference' ? this.toolReference(inner) : this.userPart(inner));
    if (content.length > 0) block.content = content;
    if (part.isError !== undefined) block.is_error = part.isError;
    return this.withCache(this.withNative(block, part), part.cacheControl);
  }

  private toolReference(part: ToolReferencePart): Block {
    return this.withCache(this.withNative({ type: 'tool_reference', tool_name: part.toolName }, part), part.cacheControl);
  }

  /** Empty text blocks are refused by Anthropic and carry nothing: left out. */
  text(part: TextPart): Block | null {
    if (part.text === '') return null;
    return this.withCache(this.withNative({ type: 'text', text: part.text }, part), part.cacheControl);
  }

  private image(part: ImagePart): Block {
    if (part.detail === 'low' || part.detail === 'high') this.drop('detail');
    return this.withCache(this.withNative({ type: 'image', source: mediaSource(part.source) }, part), part.cacheControl);
  }

  /** PDF and plain text; other files (audio, office documents) Anthropic cannot read are named in
   * `dropped` and left out. */
  private document(part: DocumentPart): Block | null {
    const source = part.source;
    let encoded: Block;
    if (source.kind === 'base64' && source.mediaType.startsWith('text/')) {
      encoded = { type: 'text', media_type: 'text/plain', data: Buffer.from(source.data, 'base64').toString('utf8') };
    } else if (source.kind === 'base64' && source.mediaType !== 'application/pdf') {
      this.drop(source.mediaType.startsWith('audio/') ? 'input_audio' : 'document');
      return null;
    } else {
      encoded = mediaSource(source);
    }
    const block: Block = { type: 'document', source: encoded };
    const title = part.title ?? part.filename;
    if (title !== undefined) block.title = title;
    return this.withCache(this.withNative(block, part), part.cacheControl);
  }

  private withCache(block: Block, cacheControl: CacheControl | undefined): Block {
    if (cacheControl) block.cache_control = cacheControl.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cacheControl.ttl };
    return block;
  }

  private withNative(block: Block, part: object): Block {
    if (!this.sameFormat) return block;
    const native = nativeFieldsOf(part);
    if (!native) return block;
    for (const [key, value] of Object.entries(native.fields)) {
      block[key] = value;
      this.restored.add(`${native.path}.${key}`);
    }
    return block;
  }
}

function mediaSource(source: ImagePart['source']): Block {
  if (source.kind === 'file-id') return { type: 'file', file_id: source.id };
  if (source.kind === 'base64') return { type: 'base64', media_type: source.mediaType, data: source.data };
  // A data: URL is inline content; Anthropic's url source only fetches http(s).
  const inline = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (inline) return { type: 'base64', media_type: inline[1], data: inline[2] };
  return { type: 'url', url: source.url };
}

/**
 * Tool arguments as the object Anthropic wants. "" means no arguments. Text that is not a JSON
 * object (a model cut off mid-call, a provider's quirk) is kept, not lost and not fatal, as
 * `{"invalid_json_arguments": "<the text>"}`: the model sees what it sent, and the request stands.
 */
export function toolInput(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Falls through to the wrapper below.
  }
  return { invalid_json_arguments: text };
}

/**
 * Anthropic accepts tool ids matching ^[a-zA-Z0-9_-]+$; other providers' ids may not (Gemini's
 * invented ones, ids with dots or colons). The same id always maps to the same result, so a call
 * and its result still match; a short hash of the original keeps two ids that differ only in the
 * replaced characters apart.
 */
export function toolId(id: string): string {
  if (/^[a-zA-Z0-9_-]+$/.test(id)) return id;
  return `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}_${fnv1a(id)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function setPath(target: Block, keys: string[], value: unknown): void {
  // Keys come from the client: never let one reach an object's prototype.
  if (keys.some((key) => key === '__proto__' || key === 'constructor' || key === 'prototype')) return;
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Block;
  }
  node[keys[keys.length - 1]] = value;
}
