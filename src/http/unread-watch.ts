// A client that stops reading is let go after a while: a stream's, instead of holding its upstream
// connection and buffers until the provider's total timeout; any response's, whose end it never
// takes, instead of holding the connection and the rest of the response forever.
import type { RequestContext } from './context.ts';
import { clientClosed } from '../errors/gateway-error.ts';

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
      this.context.error = clientClosed(`the client did not read the stream for ${limit} ms, so it was closed`, 'client_read_timeout');
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

/**
 * After a response's end (any response: a whole answer, a stream's last bytes, a usage report),
 * what the client has not taken is still buffered. A client that takes none of it for the unread
 * limit is let go the same way as a stream's: the connection is destroyed, and the request is
 * logged as a 499 `client_read_timeout` (a billed request's rows were committed before its end).
 * Any progress restarts the clock, so a client that reads slowly but steadily is never cut.
 */
export function watchUnreadEnd(context: RequestContext): void {
  const { response } = context;
  const limit = context.streamUnreadMs;
  if (limit <= 0 || response.writableLength === 0 || response.writableFinished || response.destroyed) return;
  let left = untaken(response);
  const stop = (): void => clearTimeout(timer);
  const timer = setTimeout(() => {
    if (response.writableFinished || response.destroyed) return;
    const now = untaken(response);
    if (now < left) {
      left = now;
      timer.refresh();
      return;
    }
    context.error ??= clientClosed(`the client did not read the response for ${limit} ms, so it was closed`, 'client_read_timeout');
    response.destroy();
  }, limit);
  timer.unref();
  response.once('finish', stop);
  response.once('close', stop);
}

/** What the client has yet to take. Node counts a write as buffered until all of it is taken
 * (`writableLength`), so a single large answer would show no progress at all: the connection's own
 * queue (libuv's, shrinking as the kernel takes bytes) says how much of it is left, where Node
 * exposes it. Only ever compared with itself, so either measure alone still sees progress. */
function untaken(response: RequestContext['response']): number {
  const queued = (response.socket as { _handle?: { writeQueueSize?: unknown } } | null)?._handle?.writeQueueSize;
  return response.writableLength + (typeof queued === 'number' ? queued : 0);
}
