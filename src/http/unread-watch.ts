// A client that stops reading its stream is let go after a while, instead of holding its upstream
// connection and buffers until the provider's total timeout.
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
