// Ledger writes in batches: every settlement that arrives within one turn of the event loop goes into
// one transaction, and each request's continuation (the end of its response) runs once that
// transaction has committed. Under load a commit serves many requests; alone, a request waits one
// turn of the loop. Either way a response ends only after its rows are durable.
import type { Settlement, Store } from '../store/store.ts';

export class LedgerWriter {
  private readonly store: Store | null;
  private readonly onError: (error: unknown, requests: number) => void;
  private pending: { settlement: Settlement; then: () => void }[] = [];

  constructor(store: Store | null, onError: (error: unknown, requests: number) => void) {
    this.store = store;
    this.onError = onError;
  }

  /** Queues a request's rows; `then` runs once they are committed (at once without a store). */
  write(settlement: Settlement, then: () => void): void {
    if (this.store === null) return then();
    this.pending.push({ settlement, then });
    if (this.pending.length === 1) setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    try {
      this.store!.settleAll(batch.map((item) => item.settlement));
    } catch (error) {
      // The answers still go out: the provider has been paid; the failure is logged loudly.
      this.onError(error, batch.length);
    }
    for (const item of batch) item.then();
  };
}
