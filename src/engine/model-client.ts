// Model calls a fusion or a comparison makes itself: members, the judge, compare answers and
// personas. Each is made in process through the model runner, as a call of its own on the caller's
// account: routed by the same rules (with the caller's routing preferences), failed over, admitted
// against the caller's budget and rate limits, and written to the ledger as its own row, linked to
// the others by the group id. It carries the caller's own headers (keys for its own providers,
// strict mode, session). One call never throws: a failure is an answer with `ok: false` and the
// reason, which becomes the member's fate.
import { randomBytes } from 'node:crypto';
import type { AnswerSink } from './answer.ts';
import type { Answer } from './answer.ts';
import type { CallContext } from './call.ts';
import type { ModelRunner } from './runner.ts';
import { serialize } from './exchange.ts';
import { asGatewayError, clientClosed } from '../errors/gateway-error.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { eventsOf } from '../protocol/events.ts';
import type { StreamEvent } from '../protocol/ir.ts';

export interface SelfCall {
  runner: ModelRunner;
  /** The call on whose behalf these are made (the client's request): its account, headers and lifetime. */
  parent: CallContext;
  /** Links the ledger rows of every call of one fusion or comparison. */
  groupId: string;
  /** The caller's `provider` routing preferences, put on every call's body; null when it sent none. */
  provider: Record<string, unknown> | null;
  /** A fusion's name is a model here (a comparison may compare one); a fusion's own calls may not be one. */
  allowFusion: boolean;
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

/** Calls a model with a Chat Completions body (streamed, so time to first token is measured and the
 * judge's words can be passed on as they come), assembles the answer, calls onDelta for each text
 * delta, and never throws: failures come back as ok: false. A timeout (ms) stops the call. */
export async function callModel(call: SelfCall, body: Record<string, unknown>, options: CallOptions = {}): Promise<ModelAnswer> {
  const startedAt = performance.now();
  const model = typeof body.model === 'string' ? body.model : '';
  const answer = emptyAnswer(model);
  const context = call.runner.child(call.parent, call.groupId);
  answer.requestId = context.requestId;
  const timeout = options.timeoutMs === undefined ? null : clientClosed(`timed out after ${options.timeoutMs} ms`, 'member_timeout');
  const timer = timeout === null ? null : setTimeout(() => context.controller.abort(timeout), options.timeoutMs);
  let failure: GatewayError | null = null;
  try {
    const request = { ...body, ...(call.provider === null ? {} : { provider: call.provider }), stream: true, stream_options: { include_usage: true } };
    // Also refuses, as the caller's mistake, preferences nested deeper than they can be written.
    const bytes = Buffer.byteLength(serialize(request));
    const answered = await call.runner.answer(context, { format: 'openai-chat', body: request, bytes, includeUsage: true, relayBytes: false }, call.allowFusion);
    answer.status = 200;
    answer.servedModel = context.model;
    answer.provider = context.provider;
    answer.fusionId = answered.metadata.headers['x-modelmux-fusion-id'] ?? null;
    failure = await readAnswer(answered, answer, startedAt, options.onDelta);
    context.usage = answered.kind === 'whole' ? answered.usage : answered.stream.usage;
    if (answered.kind === 'stream') context.streamed = answered.stream.streamed;
  } catch (thrown) {
    failure = asGatewayError(thrown);
    answer.status = failure.status;
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (failure !== null) {
    const signal = context.controller.signal;
    answer.error = signal.aborted ? (signal.reason === timeout ? timeout!.message : 'aborted') : failure.message;
    if (signal.aborted) answer.status = 0;
  }
  await call.runner.settle(context, { status: failure === null ? 200 : failure.status, error: failure });
  answer.latencyMs = performance.now() - startedAt;
  if (answer.error === null && answer.text === '' && answer.toolCalls.length === 0) answer.error = 'empty answer';
  answer.ok = answer.error === null;
  if (!answer.ok) answer.text = '';
  return answer;
}

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

/** Reads the answer's events: text of the first choice, tool calls, the finish, the usage (with its
 * cost). Resolves with the failure of a stream that broke, or null. */
function readAnswer(answered: Answer, answer: ModelAnswer, startedAt: number, onDelta: ((text: string) => void) | undefined): Promise<GatewayError | null> {
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  const read = (event: StreamEvent): void => {
    switch (event.type) {
      case 'text-delta':
        if (event.text === '') return;
        answer.ttftMs ??= performance.now() - startedAt;
        answer.text += event.text;
        onDelta?.(event.text);
        return;
      case 'tool-call-start':
        calls.set(event.index, { id: event.id, name: event.name, arguments: '' });
        return;
      case 'tool-call-delta': {
        const entry = calls.get(event.index);
        if (entry) entry.arguments += event.arguments;
        return;
      }
      case 'usage':
        answer.usage = { inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens, cachedInputTokens: event.usage.cachedInputTokens, reasoningTokens: event.usage.reasoningTokens };
        answer.costUsd = typeof event.usage.cost === 'number' && Number.isFinite(event.usage.cost) ? event.usage.cost : null;
        return;
      case 'finish':
        answer.finishReason = finishReasonOf(event.finishReason);
        return;
      default:
        return;
    }
  };
  const done = (): void => {
    answer.toolCalls = [...calls.values()];
  };
  if (answered.kind === 'whole') {
    if (answered.response === null) return Promise.resolve(asGatewayError(new Error('a whole answer without its decoded form')));
    for (const event of eventsOf(answered.response)) read(event);
    done();
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const sink: AnswerSink = {
      piece(_bytes, events) {
        for (const event of events) read(event);
        return true;
      },
      end() {
        done();
        resolve(null);
      },
      fail(error) {
        done();
        resolve(error);
      },
    };
    answered.stream.start(sink);
  });
}

/** The finish as Chat spells it, which is what members' fates and the fusion block report. */
function finishReasonOf(reason: string): string {
  return reason === 'tool-calls' ? 'tool_calls' : reason === 'content-filter' ? 'content_filter' : reason === 'length' ? 'length' : 'stop';
}
