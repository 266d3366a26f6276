// The deadlines of one exchange with a provider (the whole exchange; the first byte, then the
// silence between chunks) on a single timer. A timer each cost every request three timers made and
// three cleared, and a re-arm per chunk; here a request makes one and clears it, and a chunk only
// reads the clock. The timer is first set for the shortest of the three timeouts, so the usual
// answer (data before that) never moves it: when it fires early it looks at the deadlines, ends
// the exchange if one has passed, and is set again for the nearest.
import type { Timeouts } from './config.ts';

export type DeadlineKind = 'total' | 'first byte' | 'idle';

/** The longest delay setTimeout takes; a longer one fires after 1 ms, with a warning. */
const maxDelayMs = 2 ** 31 - 1;

export class ExchangeDeadlines {
  private readonly timeouts: Timeouts;
  private readonly expire: (kind: DeadlineKind, milliseconds: number) => void;
  private readonly totalAt: number;
  /** When the first byte, then the next chunk, is due; Infinity while the idle clock is held. */
  private phaseAt: number;
  private seenData = false;
  private held = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires. */
  private timerAt = Infinity;

  constructor(timeouts: Timeouts, expire: (kind: DeadlineKind, milliseconds: number) => void) {
    this.timeouts = timeouts;
    this.expire = expire;
    const now = performance.now();
    this.totalAt = now + timeouts.totalMs;
    this.phaseAt = now + timeouts.firstByteMs;
    const first = Math.min(timeouts.totalMs, timeouts.firstByteMs, timeouts.idleMs);
    this.arm(now + first, first);
  }

  /** A body chunk came: from the first byte on, the idle clock restarts with each. */
  sawData(): void {
    if (this.stopped) return;
    this.seenData = true;
    if (!this.held) this.restartIdle();
  }

  /** While the client is not reading, the provider's silence is not its fault: the idle clock stops. */
  holdIdle(): void {
    if (!this.seenData || this.stopped) return;
    this.held = true;
    this.phaseAt = Infinity;
  }

  releaseIdle(): void {
    if (!this.held || this.stopped) return;
    this.held = false;
    this.restartIdle();
  }

  /** The exchange is over, whichever way. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private restartIdle(): void {
    const now = performance.now();
    this.phaseAt = now + this.timeouts.idleMs;
    // Only a deadline sooner than the timer moves it (an idle clock restarted after a hold).
    if (this.phaseAt < this.timerAt) this.arm(this.phaseAt, this.timeouts.idleMs);
  }

  /** The timer, to fire at `at`, `delay` ms from now (setTimeout's range: 1 ms to 2^31 - 1). */
  private arm(at: number, delay: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.check, Math.min(maxDelayMs, Math.max(1, Math.ceil(delay))));
  }

  private readonly check = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.stopped) return;
    const now = performance.now();
    // Both past (a stalled event loop): the one due first, the total one when they were due together.
    if (now >= this.phaseAt && this.phaseAt < this.totalAt) return this.seenData ? this.end('idle', this.timeouts.idleMs) : this.end('first byte', this.timeouts.firstByteMs);
    if (now >= this.totalAt) return this.end('total', this.timeouts.totalMs);
    const at = Math.min(this.totalAt, this.phaseAt);
    this.arm(at, at - now);
  };

  private end(kind: DeadlineKind, milliseconds: number): void {
    this.stopped = true;
    this.expire(kind, milliseconds);
  }
}
