// Runs a route plan: tries each candidate in turn until one commits to an answer, under one deadline
// and a cap on attempts, so a provider's rate limit, error, timeout or dead connection is invisible to
// the caller. A failure before the commit point moves on to the next candidate (or, after a round,
// retries the transient ones with jittered backoff, honouring a short retry-after); a failure after it
// is the stream's own business (it ends with an error event), and is counted against the provider
// when the stream ends. A request the provider calls invalid, and a fault of the gateway's own, are
// not retried; one it refuses as too long for the model's window moves on.
import type { RoutingConfig } from '../routing/config.ts';
import { asGatewayError, GatewayError, timedOut, unavailable } from '../errors/gateway-error.ts';
import { errorLabel } from '../errors/gateway-error.ts';
import { isContextLengthError } from '../providers/context-length.ts';
import type { ModelTarget } from '../routing/catalog.ts';
import type { Candidate, Router, RoutePlan } from '../routing/router.ts';
import type { StreamedOutput } from '../accounts/request-ledger.ts';
import type { StreamEvent, Usage } from '../protocol/ir.ts';
import type { Answer, AnswerSink, AnswerStream } from './answer.ts';
import { secondsSince } from './call.ts';
import type { CallContext } from './call.ts';
import { clientKeyFor } from './exchange.ts';

/** One attempt on one candidate: resolves with the answer at its commit point. `controller` is the
 * attempt's own: it aborts when the caller leaves, or when the attempt runs out of time. */
export type Attempt = (target: ModelTarget, controller: AbortController) => Promise<Answer>;

type Verdict =
  /** Not worth trying anywhere else: the request itself is at fault, the gateway is, or the caller left. */
  | 'stop'
  /** This provider failed: count it against its breaker and move on. */
  | 'fail'
  /** This provider cannot take this request (e.g. strict mode): move on, no blame. */
  | 'skip';

export interface FailoverSettings {
  router: Router;
  config: RoutingConfig;
  now: () => number;
}

export async function runRoute(context: CallContext, plan: RoutePlan, settings: FailoverSettings, stickyKey: () => string | null, attempt: Attempt): Promise<Answer> {
  const { router, config, now } = settings;
  const signal = context.controller.signal;
  const deadline = now() + config.deadlineMs;
  const failures: GatewayError[] = [];
  // Stickiness matters only where there was a choice of provider (some may be filtered out now).
  const conversation = plan.candidates.length + plan.excluded.length > 1 ? stickyKey : noKey;
  const over = (): boolean => context.route!.attempts >= config.maxAttempts || now() >= deadline || signal.aborted;
  /** Candidates worth another round, with the time a provider asked us to wait. */
  let retry: { candidate: Candidate; notBefore: number }[] = [];

  /** One attempt; the answer, or null when it failed (the failure noted). */
  const tryCandidate = async (candidate: Candidate): Promise<Answer | null> => {
    const outcome = await attemptOnce(context, router, candidate, conversation, deadline, now, attempt);
    if ('answer' in outcome) return outcome.answer;
    failures.push(outcome.error);
    if (outcome.verdict === 'stop') throw summarize(outcome.error, failures);
    // A provider that asks for a longer pause than our longest backoff is not waited for: its
    // answer (with retry-after) goes back to the client if nobody else answers.
    const wait = retryAfterMs(outcome.error, now);
    if (outcome.verdict === 'fail' && transient(outcome.error) && wait <= config.maxBackoffMs) retry.push({ candidate, notBefore: now() + wait });
    return null;
  };

  // First round: every candidate in rank order; an open breaker skips its provider at no cost.
  let tried = 0;
  const queue = [...plan.candidates];
  for (let candidate = queue.shift(); candidate; candidate = queue.shift()) {
    if (over()) break;
    if (!router.breakers.allow(candidate.offer.key)) continue;
    tried++;
    const answer = await tryCandidate(candidate);
    if (answer) return answer;
    if (isContextLengthError(failures[failures.length - 1])) largerWindowsFirst(queue, candidate.offer.contextWindow);
  }
  // Every breaker was open: the soonest-due provider is the best bet, rather than refusing.
  if (tried === 0 && !over()) {
    const fallback = plan.candidates.find((candidate) => !candidate.available) ?? plan.candidates[0];
    const answer = fallback ? await tryCandidate(fallback) : null;
    if (answer) return answer;
  }
  // Retry rounds for the transient failures, after a jittered backoff and every retry-after asked
  // (each at most max_backoff_ms); the backoff is the wait, so breakers do not hold them back.
  for (let round = 1; retry.length > 0 && !over(); round++) {
    const due = Math.max(now() + backoff(round, config), ...retry.map((entry) => entry.notBefore));
    if (due >= deadline) break;
    await sleep(due - now(), signal);
    const pending = retry.map((entry) => entry.candidate);
    retry = [];
    for (const candidate of pending) {
      if (over()) break;
      const answer = await tryCandidate(candidate);
      if (answer) return answer;
    }
  }
  if (signal.aborted) throw summarize(asGatewayError(signal.reason), failures);
  if (failures.length === 0) {
    throw unavailable('no provider could be tried for this request within the routing deadline', 'no_provider_available', 'upstream_error');
  }
  throw summarize(failures[failures.length - 1], failures);
}

type AttemptOutcome = { answer: Answer } | { error: GatewayError; verdict: Verdict };

/** One attempt. A stream that has not committed by the routing deadline is abandoned. */
async function attemptOnce(context: CallContext, router: Router, candidate: Candidate, stickyKey: () => string | null, deadline: number, now: () => number, attempt: Attempt): Promise<AttemptOutcome> {
  const caller = context.controller.signal;
  const controller = new AbortController();
  const relay = (): void => controller.abort(caller.reason);
  caller.addEventListener('abort', relay, { once: true });
  const { target } = candidate;
  // A whole answer commits only once read, so its provider's own timeouts bound it; only a stream
  // that has not begun answering by the routing deadline is abandoned for another provider.
  const deadlineTimer = context.stream ? setTimeout(abandonAtDeadline, Math.max(0, deadline - now()), controller, target.provider.id) : null;
  context.route!.attempts++;
  context.ledger?.beginAttempt(target, context.route!.attempts, clientKeyFor(context, target) !== null);
  context.streamed = { events: 0, characters: 0 };
  context.model = target.publicId;
  context.metricsModel = target.metricsLabel;
  context.provider = target.provider.id;
  context.usage = null;
  context.error = null;
  const startedSeconds = secondsSince(context.startedAt);
  try {
    // The listener stays: the caller's leaving ends the attempt's stream too, after the commit.
    const answer = await attempt(target, controller);
    return { answer: observed(answer, context, router, candidate, stickyKey, startedSeconds) };
  } catch (thrown) {
    caller.removeEventListener('abort', relay);
    const error = asGatewayError(thrown);
    context.ledger?.endAttempt({ status: error.status, errorClass: errorLabel(error), usage: context.usage, ttftMs: null, streamed: context.streamed, complete: false });
    const verdict = verdictOn(error, caller);
    if (verdict === 'fail') router.failed(candidate, { retryAfterMs: error.status === 429 || error.status === 503 ? retryAfterMs(error, now) || null : null, fatal: fatal(error) });
    return { error, verdict };
  } finally {
    if (deadlineTimer) clearTimeout(deadlineTimer);
  }
}

/** The committed answer, watched to its end: what the provider did is learnt from how it ended. */
function observed(answer: Answer, context: CallContext, router: Router, candidate: Candidate, stickyKey: () => string | null, startedSeconds: number): Answer {
  const committedSeconds = secondsSince(context.startedAt);
  if (answer.kind === 'whole') {
    router.succeeded(candidate, { ttftMs: null, tokensPerSecond: null }, stickyKey());
    return answer;
  }
  return { ...answer, stream: new ObservedStream(answer.stream, { context, router, candidate, stickyKey, startedSeconds, committedSeconds }) };
}

interface Observation {
  context: CallContext;
  router: Router;
  candidate: Candidate;
  stickyKey: () => string | null;
  startedSeconds: number;
  committedSeconds: number;
}

/** A stream passed through to its sink, telling the router how the provider did once it ends. A
 * class, not object literals with getters and closures: these live as long as the stream does. */
class ObservedStream implements AnswerStream, AnswerSink {
  private readonly inner: AnswerStream;
  private readonly observation: Observation;
  private sink: AnswerSink | null = null;

  constructor(inner: AnswerStream, observation: Observation) {
    this.inner = inner;
    this.observation = observation;
  }

  start(sink: AnswerSink): void {
    this.sink = sink;
    this.inner.start(this);
  }

  pause(): void {
    this.inner.pause();
  }

  resume(): void {
    this.inner.resume();
  }

  cancel(): void {
    this.inner.cancel();
  }

  get usage(): Usage | null {
    return this.inner.usage;
  }

  get streamed(): StreamedOutput {
    return this.inner.streamed;
  }

  piece(bytes: Buffer | string | null, events: readonly StreamEvent[], closing: boolean): boolean {
    return this.sink!.piece(bytes, events, closing);
  }

  end(): void {
    const { context, router, candidate, stickyKey, startedSeconds, committedSeconds } = this.observation;
    const now = secondsSince(context.startedAt);
    // A stream delivered in one burst has no time of its own between its first token and its end:
    // its throughput is then taken over the whole attempt, so it still gets a figure.
    const generating = now - committedSeconds;
    const seconds = generating > 0.001 ? generating : now - startedSeconds;
    const outputTokens = this.inner.usage?.outputTokens ?? null;
    const tokensPerSecond = outputTokens && outputTokens > 1 && seconds > 0.001 ? outputTokens / seconds : null;
    router.succeeded(candidate, { ttftMs: (committedSeconds - startedSeconds) * 1000, tokensPerSecond }, stickyKey());
    this.sink!.end();
  }

  fail(error: GatewayError, relayed: boolean): void {
    // A stream that broke after its first token still counts against the provider; the caller's
    // leaving or a fault of the gateway's own says nothing about it.
    if (error.status !== 499 && !error.internal) this.observation.router.failed(this.observation.candidate, { retryAfterMs: null, fatal: false });
    this.sink!.fail(error, relayed);
  }
}

/** A stream that has not begun answering by the routing deadline is given up for another provider. */
function abandonAtDeadline(controller: AbortController, providerId: string): void {
  controller.abort(new GatewayError(`provider "${providerId}" did not start answering within the routing deadline`, { status: 504, type: 'timeout_error', code: 'routing_deadline_exceeded' }));
}

const noKey = (): null => null;

function verdictOn(error: GatewayError, caller: AbortSignal): Verdict {
  // The gateway's own fault would recur anywhere, and says nothing about the provider.
  if (error.status === 499 || error.internal || caller.aborted) return 'stop';
  if (!error.fromUpstream) {
    // This provider cannot take this request (its format, its endpoints); another may.
    if (error.code === 'unsupported_parameter' || error.code === 'unsupported_endpoint') return 'skip';
    // Our own reading of the request failed: the same request fails everywhere.
    if (error.status === 400 || error.status === 413) return 'stop';
    return 'fail';
  }
  // Too long for this model's window, which says nothing against the provider: a larger window may
  // take it (the candidates with one go first, see largerWindowsFirst).
  if (isContextLengthError(error)) return 'skip';
  if (error.status === 400 || error.status === 413 || error.status === 422) return 'stop';
  return 'fail';
}

/** After a refusal as too long: the candidates whose known window is larger than the refused one's
 * move ahead, in their rank order. The rest stay, since a provider may serve the same model with a
 * larger window than the one on record. */
function largerWindowsFirst(queue: Candidate[], refused: number | null): void {
  if (refused === null) return;
  const larger = (candidate: Candidate): boolean => candidate.offer.contextWindow !== null && candidate.offer.contextWindow > refused;
  queue.splice(0, queue.length, ...queue.filter(larger), ...queue.filter((candidate) => !larger(candidate)));
}

/** Worth trying the same provider again after a pause (not one that is unreachable). */
function transient(error: GatewayError): boolean {
  return (error.status === 429 || error.status >= 500 || error.status === 408) && !fatal(error);
}

/** The provider is unreachable: no point waiting for a threshold. */
function fatal(error: GatewayError): boolean {
  return error.code === 'upstream_unreachable' || error.status === 401 || error.status === 403 || error.status === 404;
}

/** Milliseconds a provider asked us to wait (`retry-after`: seconds or an HTTP date), capped at a minute. */
export function retryAfterMs(error: GatewayError, now: () => number = Date.now): number {
  const value = error.headers?.['retry-after'];
  if (!value) return 0;
  const seconds = Number(value);
  const milliseconds = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now();
  return Number.isFinite(milliseconds) ? Math.min(Math.max(0, milliseconds), 60_000) : 0;
}

/** Full jitter: a random wait up to the doubled base, capped. */
function backoff(round: number, config: RoutingConfig): number {
  return Math.random() * Math.min(config.maxBackoffMs, config.backoffMs * 2 ** (round - 1));
}

/** Ends early when the caller leaves. */
function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (milliseconds <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The last error, its status and headers kept; with several attempts, the message names each. */
function summarize(last: GatewayError, failures: GatewayError[]): GatewayError {
  if (failures.length < 2) return last;
  const story = failures.map((failure, index) => `${index + 1}) ${failure.message}`).join('; ');
  const message = `no provider could answer after ${failures.length} attempts: ${story}`;
  return new GatewayError(message.length > 2000 ? `${message.slice(0, 1997)}...` : message, {
    status: last.status,
    type: last.type,
    code: last.code,
    param: last.param,
    headers: last.headers,
    fromUpstream: last.fromUpstream,
    internal: last.internal,
    cause: last.cause,
  });
}
