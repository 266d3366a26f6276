// The steps every request passes, in order, before its route's handler. Each is a small named
// function `(context, next)`; the order is set once, in server.ts, so reading it there tells every
// step a request takes. Steps are synchronous where they can be, so a request that needs nothing
// asynchronous pays for no promise.
import type { AuthSettings } from '../accounts/auth.ts';
import { authenticate } from '../accounts/auth.ts';
import { clientClosed, forbidden } from '../errors/gateway-error.ts';
import type { Billing } from './billing.ts';
import type { Handler, RequestContext, RouteKind } from './context.ts';
import { isLoopbackAddress } from './loopback.ts';
import { respondWithError } from './respond.ts';
import { watchUnreadEnd } from './unread-watch.ts';

export type Next = () => void | Promise<void>;
export type Step = (context: RequestContext, next: Next) => void | Promise<void>;

export interface Route {
  handler: Handler;
  kind: RouteKind;
}

export function runPipeline(steps: readonly Step[], context: RequestContext, handler: Handler): void | Promise<void> {
  const dispatch = (index: number): void | Promise<void> => (index < steps.length ? steps[index](context, () => dispatch(index + 1)) : handler(context));
  return dispatch(0);
}

/** Whatever a later step or the handler throws, or rejects with, is answered in the caller's format. */
export function answerErrors(): Step {
  return function answerErrors(context, next) {
    try {
      const pending = next();
      if (pending) return pending.catch((error: unknown) => respondWithError(context, error));
    } catch (error) {
      respondWithError(context, error);
    }
  };
}

/** When the response closes: a client that left stops the work it asked for and pays for what was
 * produced, and the request is counted and logged (see access-log.ts), however it ended. */
export function recordWhenClosed(billing: Billing, record: (context: RequestContext) => void, onFault: (context: RequestContext, error: unknown) => void): Step {
  return function recordWhenClosed(context, next) {
    const { response } = context;
    response.on('close', () => {
      try {
        if (!response.writableFinished) {
          context.controller.abort(clientClosedError);
          billing.abandoned(context);
        } else {
          // An answer that ended without the ledger step (a 408 for a body that never came) still has its rows.
          billing.settleEnded(context);
        }
        record(context);
      } catch (error) {
        onFault(context, error);
      }
    });
    return next();
  };
}

/** A response's end that its client never takes is not held forever: see watchUnreadEnd. Node
 * emits `prefinish` as `end()` hands the last bytes to the connection. */
export function letGoOfUnreadEnds(): Step {
  return function letGoOfUnreadEnds(context, next) {
    context.response.once('prefinish', () => watchUnreadEnd(context));
    return next();
  };
}

/** A gateway without an admin key checks no keys, so it answers only on its loopback interface. */
export function onlyLoopbackWhenOpen(adminKey: string | null): Step {
  return function onlyLoopbackWhenOpen(context, next) {
    if (adminKey === null && !isLoopbackAddress(context.request.socket.remoteAddress)) {
      throw forbidden('this gateway runs open (no admin key) and answers only on its loopback interface', 'loopback_only');
    }
    return next();
  };
}

/** Who is calling: its virtual key (or the admin key). Probes, metrics and the admin API (which checks
 * the admin key itself) are open to anyone who can reach them. */
export function authenticateCaller(accounts: AuthSettings, now: () => number): Step {
  return function authenticateCaller(context, next) {
    if (!unguardedPaths.has(context.path) && !context.path.startsWith('/admin/')) context.account = authenticate(context.request.headers, accounts, now());
    return next();
  };
}

/** A billed request gets its ledger, and its response's end becomes a visible step: the last bytes
 * leave once the request's rows are committed. */
export function keepLedger(billing: Billing): Step {
  return function keepLedger(context, next) {
    if (context.kind !== 'plain') billing.start(context);
    return next();
  };
}

/** Open to anyone who can reach them, keys or not: probes and metrics. */
const unguardedPaths = new Set(['/health', '/ready', '/metrics']);

const clientClosedError = clientClosed();
