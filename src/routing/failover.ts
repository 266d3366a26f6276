// Runs a route plan: tries each candidate in turn until one answers, under one deadline and a cap on
// attempts, so a provider's rate limit, error, timeout or dead connection is invisible to the client.
// A failure before the first token moves on to the next candidate (or, after a round, retries the
// transient ones with jittered backoff, honouring a short retry-after); a failure after it is the stream's
// own business (it ends with an error event). A request the provider calls invalid is not retried.
import type { RoutingConfig } from '../config/types.ts';
import type { Usage } from '../protocol/ir.ts';
import type { ModelTarget } from '../providers/registry.ts';
import { secondsSince } from '../surface/context.ts';
import type { RequestContext } from '../surface/context.ts';
import { asGatewayError, errorLabel, GatewayError } from '../surface/errors.ts';
import { clientKeyFor } from '../surface/exchange-helpers.ts';
import type { Candidate, Router, RoutePlan } from './router.ts';

export type Attempt = (target: ModelTarget) => Promise<void>;

type Verdict =
  /** Not worth trying anywhere else: the request itself is at fault, or the client left. */
  | 'stop'
  /** This provider failed: count it against its breaker and move on. */
  | 'fail'
  /** This provider cannot take this request (e.g. strict mode): move on, no blame. */
  | 'skip';

export async function runRoute(context: RequestContext, router: Router, plan: RoutePlan, config: RoutingConfig, stickyKey: () => string | null, attempt: Attempt): Promise<void> {
  const client = context.controller;
  const deadline = Date.now() + config.deadlineMs;
  const failures: GatewayError[] = [];
  // Stickiness matters only where there was a choice of provider (some may be filtered out now).
  const conversation = plan.candidates.length + plan.excluded.length > 1 ? stickyKey : noKey;
  const over = (): boolean => context.route!.attempts >= config.maxAttempts || Date.now() >= deadline || client.signal.aborted || context.response.destroyed;
  /** Candidates worth another round, with the time a provider asked us to wait. */
  let retry: { candidate: Candidate; notBefore: number }[] = [];

  /** One attempt; true when the request is settled (answered, or failed for good). */
  const tryCandidate = async (candidate: Candidate): Promise<boolean> => {
    const outcome = await attemptOnce(context, router, candidate, conversation, deadline, attempt);
    if (outcome === null) return true;
    failures.push(outcome.error);
    if (outcome.verdict === 'stop') throw summarize(outcome.error, failures);
    // A provider that asks for a longer pause than our longest backoff is not waited for: its
    // answer (with retry-after) goes back to the client if nobody else answers.
    const wait = retryAfterMs(outcome.error);
    if (outcome.verdict === 'fail' && transient(outcome.error) && wait <= config.maxBackoffMs) retry.push({ candidate, notBefore: Date.now() + wait });
    return false;
  };

  // First round: every candidate in rank order; an open breaker skips its provider at no cost.
  let tried = 0;
  for (const candidate of plan.candidates) {
    if (over()) break;
    if (!router.breakers.allow(candidate.offer.key)) continue;
    tried++;
    if (await tryCandidate(candidate)) return;
  }
  // Every breaker was open: the soonest-due provider is the best bet, rather than refusing.
  if (tried === 0 && !over()) {
    const fallback = plan.candidates.find((candidate) => !candidate.available) ?? plan.candidates[0];
    if (fallback && (await tryCandidate(fallback))) return;
  }
  // Retry rounds for the transient failures, after a jittered backoff and every retry-after asked
  // (each at most max_backoff_ms); the backoff is the wait, so breakers do not hold them back.
  for (let round = 1; retry.length > 0 && !over(); round++) {
    const due = Math.max(Date.now() + backoff(round, config), ...retry.map((entry) => entry.notBefore));
    if (due >= deadline) break;
    await sleep(due - Date.now(), client.signal);
    const pending = retry.map((entry) => entry.candidate);
    retry = [];
    for (const candidate of pending) {
      if (over()) break;
      if (await tryCandidate(candidate)) return;
    }
  }
  if (failures.length === 0) {
    throw new GatewayError('no provider could be tried for this request within the routing deadline', { status: 503, type: 'upstream_error', code: 'no_provider_available' });
  }
  throw summarize(failures[failures.length - 1], failures);
}

/** One attempt; null when it answered (or failed after answering began, or the client left), else
 * its error. A stream that has not begun answering by the routing deadline is abandoned. */
async function attemptOnce(context: RequestContext, router: Router, candidate: Candidate, stickyKey: () => string | null, deadline: number, attempt: Attempt): Promise<{ error: GatewayError; verdict: Verdict } | null> {
  const client = context.controller;
  const controller = new AbortController();
  const relay = (): void => controller.abort(client.signal.reason);
  client.signal.addEventListener('abort', relay, { once: true });
  const { target } = candidate;
  // A non-streamed answer begins only when it is whole, so its provider's own timeouts bound it.
  const deadlineTimer = context.stream
    ? setTimeout(() => {
        if (!context.response.headersSent) controller.abort(new GatewayError(`provider "${target.provider.id}" did not start answering within the routing deadline`, { status: 504, type: 'timeout_error', code: 'routing_deadline_exceeded' }));
      }, Math.max(0, deadline - Date.now()))
    : null;
  context.controller = controller;
  context.route!.attempts++;
  context.ledger?.beginAttempt(target, context.route!.attempts, clientKeyFor(context, target) !== null);
  context.streamed = { events: 0, characters: 0 };
  context.model = target.publicId;
  context.metricsModel = target.metricsLabel;
  context.provider = target.provider.id;
  context.timeToFirstToken = null;
  context.usage = null;
  context.error = null;
  context.streamFailure = null;
  const startedSeconds = secondsSince(context.startedAt);
  try {
    await attempt(target);
  } catch (thrown) {
    const error = asGatewayError(thrown);
    if (context.response.headersSent) {
      if (!error.internal) router.failed(candidate, { retryAfterMs: null, fatal: false });
      throw error;
    }
    context.ledger?.endAttempt({ status: error.status, errorClass: errorLabel(error), usage: context.usage, ttftMs: null, streamed: context.streamed, complete: false });
    const verdict = verdictOn(error, context);
    if (verdict === 'fail') router.failed(candidate, { retryAfterMs: error.status === 429 || error.status === 503 ? retryAfterMs(error) || null : null, fatal: fatal(error) });
    return { error, verdict };
  } finally {
    if (deadlineTimer) clearTimeout(deadlineTimer);
    client.signal.removeEventListener('abort', relay);
    context.controller = client;
  }
  // The client left before the answer was delivered: nothing is learnt about the provider.
  if (!context.response.writableFinished && context.response.destroyed) return null;
  // Answered; a stream that broke after its first token still counts against the provider. (The
  // attempt set these fields; TypeScript cannot see that through the call.)
  const streamError = context.error as GatewayError | null;
  const usage = context.usage as Usage | null;
  if (streamError && streamError.status !== 499) {
    if (!streamError.internal) router.failed(candidate, { retryAfterMs: null, fatal: false });
    return null;
  }
  const seconds = secondsSince(context.startedAt) - startedSeconds;
  const ttft = context.stream && context.timeToFirstToken !== null ? context.timeToFirstToken - startedSeconds : null;
  const outputTokens = usage?.outputTokens ?? null;
  const generating = ttft === null ? seconds : seconds - ttft;
  router.succeeded(candidate, {
    ttftMs: ttft === null ? null : ttft * 1000,
    tokensPerSecond: outputTokens && outputTokens > 1 && generating > 0.001 ? outputTokens / generating : null,
  }, stickyKey());
  return null;
}

const noKey = (): null => null;

function verdictOn(error: GatewayError, context: RequestContext): Verdict {
  // The gateway's own fault would recur anywhere, and says nothing about the provider.
  if (error.status === 499 || error.internal || context.response.destroyed) return 'stop';
  if (!error.fromUpstream) {
    // This provider cannot take this request (its format, its endpoints); another may.
    if (error.code === 'unsupported_parameter' || error.code === 'unsupported_endpoint') return 'skip';
    // Our own reading of the request failed: the same request fails everywhere.
    if (error.status === 400 || error.status === 413) return 'stop';
    return 'fail';
  }
  if (error.status === 400 || error.status === 413 || error.status === 422) return 'stop';
  return 'fail';
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
export function retryAfterMs(error: GatewayError): number {
  const value = error.headers?.['retry-after'];
  if (!value) return 0;
  const seconds = Number(value);
  const milliseconds = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(milliseconds) ? Math.min(Math.max(0, milliseconds), 60_000) : 0;
}

/** Full jitter: a random wait up to the doubled base, capped. */
function backoff(round: number, config: RoutingConfig): number {
  return Math.random() * Math.min(config.maxBackoffMs, config.backoffMs * 2 ** (round - 1));
}

/** Ends early when the client leaves. */
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
