// Whole (non-streamed) Anthropic messages, both ways, and the two maps both directions and both
// stream codecs share: stop reasons and usage. Anthropic's `input_tokens` leaves out cached and
// cache-written tokens, which the IR counts; the usage maps add them in and take them out.
import type { AssistantContent, ChatResponse, EncodeContext, EncodeTarget, FinishReason, Usage } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { toolInput } from './encode-request.ts';

export function decodeResponse(body: unknown, target: EncodeTarget): ChatResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformedResponse('the answer is not a JSON object');
  const message = body as Record<string, unknown>;
  if (message.type !== 'message' || !Array.isArray(message.content)) throw malformedResponse('the answer is not an Anthropic message');
  const content: AssistantContent[] = [];
  for (const item of message.content) {
    const block = item as Record<string, unknown>;
    if (block?.type === 'text' && typeof block.text === 'string') content.push({ type: 'text', text: block.text });
    else if (block?.type === 'thinking' && typeof block.thinking === 'string') {
      const part: AssistantContent = { type: 'reasoning', text: block.thinking };
      if (typeof block.signature === 'string' && block.signature !== '') part.signature = block.signature;
      content.push(part);
    } else if (block?.type === 'redacted_thinking' && typeof block.data === 'string') content.push({ type: 'redacted-reasoning', data: block.data });
    else if (block?.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      content.push({ type: 'tool-call', id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
    // Server tool blocks (server_tool_use, web_search_tool_result, ...) ran at Anthropic and have
    // no IR form; an Anthropic client relayed as is still receives them.
  }
  const stop = decodeStopReason(message.stop_reason);
  const response: ChatResponse = {
    id: typeof message.id === 'string' ? message.id : '',
    model: typeof message.model === 'string' ? message.model : target.upstreamModel,
    // Anthropic's message has no timestamp.
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: stop,
    usage: decodeUsage(message.usage),
  };
  if (typeof message.stop_sequence === 'string') response.stopSequence = message.stop_sequence;
  else if (message.stop_reason === 'stop_sequence') response.stopSequence = null;
  return response;
}

export function encodeResponse(response: ChatResponse, context: EncodeContext): Record<string, unknown> {
  const refused = response.content.some((part) => part.type === 'refusal');
  return {
    id: response.id || `msg_${crypto.randomUUID().replaceAll('-', '')}`,
    type: 'message',
    role: 'assistant',
    model: response.model || context.model,
    content: response.content.map(encodeContent),
    // OpenAI refuses with finish_reason "stop" and a refusal part; Anthropic says so in stop_reason.
    stop_reason: encodeStopReason(refused && response.finishReason === 'stop' ? 'refusal' : response.finishReason, response.stopSequence),
    stop_sequence: response.stopSequence ?? null,
    stop_details: null,
    usage: encodeUsage(response.usage),
  };
}

const finishReasons: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  pause_turn: 'pause',
  refusal: 'refusal',
};

export function decodeStopReason(reason: unknown): FinishReason {
  return typeof reason === 'string' ? (finishReasons[reason] ?? 'other') : 'other';
}

export function encodeStopReason(reason: FinishReason, stopSequence?: string | null): string {
  switch (reason) {
    case 'stop':
      return typeof stopSequence === 'string' ? 'stop_sequence' : 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'pause':
      return 'pause_turn';
    case 'refusal':
    case 'content-filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Anthropic usage (whole message, or message_start's) to the IR's; null when there is none. */
export function decodeUsage(value: unknown): Usage | null {
  if (typeof value !== 'object' || value === null) return null;
  const usage = value as Record<string, unknown>;
  const input = count(usage.input_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  return { inputTokens: input + cacheRead + cacheWrite, outputTokens: count(usage.output_tokens), cachedInputTokens: cacheRead, cacheWriteTokens: cacheWrite, reasoningTokens: 0 };
}

/** The IR's usage as Anthropic reports it: `input_tokens` is the part neither read nor written. */
export function encodeUsage(usage: Usage | null): Record<string, number> {
  const known = usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  return {
    input_tokens: Math.max(0, known.inputTokens - known.cachedInputTokens - known.cacheWriteTokens),
    output_tokens: known.outputTokens,
    cache_creation_input_tokens: known.cacheWriteTokens,
    cache_read_input_tokens: known.cachedInputTokens,
    ...(known.cost === undefined ? {} : { cost: known.cost }),
  };
}

export function malformedResponse(detail: string): GatewayError {
  return new GatewayError(`the provider's answer is not a valid Anthropic Messages response: ${detail}`, {
    status: 502,
    type: 'upstream_error',
    code: 'upstream_malformed_response',
  });
}

function encodeContent(part: AssistantContent): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.text };
    case 'reasoning':
      // Reasoning from a provider that signs nothing still shows; the empty signature tells the
      // gateway not to hand it back to Anthropic, which could not verify it.
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted-reasoning':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool-call':
      return { type: 'tool_use', id: part.id, name: part.name, input: toolInput(part.arguments) };
  }
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
