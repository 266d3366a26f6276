// Ledger writes in batches: every settlement that arrives within one turn of the event loop goes into
// one transaction, and each request's continuation (the end of its response) runs once that
// transaction has committed. Under load a commit serves many requests; alone, a request waits one
// turn of the loop. Either way a response ends only after its rows are durable.
//
// When a batch cannot be written, each settlement is tried alone, so one bad row sinks only its own
// request. What still fails (a full disk, a database locked for longer than the busy timeout) is kept
// and tried again, its reservation still held so no budget is overspent meanwhile; the responses go
// out regardless, since the provider has answered and been paid, and the failure is logged loudly.
import type { Settlement, Store } from '../store/store.ts';

const retryDelayMs = 1_000;
/** Settlements kept for another try at most; beyond it the oldest are given up (and logged). */
const maxKept = 10_000;

export class LedgerWriter {
  private readonly store: Store | null;
  private readonly onError: (error: unknown, requestIds: string[]) => void;
  private pending: { settlement: Settlement; then: () => void }[] = [];
  private failed: Settlement[] = [];
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(store: Store | null, onError: (error: unknown, requestIds: string[]) => void) {
    this.store = store;
    this.onError = onError;
  }

  /** Queues a request's rows; `then` runs once they are committed (at once without a store). */
  write(settlement: Settlement, then: () => void): void {
    if (this.store === null) return then();
    this.pending.push({ settlement, then });
    if (this.pending.length === 1) setImmediate(this.flush);
  }

  /** Writes whatever is queued now (before the store closes). */
  drain(): void {
    if (this.pending.length > 0 || this.failed.length > 0) this.flush();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    const settlements = [...this.failed.splice(0), ...batch.map((item) => item.settlement)];
    if (settlements.length > 0) this.commit(settlements);
    for (const item of batch) {
      try {
        item.then();
      } catch (error) {
        this.onError(error, [requestIdOf(item.settlement)]);
      }
    }
  };

  private commit(settlements: Settlement[]): void {
    try {
      this.store!.settleAll(settlements);
      return;
    } catch {
      // Find the ones at fault: each alone.
    }
    for (const settlement of settlements) {
      try {
        this.store!.settleAll([settlement]);
      } catch (error) {
        this.onError(error, [requestIdOf(settlement)]);
        this.failed.push(settlement);
      }
    }
    if (this.failed.length > maxKept) this.onError(new Error(`gave up on ${this.failed.length - maxKept} ledger settlements`), this.failed.splice(0, this.failed.length - maxKept).map(requestIdOf));
    if (this.failed.length > 0 && this.retryTimer === null) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.flush();
      }, retryDelayMs);
      this.retryTimer.unref();
    }
  }
}

function requestIdOf(settlement: Settlement): string {
  return settlement.rows[0]?.requestId ?? 'unknown';
}
