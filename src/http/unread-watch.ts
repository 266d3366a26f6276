// A client that stops reading is let go after a while: a stream's, instead of holding its upstream
// connection and buffers until the provider's total timeout; any response's, whose end it never
// takes, instead of holding the connection and the rest of the response forever.
import type { RequestContext } from './context.ts';
import { clientClosed } from '../errors/gateway-error.ts';

/** How many looks a limit holds: a client is let go after this many in a row find no progress. */
const looksPerLimit = 4;

/**
 * Looks at a client a few times per limit and lets it go once `looksPerLimit` looks in a row, a
 * quarter of the limit apart, find it took nothing. A look that comes late (more than twice its
 * interval after the one before) is not counted against the client: the time between was time this
 * process could not run (a long GC pause, the event loop held by other work, the machine's other
 * load), when the client could not be served and its reading could not be seen. So only time the
 * gateway was running counts toward the limit. `now` is the process's own monotonic time (a test's
 * fake clock would not say when this process could not run).
 */
export class IdleClock {
  private timer: NodeJS.Timeout | null = null;
  private idleLooks = 0;
  private lastLook = 0;
  private readonly limit: number;
  private readonly interval: number;
  private readonly progressed: () => boolean;
  private readonly expire: () => void;
  private readonly now: () => number;

  constructor(limit: number, progressed: () => boolean, expire: () => void, now: () => number = () => performance.now()) {
    this.limit = limit;
    this.interval = Math.max(1, Math.ceil(limit / looksPerLimit));
    this.progressed = progressed;
    this.expire = expire;
    this.now = now;
  }

  start(): void {
    if (this.timer !== null || this.limit <= 0) return;
    this.idleLooks = 0;
    this.lastLook = this.now();
    this.timer = setInterval(() => this.look(), this.interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  /** One look (the timer's; public for tests). */
  look(): void {
    const now = this.now();
    const late = now - this.lastLook > 2 * this.interval;
    this.lastLook = now;
    if (this.progressed()) {
      this.idleLooks = 0;
      return;
    }
    if (late) return;
    if (++this.idleLooks < looksPerLimit) return;
    this.stop();
    this.expire();
  }
}

/**
 * Times how long the client leaves a stream unread (the socket's buffer full, no `drain`). Past the
 * limit the response is destroyed: the upstream call stops, and the request is billed for what was
 * produced, as for any client that leaves.
 */
export class UnreadWatch {
  private readonly clock: IdleClock;

  /** `stream`: what else is stopped when the limit passes (an answer's stream, its upstream call). */
  constructor(context: RequestContext, stream: { cancel(): void } | null = null) {
    const limit = context.streamUnreadMs;
    this.clock = new IdleClock(limit, () => false, () => {
      const { response } = context;
      if (response.destroyed || response.writableEnded) return;
      context.error = clientClosed(`the client did not read the stream for ${limit} ms, so it was closed`, 'client_read_timeout');
      stream?.cancel();
      response.destroy();
    });
  }

  /** The client stopped taking data. */
  start(): void {
    this.clock.start();
  }

  /** The client is reading again, or the stream is over. */
  stop(): void {
    this.clock.stop();
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
  const progressed = (): boolean => {
    const now = untaken(response);
    if (now >= left) return false;
    left = now;
    return true;
  };
  const clock = new IdleClock(limit, progressed, () => {
    if (response.writableFinished || response.destroyed) return;
    context.error ??= clientClosed(`the client did not read the response for ${limit} ms, so it was closed`, 'client_read_timeout');
    response.destroy();
  });
  clock.start();
  const stop = (): void => clock.stop();
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
