// A Gemini `GenerateContentResponse` as the internal answer. The stream decoder reads every chunk
// with the same helpers, since each streamed event is a whole (partial) response of this shape.
import { randomUUID } from 'node:crypto';
import type { AssistantContent, ChatResponse, EncodeTarget, FinishReason, ToolCallPart, Usage } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { failureFromGoogleError, retryAfterFromGoogleError } from './errors.ts';

export function decodeResponse(body: unknown, target: EncodeTarget): ChatResponse {
  if (!isRecord(body)) throw malformedResponse('the answer is not a JSON object');
  if (isRecord(body.error)) throw upstreamError(body);
  const header = responseHeader(body, target);
  const candidate = firstCandidate(body);
  const content: AssistantContent[] = [];
  let toolCalls = 0;
  for (const part of candidateParts(candidate)) {
    const decoded = decodePart(part, toolCallId(header.id, toolCalls));
    if (!decoded) continue;
    if (decoded[0].type === 'tool-call') toolCalls++;
    content.push(...decoded);
  }
  return {
    id: header.id,
    model: header.model,
    created: header.created,
    content,
    finishReason: finishReasonOf(body, candidate, toolCalls > 0) ?? 'other',
    usage: usageFromMetadata(body.usageMetadata),
  };
}

export interface ResponseHeader {
  id: string;
  model: string;
  created: number;
}

/** Id, model and creation time; Gemini's `responseId` is sometimes missing, so one is made up. */
export function responseHeader(body: Record<string, unknown>, target: EncodeTarget): ResponseHeader {
  const created = typeof body.createTime === 'string' ? Date.parse(body.createTime) : Number.NaN;
  return {
    id: typeof body.responseId === 'string' && body.responseId !== '' ? body.responseId : `gemini-${randomUUID()}`,
    model: typeof body.modelVersion === 'string' && body.modelVersion !== '' ? body.modelVersion : target.upstreamModel,
    created: Number.isFinite(created) ? Math.floor(created / 1000) : Math.floor(Date.now() / 1000),
  };
}

/** A deterministic id for a call Gemini gave none: unique per response, the same whole or streamed
 * (`index` counts every function call of the response from 0). */
export function toolCallId(responseId: string, index: number): string {
  return `call_${responseId}_${index}`;
}

/** The first candidate, or null when there is none (a blocked prompt). Only one is ever asked for. */
export function firstCandidate(body: Record<string, unknown>): Record<string, unknown> | null {
  if (body.candidates === undefined) return null;
  if (!Array.isArray(body.candidates)) throw malformedResponse('`candidates` is not an array');
  if (body.candidates.length === 0) return null;
  const candidate: unknown = body.candidates[0];
  if (!isRecord(candidate)) throw malformedResponse('a candidate is not an object');
  return candidate;
}

export function candidateParts(candidate: Record<string, unknown> | null): Record<string, unknown>[] {
  if (!candidate || candidate.content === undefined) return [];
  if (!isRecord(candidate.content)) throw malformedResponse('a candidate has no content object');
  const parts = candidate.content.parts;
  if (parts === undefined) return [];
  if (!Array.isArray(parts) || !parts.every(isRecord)) throw malformedResponse('`content.parts` is not an array of objects');
  return parts;
}

/**
 * One Gemini part as internal content; null for parts nothing here can carry (empty text, or media
 * an image model returns). A signature on a plain text part goes into an empty reasoning part
 * before it, so it survives the round trip and the request encoder puts it back on the text.
 */
export function decodePart(part: Record<string, unknown>, fallbackToolCallId: string): AssistantContent[] | null {
  const signature = typeof part.thoughtSignature === 'string' && part.thoughtSignature !== '' ? part.thoughtSignature : undefined;
  if (part.functionCall !== undefined) {
    const call = part.functionCall;
    if (!isRecord(call) || typeof call.name !== 'string') throw malformedResponse('a functionCall has no name');
    if (call.args !== undefined && call.args !== null && !isRecord(call.args)) throw malformedResponse('functionCall.args is not an object');
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : fallbackToolCallId;
    const toolCall: ToolCallPart = { type: 'tool-call', id, name: call.name, arguments: JSON.stringify(call.args ?? {}) };
    if (signature !== undefined) toolCall.signature = signature;
    return [toolCall];
  }
  if (part.text !== undefined) {
    if (typeof part.text !== 'string') throw malformedResponse('a text part holds no string');
    if (part.thought === true) return [signature === undefined ? { type: 'reasoning', text: part.text } : { type: 'reasoning', text: part.text, signature }];
    const content: AssistantContent[] = [];
    if (signature !== undefined) content.push({ type: 'reasoning', text: '', signature });
    if (part.text !== '') content.push({ type: 'text', text: part.text });
    return content.length > 0 ? content : null;
  }
  if (signature !== undefined) return [{ type: 'reasoning', text: '', signature }];
  return null;
}

/** The finish reason when the response states one (or a blocked prompt implies one), else null. */
export function finishReasonOf(body: Record<string, unknown>, candidate: Record<string, unknown> | null, sawToolCalls: boolean): FinishReason | null {
  if (!candidate) {
    return isRecord(body.promptFeedback) && typeof body.promptFeedback.blockReason === 'string' ? 'content-filter' : null;
  }
  if (typeof candidate.finishReason !== 'string') return null;
  return mapFinishReason(candidate.finishReason, sawToolCalls);
}

const contentFilterReasons = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

export function mapFinishReason(reason: string, sawToolCalls: boolean): FinishReason {
  // Gemini says STOP after function calls too; the caller needs to know tools are waiting.
  if (reason === 'STOP') return sawToolCalls ? 'tool-calls' : 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (contentFilterReasons.has(reason)) return 'content-filter';
  if (reason === 'MALFORMED_FUNCTION_CALL') return 'error';
  return 'other';
}

/** `usageMetadata` in internal terms; null when absent. Thoughts are output Gemini counts apart. */
export function usageFromMetadata(metadata: unknown): Usage | null {
  if (metadata === undefined || metadata === null) return null;
  if (!isRecord(metadata)) throw malformedResponse('`usageMetadata` is not an object');
  const thoughts = count(metadata.thoughtsTokenCount);
  return {
    inputTokens: count(metadata.promptTokenCount) + count(metadata.toolUsePromptTokenCount),
    outputTokens: count(metadata.candidatesTokenCount) + thoughts,
    cachedInputTokens: count(metadata.cachedContentTokenCount),
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

export function malformedResponse(detail: string): GatewayError {
  return new GatewayError(`the provider's answer is not a Gemini response: ${detail}`, {
    status: 502,
    type: 'upstream_error',
    code: 'upstream_malformed_response',
  });
}

/** An error body where an answer was expected: passed on with the provider's status. */
function upstreamError(body: Record<string, unknown>): GatewayError {
  const failure = failureFromGoogleError(body.error as Record<string, unknown>);
  const retryAfter = retryAfterFromGoogleError(body);
  return new GatewayError(failure.message, {
    status: failure.status,
    type: failure.type,
    code: failure.code,
    headers: retryAfter === null ? undefined : { 'retry-after': retryAfter },
    fromUpstream: true,
  });
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
