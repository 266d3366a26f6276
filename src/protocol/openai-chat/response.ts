// Whole (non-streamed) Chat Completions answers, both ways: what an OpenAI-compatible provider
// returns, read into the internal form, and the `chat.completion` object a Chat client receives.
// The usage and finish-reason readers are shared with the stream decoder and encoder.
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { AssistantContent, ChatResponse, EncodeContext, EncodeTarget, FinishReason, Usage } from '../ir.ts';

export function decodeResponse(body: unknown, target: EncodeTarget): ChatResponse {
  if (!isRecord(body)) throw malformedResponse('the provider answer is not a JSON object');
  if (!Array.isArray(body.choices) || body.choices.length === 0) throw malformedResponse('the provider answer has no `choices`');
  const choice = body.choices.find((entry) => isRecord(entry) && entry.index === 0) ?? body.choices[0];
  if (!isRecord(choice) || !isRecord(choice.message)) throw malformedResponse('the provider answer has no `choices[0].message`');
  const message = choice.message;

  const content: AssistantContent[] = [];
  const reasoning = reasoningText(message);
  if (reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  content.push(...messageContent(message.content));
  if (typeof message.refusal === 'string' && message.refusal !== '') content.push({ type: 'refusal', text: message.refusal });
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  toolCalls.forEach((call, index) => {
    if (!isRecord(call)) throw malformedResponse(`choices[0].message.tool_calls[${index}] is not an object`);
    const named = isRecord(call.function) ? call.function : isRecord(call.custom) ? call.custom : {};
    if (typeof named.name !== 'string') throw malformedResponse(`choices[0].message.tool_calls[${index}] has no function name`);
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}`;
    content.push({ type: 'tool-call', id, name: named.name, arguments: argumentsText(named.arguments ?? named.input) });
  });
  // Legacy `function_call`, still returned by some servers that were asked with `functions`.
  if (toolCalls.length === 0 && isRecord(message.function_call) && typeof message.function_call.name === 'string') {
    content.push({ type: 'tool-call', id: 'call_0', name: message.function_call.name, arguments: argumentsText(message.function_call.arguments) });
  }

  const hasToolCalls = content.some((part) => part.type === 'tool-call');
  return {
    id: typeof body.id === 'string' && body.id !== '' ? body.id : generateChatId(),
    model: typeof body.model === 'string' && body.model !== '' ? body.model : target.upstreamModel,
    created: typeof body.created === 'number' ? body.created : nowSeconds(),
    content,
    finishReason: decodeFinishReason(choice.finish_reason, hasToolCalls),
    usage: decodeUsage(body.usage),
  };
}

export function encodeResponse(response: ChatResponse, context: EncodeContext): Record<string, unknown> {
  let text: string | null = null;
  let reasoning: string | null = null;
  let refusal: string | null = null;
  const toolCalls: Record<string, unknown>[] = [];
  const showReasoning = context.request?.reasoning?.exclude !== true;
  for (const part of response.content) {
    if (part.type === 'text') text = (text ?? '') + part.text;
    else if (part.type === 'reasoning') {
      if (showReasoning) reasoning = (reasoning ?? '') + part.text;
    }
    else if (part.type === 'refusal') refusal = (refusal ?? '') + part.text;
    else if (part.type === 'tool-call') toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
  }
  const message: Record<string, unknown> = { role: 'assistant', content: text, refusal };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== null) message.reasoning_content = reasoning;
  const completion: Record<string, unknown> = {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: response.model || context.model,
    choices: [{ index: 0, message, finish_reason: encodeFinishReason(response.finishReason), logprobs: null }],
  };
  if (response.usage) completion.usage = encodeUsage(response.usage);
  return completion;
}

/** Reads a Chat `usage` object; null when there is none. */
export function decodeUsage(value: unknown): Usage | null {
  if (!isRecord(value) || typeof value.prompt_tokens !== 'number') return null;
  const inputTokens = value.prompt_tokens;
  const completionTokens = numberOr(value.completion_tokens, 0);
  const promptDetails = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {};
  const completionDetails = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  const reasoningTokens = numberOr(completionDetails.reasoning_tokens, 0);
  // xAI counts reasoning outside completion_tokens (its total is prompt + completion + reasoning);
  // everyone else counts it inside, which is what the internal form means.
  const reasoningOutside = reasoningTokens > 0 && value.total_tokens === inputTokens + completionTokens + reasoningTokens;
  return {
    inputTokens,
    outputTokens: reasoningOutside ? completionTokens + reasoningTokens : completionTokens,
    // DeepSeek names cache hits `prompt_cache_hit_tokens`.
    cachedInputTokens: numberOr(promptDetails.cached_tokens, numberOr(value.prompt_cache_hit_tokens, 0)),
    cacheWriteTokens: 0,
    reasoningTokens,
  };
}

/** A usage object as a stream's usage chunk carries it: decodeUsage's counts, or, without
 * `prompt_tokens`, what is there of the output (so billing does not depend on which path a request
 * took). */
export function readUsageObject(usage: Record<string, unknown>): Usage {
  return decodeUsage(usage) ?? { inputTokens: 0, outputTokens: numberOr(usage.completion_tokens, 0), cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}

export function encodeUsage(usage: Usage): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    ...(usage.cost === undefined ? {} : { cost: usage.cost }),
  };
}

/** Servers that answer a tool call with `stop` (some Ollama and vLLM versions) still mean the
 * caller should run the tools; clients of other formats check for exactly that reason. */
export function decodeFinishReason(value: unknown, hasToolCalls: boolean): FinishReason {
  switch (value) {
    case 'stop':
      return hasToolCalls ? 'tool-calls' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

export function encodeFinishReason(reason: FinishReason): string {
  if (reason === 'tool-calls') return 'tool_calls';
  if (reason === 'content-filter') return 'content_filter';
  if (reason === 'length') return 'length';
  return 'stop';
}

/** Reasoning text under either name; vLLM sends both with the same text, so one is read. */
export function reasoningText(record: Record<string, unknown>): string {
  if (typeof record.reasoning_content === 'string' && record.reasoning_content !== '') return record.reasoning_content;
  if (typeof record.reasoning === 'string') return record.reasoning;
  return '';
}

/** Arguments as JSON text: some servers send an object, some an empty string for "no arguments". */
export function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '{}' : value;
  if (value === undefined || value === null) return '{}';
  return JSON.stringify(value);
}

export function generateChatId(): string {
  return `chatcmpl-${randomBytes(12).toString('base64url')}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function malformedResponse(message: string): GatewayError {
  return new GatewayError(message, { status: 502, type: 'upstream_error', code: 'upstream_malformed_response' });
}

/** Message content as a string, or (Mistral's reasoning models) a list of text and thinking parts. */
function messageContent(value: unknown): AssistantContent[] {
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (!Array.isArray(value)) return [];
  const parts: AssistantContent[] = [];
  for (const part of value) {
    if (!isRecord(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'thinking') parts.push({ type: 'reasoning', text: thinkingText(part.thinking) });
    else if (part.type === 'refusal' && typeof part.refusal === 'string') parts.push({ type: 'refusal', text: part.refusal });
  }
  return parts;
}

/** Mistral's thinking: a list of text parts, or (seen too) a string. */
export function thinkingText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
