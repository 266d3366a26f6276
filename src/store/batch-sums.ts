// What one ledger batch adds to the daily rollup, the keys' spend and their credits, summed before it
// is written: a batch of requests of one key, model and provider costs one upsert of each, not one
// per request.
import type { BudgetPeriod } from './store.ts';

/** What one batch of rows adds to the rollup (by its dimensions), the spend and the credits. */
export class BatchSums {
  readonly rollup = new Map<string, (string | number)[]>();
  readonly spend = new Map<string, [string, BudgetPeriod, number, number]>();
  readonly credits = new Map<string, number>();

  /** `values` as rollupValues gives them: five dimensions, then the counts to add up. */
  addRollup(values: (string | number)[]): void {
    const key = values.slice(0, 5).join('\u0000');
    const sum = this.rollup.get(key);
    if (sum === undefined) return void this.rollup.set(key, values);
    for (let index = 5; index < values.length; index++) sum[index] = (sum[index] as number) + (values[index] as number);
  }

  addSpend(keyId: string, period: BudgetPeriod, start: number, units: number): void {
    const key = `${keyId}\u0000${period}\u0000${start}`;
    const sum = this.spend.get(key);
    if (sum === undefined) this.spend.set(key, [keyId, period, start, units]);
    else sum[3] += units;
  }
}

