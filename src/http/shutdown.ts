// Shutting down as a load balancer expects. /ready answers 503 from the signal on (server.ts), so the
// balancer stops sending; the listener keeps taking connections for a short drain, since the balancer
// needs a few seconds to notice and whatever it sends meanwhile must still be served; then it stops,
// and requests in flight get a grace to finish. A request still running at the end of the grace is
// ended by the gateway with a `server_shutting_down` error its client can see (a stream with its
// format's error event, see writer.ts), logged as such and with its ledger rows; never cut silently.
import type { Server } from 'node:http';
import type { ShutdownTiming } from '../config/types.ts';
import { shuttingDown } from '../errors/gateway-error.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { RequestContext } from './context.ts';

/** How long requests ended at the grace's end get to write their error and ledger rows before their
 * connections are closed (a client that reads nothing would otherwise hold them forever). */
const endingMs = 1_000;

/** The requests being served, so that a shutdown can wait for them and end those that outlive it. */
export class InFlightRequests {
  private readonly contexts = new Set<RequestContext>();
  private emptied: (() => void) | null = null;
  /** The listener has stopped: every answer from now on closes its connection. */
  private listenerStopped = false;

  get size(): number {
    return this.contexts.size;
  }

  started(context: RequestContext): void {
    this.contexts.add(context);
    if (this.listenerStopped) context.response.shouldKeepAlive = false;
  }

  ended(context: RequestContext): void {
    if (this.contexts.delete(context) && this.contexts.size === 0) this.emptied?.();
  }

  /** Answers not yet begun tell their clients that the connection closes after them, so no client
   * sends a next request on a connection about to close. */
  stopKeepingAlive(): void {
    this.listenerStopped = true;
    for (const { response } of this.contexts) if (!response.headersSent) response.shouldKeepAlive = false;
  }

  /** Resolves true once no request is in flight, or false after `milliseconds`. */
  settled(milliseconds: number): Promise<boolean> {
    if (this.contexts.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.emptied = null;
        resolve(false);
      }, milliseconds);
      // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
      const emptied = (): void => {
        clearTimeout(timer);
        this.emptied = null;
        resolve(true);
      };
      this.emptied = emptied;
    });
  }

  /** Ends every request in flight with `reason`: each handler, stream and provider call listens to its
   * request's controller. */
  abortAll(reason: GatewayError): void {
    for (const context of this.contexts) context.controller.abort(reason);
  }

  /** What the requests that did not end in time are recorded with, when their connections are cut. */
  markCut(error: GatewayError): void {
    for (const context of this.contexts) context.error ??= error;
  }
}

/** Drains, stops the listener, waits out the grace, ends what is left and closes every connection. */
export async function shutDown(server: Server, requests: InFlightRequests, timing: ShutdownTiming, logger: Logger): Promise<void> {
  if (timing.drainMs > 0) await new Promise((resolve) => setTimeout(resolve, timing.drainMs));
  server.close();
  requests.stopKeepingAlive();
  server.closeIdleConnections();
  if (!(await requests.settled(timing.graceMs))) {
    logger.warn('shutdown: ending the requests still in flight after the grace', { requests: requests.size, grace_ms: timing.graceMs });
    const error = shuttingDown();
    requests.abortAll(error);
    if (!(await requests.settled(endingMs))) requests.markCut(error);
  }
  server.closeAllConnections();
}
