// The ledger's journal: where a request's rows are committed on the request path, to be moved into
// the ledger a few milliseconds later, in one transaction for every request of that time.
//
// Why: a response ends only once its rows are durable (billing.ts), so at one connection each request
// waits for its own commit, and a commit costs a WAL frame (two writes) for every page it changes. The
// rows, their two indexes, the daily rollup, the key's spend and its credits are six or seven pages;
// a journal without an index is one. Measured (BENCHMARKS.md): 26 against 68 µs a commit in a loop,
// and about 0.1 ms off a keyed request at one connection.
//
// Nothing is weaker for it. A journaled row is in the same WAL as the ledger, so a killed process
// loses none: the next store to open the file moves what it finds. The money a request reserved stays
// held until its rows have been moved (sqlite.ts), so no budget check ever sees a request neither
// held nor spent. Whoever moves the journal moves all of it, in one transaction that also empties it,
// so a row is counted exactly once however many processes share the file. A store's own readers
// (usage, rows, spend) move it first, so they see every row it settled; another process sees them
// once moved, within journalDelayMs, as it sees a key's new spend within a second anyway.
import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { BatchSums } from './batch-sums.ts';
import { ledgerColumns, ledgerValues, rollupValues } from './ledger-values.ts';
import { periodStart } from './periods.ts';
import { ledgerRow } from './sqlite-usage.ts';
import type { BudgetPeriod, LedgerRow, Settlement } from './store.ts';

/** How long a settled row waits in the journal: the requests of that time share one move. */
export const journalDelayMs = 10;

/** Adds a day's sums of one dimension (rollupValues) into the rollup. */
export const rollupUpsert = `INSERT INTO usage_daily VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
  cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
  output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
  cost_units = cost_units + excluded.cost_units, errors = errors + excluded.errors`;

const periods: readonly BudgetPeriod[] = ['day', 'month', 'total'];

export class LedgerJournal {
  /** This store among those sharing the file: the rows it journaled are known without reading them. */
  private readonly source = randomUUID();
  private readonly append: StatementSync;
  private readonly count: StatementSync;
  private readonly readAll: StatementSync;
  private readonly copy: StatementSync;
  private readonly clear: StatementSync;
  private readonly addToRollup: StatementSync;
  private readonly addToSpend: StatementSync;
  private readonly takeCredits: StatementSync;
  /** This store's settlements in the journal, oldest first, and the rows they hold. */
  private pending: Settlement[] = [];
  private pendingRows = 0;

  constructor(database: DatabaseSync) {
    const columns = ledgerColumns.join(', ');
    this.append = database.prepare(`INSERT INTO ledger_journal (source, ${columns}) VALUES (?, ${ledgerColumns.map(() => '?').join(', ')})`);
    this.count = database.prepare('SELECT count(*) AS rows, coalesce(sum(source = ?), 0) AS own FROM ledger_journal');
    this.readAll = database.prepare(`SELECT rowid AS id, ${columns} FROM ledger_journal ORDER BY rowid`);
    this.copy = database.prepare(`INSERT INTO ledger (${columns}) SELECT ${columns} FROM ledger_journal ORDER BY rowid`);
    this.clear = database.prepare('DELETE FROM ledger_journal');
    this.addToRollup = database.prepare(rollupUpsert);
    this.addToSpend = database.prepare('INSERT INTO spend VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET spent_units = spent_units + excluded.spent_units');
    this.takeCredits = database.prepare('UPDATE keys SET credits_units = credits_units - ? WHERE id = ? AND credits_units IS NOT NULL');
  }

  /** This store has settlements in the journal, still to be moved. */
  get due(): boolean {
    return this.pending.length > 0;
  }

  /** The reservations of this store's settlements in the journal. */
  reservations(): (string | null)[] {
    return this.pending.map((settlement) => settlement.reservationId);
  }

  /** Journals the rows; inside the caller's transaction. */
  write(settlements: Settlement[]): void {
    for (const { rows } of settlements) for (const row of rows) this.append.run(this.source, ...ledgerValues(row));
  }

  /** The settlements write() journaled, once their transaction has committed. */
  written(settlements: Settlement[]): void {
    for (const settlement of settlements) {
      this.pending.push(settlement);
      this.pendingRows += settlement.rows.length;
    }
  }

  /**
   * Inside the caller's transaction: copies every journaled row into the ledger, adds what its request
   * rows add to the rollup, the spend and the credits (summed first: requests of one key, model and
   * provider cost one upsert of each), and empties the journal. When the journal holds exactly this
   * store's rows (the usual case) they are summed from memory; otherwise (another process's rows, a
   * killed one's, or some of ours that another process moved) every row is read back.
   */
  move(): void {
    const { rows, own } = this.count.get(this.source) as { rows: number; own: number };
    if (rows === 0) return;
    const sums = new BatchSums();
    if (rows === own && own === this.pendingRows) {
      for (const { rows: settled } of this.pending) for (const row of settled) addRow(row, sums);
    } else {
      for (const record of this.readAll.all()) addRow(ledgerRow(record), sums);
    }
    this.copy.run();
    for (const values of sums.rollup.values()) this.addToRollup.run(...values);
    for (const [keyId, period, start, units] of sums.spend.values()) this.addToSpend.run(keyId, period, start, units);
    for (const [keyId, units] of sums.credits) this.takeCredits.run(units, keyId);
    this.clear.run();
  }

  /** After move()'s transaction committed: this store's settlements that were journaled then, all
   * moved now (by this store, or earlier by another); the journal forgets them. */
  moved(): Settlement[] {
    const settled = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    return settled;
  }
}

/** What a request row adds to the rollup, the spend and the credits. */
function addRow(row: LedgerRow, sums: BatchSums): void {
  if (row.kind !== 'request' || row.operation !== null) return;
  sums.addRollup(rollupValues(row));
  if (row.keyId === null || row.costUnits === 0) return;
  for (const period of periods) sums.addSpend(row.keyId, period, periodStart(period, row.at), row.costUnits);
  sums.credits.set(row.keyId, (sums.credits.get(row.keyId) ?? 0) + row.costUnits);
}
