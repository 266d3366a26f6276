// A whole Converse answer (`{output: {message}, stopReason, usage, metrics}`) into the IR, and the
// stop-reason and usage maps the stream decoder shares. Converse names no model and returns no id:
// the model is the one the request went to, and the id is made here.
import { randomBytes } from 'node:crypto';
import type { AssistantContent, ChatResponse, EncodeTarget, FinishReason, Usage } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';

export function decodeResponse(body: unknown, target: EncodeTarget): ChatResponse {
  if (!isRecord(body) || !isRecord(body.output) || !isRecord(body.output.message) || !Array.isArray(body.output.message.content)) {
    throw malformedResponse('the answer has no output.message.content');
  }
  const content: AssistantContent[] = [];
  for (const block of body.output.message.content) {
    const part = decodeContentBlock(block);
    if (part !== null) content.push(part);
  }
  return {
    id: newResponseId(),
    model: target.upstreamModel,
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: typeof body.stopReason === 'string' ? finishReasonOf(body.stopReason) : 'other',
    stopSequence: stopSequenceOf(body.additionalModelResponseFields),
    usage: isRecord(body.usage) ? usageOf(body.usage) : null,
  };
}

/** Converse's stopReason values (API reference, ConverseOutput) in the IR's terms. */
export function finishReasonOf(stopReason: string): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool-calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content-filter';
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return 'error';
    default:
      return 'other';
  }
}

/**
 * Bedrock's `inputTokens` counts only the prompt tokens that were neither read from nor written to
 * the cache (the prompt-caching guide bills "tokens not read from or written to cache" at the
 * standard rate, and the three are reported side by side), so the IR total adds them back.
 */
export function usageOf(usage: Record<string, unknown>): Usage {
  const cacheRead = count(usage.cacheReadInputTokens);
  const cacheWrite = count(usage.cacheWriteInputTokens);
  return {
    inputTokens: count(usage.inputTokens) + cacheRead + cacheWrite,
    outputTokens: count(usage.outputTokens),
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    // Bedrock does not split reasoning out of outputTokens.
    reasoningTokens: 0,
  };
}

/** Claude on Bedrock tells which stop sequence matched only through its native field, when asked
 * for with `additionalModelResponseFieldPaths`. */
export function stopSequenceOf(fields: unknown): string | null {
  return isRecord(fields) && typeof fields.stop_sequence === 'string' ? fields.stop_sequence : null;
}

export function newResponseId(): string {
  return 'msg_bdrk_' + randomBytes(12).toString('hex');
}

export function malformedResponse(reason: string): GatewayError {
  return new GatewayError(`the provider's answer is not a Bedrock Converse response: ${reason}`, {
    status: 502,
    type: 'upstream_error',
    code: 'upstream_malformed_response',
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One ContentBlock; null for kinds an answer does not carry into the IR (citations, images). */
function decodeContentBlock(block: unknown): AssistantContent | null {
  if (!isRecord(block)) throw malformedResponse('a content block is not an object');
  if (typeof block.text === 'string') return { type: 'text', text: block.text };
  if (isRecord(block.toolUse)) {
    const { toolUseId, name, input } = block.toolUse;
    if (typeof toolUseId !== 'string' || typeof name !== 'string') throw malformedResponse('a toolUse block has no toolUseId or name');
    return { type: 'tool-call', id: toolUseId, name, arguments: JSON.stringify(input ?? {}) };
  }
  if (isRecord(block.reasoningContent)) {
    const reasoning = block.reasoningContent;
    if (typeof reasoning.redactedContent === 'string') return { type: 'redacted-reasoning', data: reasoning.redactedContent };
    if (isRecord(reasoning.reasoningText) && typeof reasoning.reasoningText.text === 'string') {
      const { text, signature } = reasoning.reasoningText;
      return typeof signature === 'string' ? { type: 'reasoning', text, signature } : { type: 'reasoning', text };
    }
    throw malformedResponse('a reasoningContent block has neither reasoningText nor redactedContent');
  }
  return null;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
