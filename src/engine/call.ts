// One call of a model, as the engine sees it: who calls, on whose account, what the route decided,
// and what has been learnt so far (for the ledger, the metrics and the log). No HTTP object is in
// here: a client's HTTP request carries one of these, and so does each call a fusion makes itself.
import type { IncomingHttpHeaders } from 'node:http';
import type { Account } from '../accounts/auth.ts';
import type { RequestLedger, StreamedOutput } from '../accounts/request-ledger.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Usage } from '../protocol/ir.ts';

export interface CallContext {
  requestId: string;
  /** The caller's request headers: its own provider keys, headers its providers may receive, strict
   * mode, commercial use, session. Read only. */
  headers: IncomingHttpHeaders;
  account: Account;
  /** Aborted when the caller goes away (or a timeout fires), so the upstream call stops at once. */
  controller: AbortController;
  /** process.hrtime.bigint() at arrival. */
  startedAt: bigint;
  stream: boolean;
  /** The call's ledger rows and budget reservation; null for calls that are not billed. */
  ledger: RequestLedger | null;
  /** The routing decision this call follows, once made. */
  route: { id: string; attempts: number; ignored: string[] } | null;
  /** Headers every answer to this call carries (rate-limit state, budget warnings). */
  extraHeaders: Record<string, string> | null;
  /** The public model name, for logs. */
  model: string | null;
  /** The model as a metrics label: bounded to configured and listed models (see ModelTarget). */
  metricsModel: string | null;
  provider: string | null;
  /** Seconds from arrival to the first token delivered. */
  timeToFirstToken: number | null;
  usage: Usage | null;
  /** What the current attempt has streamed, for billing a stream cut short. */
  streamed: StreamedOutput;
  /** The prompt's estimated size in tokens, once the call is routed. */
  promptEstimate?: () => number;
  error: GatewayError | null;
}

export function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}

/** A call at its start: nothing routed, nothing learnt yet. */
export function newCallContext(fields: Pick<CallContext, 'requestId' | 'headers' | 'account' | 'controller' | 'stream' | 'ledger'>): CallContext {
  return {
    ...fields,
    startedAt: process.hrtime.bigint(),
    route: null,
    extraHeaders: null,
    model: null,
    metricsModel: null,
    provider: null,
    timeToFirstToken: null,
    usage: null,
    streamed: { events: 0, characters: 0 },
    error: null,
  };
}

/** A controller aborted with `parent` (and its reason) until `unlink()`: a call made on another's
 * behalf ends with it, and once over lets go of it (a long-lived parent would otherwise gather one
 * listener, and keep one call reachable, per call ever made for it). */
export function linkedController(parent: AbortSignal): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, unlink: () => {} };
  }
  const abort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', abort, { once: true });
  return { controller, unlink: () => parent.removeEventListener('abort', abort) };
}

/** What a call made of several calls (a fusion, a comparison) failed of: once its caller's signal is
 * aborted, the abort's reason (the shutdown's 503, a client that left), not the summary its parts made
 * of their own cancellation (a 502 "quorum not met"). */
export function failureOf(error: unknown, signal: AbortSignal): unknown {
  return signal.aborted ? signal.reason : error;
}
