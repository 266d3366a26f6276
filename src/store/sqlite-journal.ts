// The ledger's journal: where a request's rows are committed on the request path, to be moved into
// the ledger a few milliseconds later, in one transaction for every request of that time.
//
// Why: a response ends only once its rows are durable (billing.ts), so at one connection each request
// waits for its own commit, and a commit costs a WAL frame (two writes) for every page it changes. The
// rows, their two indexes, the daily rollup, the key's spend and its credits are six or seven pages;
// a journal without an index is one. Measured (BENCHMARKS.md, "the ledger's journal"): a settle on the
// request path 28 against 82 µs, and 64 against 91 µs a request with the move counted.
//
// Nothing is weaker for it. A journaled row is in the same WAL as the ledger, so a killed process
// loses none: a store running on the file moves what it finds within sweepMs, and so does the next one
// to open it. The money a request reserved stays held until its rows have been moved (sqlite.ts), so
// no budget check sees a request neither held nor spent. Whoever moves the journal moves all of it,
// in one transaction that also empties it, so a row is counted exactly once however many processes
// share the file. A store's own readers (usage, rows, spend, keys) move its rows first, so they see
// every row it settled; another process sees them once moved, as it sees a key's new spend within a
// second anyway.
import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { BatchSums } from './batch-sums.ts';
import { ledgerColumns, ledgerValues, rollupValues } from './ledger-values.ts';
import { periodStart } from './periods.ts';
import { ledgerRow } from './sqlite-usage.ts';
import type { BudgetPeriod, LedgerRow, Settlement } from './store.ts';

/** How long a settled row waits in the journal: the requests of that time share one move. */
export const journalDelayMs = 10;
/** How often the journal is looked at for rows nobody is moving: another process's (one that was
 * killed), or ours after a move failed (tried again then, and not sooner). */
const defaultSweepMs = 1_000;
/** This store's rows waiting in the journal at most: past it (moves failing all along) settle fails,
 * so the ledger writer's own bound and loud logging apply. */
export const maxJournalRows = 20_000;

/** Adds a day's sums of one dimension (rollupValues) into the rollup. */
export const rollupUpsert = `INSERT INTO usage_daily VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
  cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
  output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
  cost_units = cost_units + excluded.cost_units, errors = errors + excluded.errors`;

const periods: readonly BudgetPeriod[] = ['day', 'month', 'total'];

/** What the journal needs of its store. */
export interface JournalOwner {
  /** Runs `work` in one write transaction; throws as it does. */
  transaction(work: () => void): void;
  /** These settlements of ours are in the ledger now; `elsewhere`: some were moved by another
   * process (so the store's cached figures may have read them already). */
  settled(settlements: Settlement[], elsewhere: boolean): void;
  /** A move failed: the money of these reservations stays held. */
  keep(reservationIds: (string | null)[]): void;
  onError(error: unknown): void;
}

export class LedgerJournal {
  /** This store among those sharing the file: the rows it journaled are known without reading them. */
  private readonly source = randomUUID();
  private readonly database: DatabaseSync;
  private readonly owner: JournalOwner;
  private readonly append: StatementSync;
  private readonly count: StatementSync;
  private readonly any: StatementSync;
  private readonly readAll: StatementSync;
  private readonly copy: StatementSync;
  private readonly clear: StatementSync;
  private readonly addToRollup: StatementSync;
  private readonly addToSpend: StatementSync;
  private readonly takeCredits: StatementSync;
  /** This store's settlements in the journal, oldest first, and the rows they hold. */
  private pending: Settlement[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly sweep: NodeJS.Timeout;
  /** The last move failed: only the sweep tries again (a reader does not, each time). */
  private failing = false;

  constructor(database: DatabaseSync, owner: JournalOwner, sweepMs = defaultSweepMs) {
    this.database = database;
    this.owner = owner;
    const columns = ledgerColumns.join(', ');
    this.append = database.prepare(`INSERT INTO ledger_journal (source, ${columns}) VALUES (?, ${ledgerColumns.map(() => '?').join(', ')})`);
    this.count = database.prepare('SELECT count(*) AS rows, coalesce(sum(source = ?), 0) AS own FROM ledger_journal');
    this.any = database.prepare('SELECT EXISTS (SELECT 1 FROM ledger_journal) AS found');
    this.readAll = database.prepare(`SELECT rowid AS id, ${columns} FROM ledger_journal ORDER BY rowid`);
    this.copy = database.prepare(`INSERT INTO ledger (${columns}) SELECT ${columns} FROM ledger_journal ORDER BY rowid`);
    this.clear = database.prepare('DELETE FROM ledger_journal');
    this.addToRollup = database.prepare(rollupUpsert);
    this.addToSpend = database.prepare('INSERT INTO spend VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET spent_units = spent_units + excluded.spent_units');
    this.takeCredits = database.prepare('UPDATE keys SET credits_units = credits_units - ? WHERE id = ? AND credits_units IS NOT NULL');
    this.sweep = setInterval(() => {
      try {
        if (this.timer === null && this.found()) this.move();
      } catch (error) {
        // The look itself failed (the file busy): the next sweep looks again.
        this.report(error);
      }
    }, sweepMs).unref();
  }

  /** This store has settlements in the journal, still to be moved. */
  get due(): boolean {
    return this.pending.length > 0;
  }

  get backlog(): number {
    return this.pendingRows;
  }

  /** Journals the rows in one transaction (throws as it does); the move follows journalDelayMs later. */
  write(settlements: Settlement[]): void {
    this.owner.transaction(() => {
      for (const { rows } of settlements) for (const row of rows) this.append.run(this.source, ...ledgerValues(row));
    });
    for (const settlement of settlements) {
      this.pending.push(settlement);
      this.pendingRows += settlement.rows.length;
    }
    if (!this.failing) this.timer ??= setTimeout(this.move, journalDelayMs).unref();
  }

  /** For a reader: this store's rows moved first, so it sees them. Says whether it moved any. */
  catchUp(): boolean {
    if (!this.due || this.failing) return false;
    this.move();
    return true;
  }

  /** Every row moved first, another process's too (setting a key's credits, opening the file). */
  catchUpAll(): void {
    if (!this.failing && (this.due || this.found())) this.move();
  }

  /** Moves what is left (before the store closes); no more timers. */
  close(): void {
    if (this.due) this.move();
    clearInterval(this.sweep);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Moves the journal in one transaction (moveRows); then tells the store which of its settlements
   * are in the ledger. A failure leaves the rows in the journal and their money held, and is tried
   * again by the sweep. Inside another transaction it waits for the timer instead. */
  readonly move = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.database.isTransaction) {
      this.timer = setTimeout(this.move, journalDelayMs).unref();
      return;
    }
    let elsewhere = false;
    try {
      this.owner.transaction(() => {
        elsewhere = this.moveRows();
      });
    } catch (error) {
      this.failing = true;
      if (this.due) this.owner.keep(this.pending.map((settlement) => settlement.reservationId));
      this.report(error);
      return;
    }
    this.failing = false;
    const settled = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    if (settled.length > 0) this.owner.settled(settled, elsewhere);
  };

  /**
   * Inside a transaction: copies every journaled row into the ledger, adds what its request rows add
   * to the rollup, the spend and the credits (summed first: requests of one key, model and provider
   * cost one upsert of each), and empties the journal. When the journal holds exactly this store's
   * rows (the usual case) they are summed from memory; otherwise (another process's rows, a killed
   * one's, or some of ours that another process moved) every row is read back. Says whether some of
   * ours had been moved by another process already.
   */
  private moveRows(): boolean {
    const { rows, own } = this.count.get(this.source) as { rows: number; own: number };
    const elsewhere = own < this.pendingRows;
    if (rows === 0) return elsewhere;
    const sums = new BatchSums();
    if (rows === own && !elsewhere) {
      for (const { rows: settled } of this.pending) for (const row of settled) addRow(row, sums);
    } else {
      for (const record of this.readAll.all()) addRow(ledgerRow(record), sums);
    }
    this.copy.run();
    for (const values of sums.rollup.values()) this.addToRollup.run(...values);
    for (const [keyId, period, start, units] of sums.spend.values()) this.addToSpend.run(keyId, period, start, units);
    for (const [keyId, units] of sums.credits) this.takeCredits.run(units, keyId);
    this.clear.run();
    return elsewhere;
  }

  private report(error: unknown): void {
    try {
      this.owner.onError(error);
    } catch {
      // Whoever reports it failed too; the rows wait all the same.
    }
  }

  private found(): boolean {
    return (this.any.get() as { found: number }).found === 1;
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
