// Model calls the gateway makes to itself: fusion members, the judge, compare answers and personas
// all go through POST /v1/chat/completions on loopback, so each one gets the routing rules,
// failover, budgets, rate limits and its own ledger row like any client call. It carries the
// caller's own headers (keys, bring-your-own provider keys, strict mode, session) and routing
// preferences, so it is routed and billed as the caller's own call would be, plus the gateway's
// internal token, which alone lets it name the ledger group its row joins. One call is always
// streamed (time to first token is measured, progress can be shown) and never throws: a failure is
// an answer with `ok: false` and the reason, which becomes the member's fate.
import type { IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { decodeUsage, isRecord } from '../protocol/openai-chat/response.ts';
import { SseParser } from '../protocol/sse.ts';

export interface SelfCall {
  /** dependencies.selfUrl() */
  baseUrl: string;
  /** The caller's headers to forward (see forwardedHeaders). */
  headers: Record<string, string>;
  /** x-modelmux-fusion-id for every call of one fusion or comparison. */
  groupId: string;
  /** dependencies.internalToken, sent as x-modelmux-internal: the gateway records the group id of
   * a call only when it carries it. */
  internalToken: string;
  /** The caller's `provider` routing preferences, put on every call's body; null when it sent none. */
  provider: Record<string, unknown> | null;
  signal: AbortSignal;
}

export interface AnswerUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
}

export interface ModelAnswer {
  /** The model as asked for. */
  model: string;
  /** x-modelmux-model and x-modelmux-provider of the answer; null when it failed before answering. */
  servedModel: string | null;
  provider: string | null;
  ok: boolean;
  /** HTTP status (0 when the connection failed or the call was aborted). */
  status: number;
  /** The assembled answer text (first choice); '' on failure. */
  text: string;
  finishReason: string | null;
  usage: AnswerUsage | null;
  /** usage.cost from the final usage chunk, USD; null when absent. */
  costUsd: number | null;
  latencyMs: number;
  /** Time to the first content delta; null when none came. */
  ttftMs: number | null;
  /** Why it failed (the gateway's error message, "timed out after N ms", "aborted", "empty answer"); null when ok. */
  error: string | null;
  /** Tool calls of the answer, assembled (a tool call alone is an answer, not an empty one). */
  toolCalls: { id: string; name: string; arguments: string }[];
  /** x-request-id of the call, to find its ledger row and log line. */
  requestId: string | null;
  /** x-modelmux-fusion-id of the answer: the fusion's own id when the model called was a fusion. */
  fusionId: string | null;
}

export interface CallOptions {
  timeoutMs?: number;
  onDelta?: (text: string) => void;
}

/** POSTs a Chat Completions body (stream forced on, usage included) to the gateway itself, assembles
 * the streamed answer, calls onDelta for each text delta (for progress events / streaming the judge),
 * and never throws: failures come back as ok: false. A timeout (ms) aborts the call. */
export async function callModel(call: SelfCall, body: Record<string, unknown>, options: CallOptions = {}): Promise<ModelAnswer> {
  const startedAt = performance.now();
  const model = typeof body.model === 'string' ? body.model : '';
  const answer = emptyAnswer(model);
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort();
  if (call.signal.aborted) controller.abort();
  else call.signal.addEventListener('abort', onAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? null
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs);
  try {
    const payload = JSON.stringify({
      ...body,
      ...(call.provider === null ? {} : { provider: call.provider }),
      stream: true,
      stream_options: { ...(isRecord(body.stream_options) ? body.stream_options : {}), include_usage: true },
    });
    const response = await request(`${call.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...call.headers, 'content-type': 'application/json', 'x-modelmux-fusion-id': call.groupId, 'x-modelmux-internal': call.internalToken },
      body: payload,
      signal: controller.signal,
      // undici's own 300 s limits would cut a long answer short: the deadline above, the caller's
      // signal and the gateway's upstream timeouts govern instead.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    answer.status = response.statusCode;
    answer.servedModel = headerText(response.headers['x-modelmux-model']);
    answer.provider = headerText(response.headers['x-modelmux-provider']);
    answer.requestId = headerText(response.headers['x-request-id']);
    answer.fusionId = headerText(response.headers['x-modelmux-fusion-id']);
    if (response.statusCode >= 400) {
      answer.error = errorMessage(await response.body.text(), response.statusCode);
    } else {
      await readStream(response.body, answer, startedAt, options.onDelta);
    }
  } catch (error) {
    if (timedOut) answer.error = `timed out after ${options.timeoutMs} ms`;
    else if (controller.signal.aborted) answer.error = 'aborted';
    else answer.error = `the call failed: ${(error as Error).message}`;
    if (controller.signal.aborted) answer.status = 0;
  } finally {
    if (timer) clearTimeout(timer);
    call.signal.removeEventListener('abort', onAbort);
  }
  answer.latencyMs = performance.now() - startedAt;
  if (answer.error === null && answer.text === '' && answer.toolCalls.length === 0) answer.error = 'empty answer';
  answer.ok = answer.error === null;
  if (!answer.ok) answer.text = '';
  return answer;
}

/** The caller's headers that its loopback calls carry: all of them (its key, its own provider keys,
 * strict mode, commercial use, session, the headers its providers are configured to receive) but
 * those that describe one connection or one body, and those each call sets for itself. */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || notForwarded.has(name) || name.startsWith('proxy-')) continue;
    forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return forwarded;
}

// Hop-by-hop and framing headers (each call has its own connection and body; content-encoding and
// accept-encoding too, as the body sent is plain JSON and the stream is read as it comes), and the
// headers the call sets itself.
const notForwarded = new Set([
  'host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-type', 'content-encoding', 'accept-encoding', 'upgrade', 'te', 'trailer', 'expect',
  'x-request-id', 'x-modelmux-fusion-id', 'x-modelmux-internal',
]);

export function newGroupId(prefix: 'fus' | 'cmp'): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

function emptyAnswer(model: string): ModelAnswer {
  return {
    model,
    servedModel: null,
    provider: null,
    ok: false,
    status: 0,
    text: '',
    finishReason: null,
    usage: null,
    costUsd: null,
    latencyMs: 0,
    ttftMs: null,
    error: null,
    toolCalls: [],
    requestId: null,
    fusionId: null,
  };
}

/** Reads the Chat stream the gateway sends: deltas of the first choice, the finish, the usage chunk
 * (with its cost), or an error chunk once the stream had started. */
async function readStream(body: AsyncIterable<Buffer>, answer: ModelAnswer, startedAt: number, onDelta: ((text: string) => void) | undefined): Promise<void> {
  const parser = new SseParser();
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  let done = false;
  const read = (data: string): void => {
    const text = data.trim();
    if (text === '[DONE]') {
      done = true;
      return;
    }
    if (text === '' || answer.error !== null) return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(text);
    } catch {
      answer.error = 'the gateway sent a stream event that is not JSON';
      return;
    }
    if (!isRecord(chunk)) return;
    if (chunk.error !== undefined && chunk.error !== null) {
      answer.error = errorOf(chunk.error) ?? 'the stream failed';
      return;
    }
    readUsage(chunk, answer);
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const choice = choices.find((entry) => isRecord(entry) && (entry.index === 0 || entry.index === undefined));
    if (!isRecord(choice)) return;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string' && delta.content !== '') {
      answer.ttftMs ??= performance.now() - startedAt;
      answer.text += delta.content;
      onDelta?.(delta.content);
    }
    if (Array.isArray(delta.tool_calls)) readToolCalls(delta.tool_calls, calls);
    if (typeof choice.finish_reason === 'string') answer.finishReason = choice.finish_reason;
  };
  for await (const piece of body) for (const event of parser.push(piece)) read(event.data);
  for (const event of parser.end()) read(event.data);
  answer.toolCalls = [...calls.values()];
  if (answer.error === null && !done && answer.finishReason === null) answer.error = 'the stream ended before it was complete';
}

function readUsage(chunk: Record<string, unknown>, answer: ModelAnswer): void {
  const usage = decodeUsage(chunk.usage);
  if (!usage) return;
  answer.usage = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens, reasoningTokens: usage.reasoningTokens };
  const cost = (chunk.usage as Record<string, unknown>).cost;
  if (typeof cost === 'number' && Number.isFinite(cost)) answer.costUsd = cost;
}

function readToolCalls(fragments: unknown[], calls: Map<number, { id: string; name: string; arguments: string }>): void {
  fragments.forEach((fragment, position) => {
    if (!isRecord(fragment)) return;
    const index = typeof fragment.index === 'number' ? fragment.index : position;
    const named = isRecord(fragment.function) ? fragment.function : {};
    let call = calls.get(index);
    if (!call) calls.set(index, (call = { id: '', name: '', arguments: '' }));
    if (typeof fragment.id === 'string' && fragment.id !== '') call.id = fragment.id;
    if (typeof named.name === 'string' && named.name !== '') call.name = named.name;
    if (typeof named.arguments === 'string') call.arguments += named.arguments;
  });
}

/** The message of an OpenAI-style error body; the status when the body says nothing readable. */
function errorMessage(text: string, status: number): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const message = isRecord(parsed) ? errorOf(parsed.error) : null;
    if (message) return message;
  } catch {
    // Not JSON: the status speaks for it.
  }
  return `the gateway answered ${status}`;
}

function errorOf(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (isRecord(value) && typeof value.message === 'string' && value.message !== '') return value.message;
  return null;
}

function headerText(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}
