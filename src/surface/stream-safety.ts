// What every stream writer needs to keep one request's trouble to itself: an exception inside an
// event handler fails that request (never the process), and a client that stops reading is let go
// after a while instead of holding its upstream connection and buffers until the total timeout.
import type { RequestContext } from './context.ts';
import { asGatewayError, GatewayError } from '../errors/gateway-error.ts';

/**
 * Wraps an event handler so that an exception thrown inside it becomes this request's failure:
 * `fail` ends the request with the error (a 500, or the format's error event once streaming). If
 * `fail` itself throws, the connection is cut as a last resort, which still bills and logs the
 * request as it closes.
 */
export function guarded<Arguments extends unknown[]>(context: RequestContext, fail: (error: GatewayError) => void, handler: (...args: Arguments) => void): (...args: Arguments) => void {
  return (...args) => {
    try {
      handler(...args);
    } catch (thrown) {
      const error = asGatewayError(thrown);
      context.error ??= error;
      try {
        fail(error);
      } catch {
        context.response.destroy();
      }
    }
  };
}

/**
 * Times how long the client leaves a stream unread (the socket's buffer full, no `drain`). Past the
 * limit the response is destroyed: the upstream call stops, and the request is billed for what was
 * produced, as for any client that leaves.
 */
export class UnreadWatch {
  private timer: NodeJS.Timeout | null = null;
  private readonly context: RequestContext;
  private readonly onExpire: () => void;

  constructor(context: RequestContext, onExpire: () => void) {
    this.context = context;
    this.onExpire = onExpire;
  }

  /** The client stopped taking data. */
  start(): void {
    if (this.timer !== null || this.context.streamUnreadMs <= 0) return;
    const limit = this.context.streamUnreadMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      const { response } = this.context;
      if (response.destroyed || response.writableEnded) return;
      this.context.error = new GatewayError(`the client did not read the stream for ${limit} ms, so it was closed`, { status: 499, type: 'client_closed_request', code: 'client_read_timeout' });
      this.onExpire();
      response.destroy();
    }, limit);
    this.timer.unref();
  }

  /** The client is reading again, or the stream is over. */
  stop(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }
}
