// The embedded default Store: SQLite through node:sqlite, one file in the data directory. It is
// synchronous (DatabaseSync), so every call is a few prepared statements run to completion on the
// calling thread; settle is one `BEGIN IMMEDIATE` transaction into the ledger's journal (see
// sqlite-journal.ts), which also serialises against any other process on the same file.
//
// Reservations (money held by requests in flight) live in this process's memory, not in the file:
// reserve() reads the key's limit and settled spend in one statement and checks them against what
// this process holds, with nothing between the check and the hold (one thread, synchronous calls).
// So a crash can never leave money locked, and a request costs no write transaction of its own. The
// price: gateways sharing one file each see only their own requests in flight, as with rate limits;
// a budget shared across replicas wants a shared backend (PostgreSQL, Redis) behind the same interface.
//
// Durability: WAL with synchronous = NORMAL. A commit is in the WAL file (the OS's page cache) when it
// returns, so a killed process (kill -9, OOM, crash) loses nothing; only an OS crash or power cut can
// lose the last few commits, which FULL would cover at the price of an fsync per request. The fsyncs
// of NORMAL happen at checkpoints, once a second (sqlite-checkpoint.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SQLOutputValue, StatementSync } from 'node:sqlite';
import { BatchSums } from './batch-sums.ts';
import { Checkpoints } from './sqlite-checkpoint.ts';
import { LedgerJournal, maxJournalRows, rollupUpsert } from './sqlite-journal.ts';
import { checkRow, ledgerColumns, ledgerValues, rollupValues } from './ledger-values.ts';
import { periodReset, periodStart } from './periods.ts';
import { checkUnits, keyColumns, keyFromRow, keyValues } from './sqlite-keys.ts';
import { migrate } from './sqlite-schema.ts';
import { queryRows, queryUsage } from './sqlite-usage.ts';
import type { RowsQuery } from './sqlite-usage.ts';
import type { BudgetPeriod, KeyRecord, LedgerRow, ReserveResult, Settlement, SpendStatus, Store, UsageQuery, UsageRow } from './store.ts';
import { HeldMoney } from './held-money.ts';
import { isPassingFailure } from './sqlite-failures.ts';
import { addVote, findComparison, listComparisons, listVotes, queryWinRates, saveComparison } from './sqlite-compare.ts';
import type { ComparisonQuery, ComparisonRecord, NewVote, VoteRecord, WinRateQuery, WinRateRow } from './store.ts';

export const databaseFileName = 'modelmux.db';

/** A reservation this old is dropped (unless requests may last longer, see openSqliteStore). */
const defaultHoldMs = 3_600_000;
const keyCacheMs = 1_000;
const keyCacheSize = 10_000;
/** How a store opens: its clock; `holdMs`, how long a reservation nobody settles is kept (at least an
 * hour), so that a request that never settled does not hold budget forever, nor one still running
 * lose its hold; `onError`, told when the journal cannot be moved into the ledger (its rows wait,
 * durable, and the move is tried again at the next sweep); `sweepMs`, how often the journal is looked
 * at for rows nobody is moving (a second unless a test says otherwise). */
export interface SqliteStoreOptions {
  now?: () => number;
  holdMs?: number;
  onError?: (error: unknown) => void;
  sweepMs?: number;
}

export function openSqliteStore(directory: string, options: SqliteStoreOptions = {}): Store {
  mkdirSync(directory, { recursive: true });
  return new SqliteStore(join(directory, databaseFileName), options);
}

type Row = { [column: string]: SQLOutputValue };

interface BudgetState {
  limitUnits: number | null;
  period: BudgetPeriod | null;
  hard: boolean;
  creditsUnits: number | null;
  /** Settled spend in the period that starts at periodStart. */
  spentUnits: number;
  periodStart: number;
  /** When it was read from the file. */
  at: number;
}

class SqliteStore implements Store {
  readonly database: DatabaseSync;
  private readonly checkpoints: Checkpoints;
  private readonly cache = new Map<string, StatementSync>();
  /** Keys recently found by hash, so authenticating a request reads no row. A change made through
   * this store clears it at once; one made by another process on the file shows within keyCacheMs. */
  private readonly keysByHash = new Map<string, { key: KeyRecord; at: number }>();
  /** Key id -> its limits and spend, for reserve() (see budgetOf). */
  private readonly budgets = new Map<string, BudgetState>();
  private readonly now: () => number;
  /** Money held by requests in flight (see held-money.ts). */
  private readonly held: HeldMoney;
  private readonly journal: LedgerJournal;
  readonly prepare = (sql: string): StatementSync => {
    let statement = this.cache.get(sql);
    if (statement === undefined) {
      statement = this.database.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  };

  private readonly begin: StatementSync;
  private readonly commit: StatementSync;
  private readonly rollback: StatementSync;
  private readonly keyLimits: StatementSync;
  private readonly limitsAndSpend: StatementSync;
  private readonly spentInPeriod: StatementSync;

  constructor(file: string, options: SqliteStoreOptions) {
    this.now = options.now ?? Date.now;
    this.held = new HeldMoney(Math.max(defaultHoldMs, options.holdMs ?? 0), this.now());
    // The timeout makes a writer wait for another process's transaction instead of failing at once.
    this.database = new DatabaseSync(file, { timeout: 5_000 });
    this.database.exec('PRAGMA journal_mode = WAL');
    this.database.exec('PRAGMA synchronous = NORMAL');
    // Ledger indexes stay hot in a bigger page cache (8 MiB; the default is 2 MiB).
    this.database.exec('PRAGMA cache_size = -8192');
    // The WAL file shrinks back to 64 MiB when it starts over, whatever a burst made it grow to.
    this.database.exec('PRAGMA journal_size_limit = 67108864');
    // No commit checkpoints the WAL: sqlite-checkpoint.ts does, once a second.
    this.database.exec('PRAGMA wal_autocheckpoint = 0');
    this.checkpoints = new Checkpoints(this.database, file);
    migrate(this.database);

    this.begin = this.database.prepare('BEGIN IMMEDIATE');
    this.commit = this.database.prepare('COMMIT');
    this.rollback = this.database.prepare('ROLLBACK');
    this.keyLimits = this.database.prepare('SELECT budget_limit_units, budget_period, budget_hard, credits_units FROM keys WHERE id = ?');
    // The key's limits and its settled spend in its current period, in one read.
    this.limitsAndSpend = this.database.prepare(`SELECT budget_limit_units, budget_period, budget_hard, credits_units,
      (SELECT spent_units FROM spend WHERE key_id = keys.id AND period = keys.budget_period
        AND period_start = CASE keys.budget_period WHEN 'day' THEN ? WHEN 'month' THEN ? ELSE 0 END) AS spent_units
      FROM keys WHERE id = ?`);
    this.spentInPeriod = this.database.prepare('SELECT spent_units FROM spend WHERE key_id = ? AND period = ? AND period_start = ?');
    this.journal = new LedgerJournal(this.database, {
      transaction: (work) => this.transaction(work),
      settled: (settlements, elsewhere) => this.settled(settlements, elsewhere),
      keep: (reservationIds) => this.held.keep(reservationIds, this.now()),
      onError: options.onError ?? (() => {}),
    }, options.sweepMs);
    // What a killed process journaled and nobody moved since.
    this.journal.catchUpAll();
  }

  createKey(record: KeyRecord): void {
    this.prepare(`INSERT INTO keys (${keyColumns.join(', ')}) VALUES (${keyColumns.map(() => '?').join(', ')})`).run(...keyValues(record));
  }

  keyByHash(hash: string): KeyRecord | null {
    const now = this.now();
    const cached = this.keysByHash.get(hash);
    if (cached !== undefined && now - cached.at < keyCacheMs) return cached.key;
    const row = this.prepare('SELECT * FROM keys WHERE hash = ?').get(hash);
    if (row === undefined) return null;
    const key = keyFromRow(row);
    if (this.keysByHash.size >= keyCacheSize) this.keysByHash.delete(this.keysByHash.keys().next().value!);
    this.keysByHash.set(hash, { key, at: now });
    return key;
  }

  key(id: string): KeyRecord | null {
    // Its credits as the requests settled so far left them.
    this.journal.catchUp();
    const row = this.prepare('SELECT * FROM keys WHERE id = ?').get(id);
    return row === undefined ? null : keyFromRow(row);
  }

  keys(filter: { team?: string; includeRevoked?: boolean } = {}): KeyRecord[] {
    this.journal.catchUp();
    const where = [...(filter.team === undefined ? [] : ['team = ?']), ...(filter.includeRevoked === true ? [] : ['revoked_at IS NULL'])];
    const sql = `SELECT * FROM keys${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY created_at, id`;
    return this.prepare(sql).all(...(filter.team === undefined ? [] : [filter.team])).map(keyFromRow);
  }

  updateKey(id: string, patch: Partial<Omit<KeyRecord, 'id' | 'hash' | 'prefix' | 'createdAt'>>): KeyRecord | null {
    // Credits set now replace what the requests settled before left (any gateway's), not the reverse.
    this.journal.catchUpAll();
    return this.transaction(() => {
      const current = this.key(id);
      if (current === null) return null;
      // Identity fields stay whatever a loosely typed caller sends.
      const updated: KeyRecord = { ...current, ...patch, id: current.id, hash: current.hash, prefix: current.prefix, createdAt: current.createdAt };
      const assignments = keyColumns.map((column) => `${column} = ?`).join(', ');
      this.prepare(`UPDATE keys SET ${assignments} WHERE id = ?`).run(...keyValues(updated, patch), id);
      this.keysByHash.clear();
      this.budgets.delete(id);
      return updated;
    });
  }

  revokeKey(id: string, at: number): boolean {
    // Revoking twice keeps the first time; false only for a key that does not exist.
    this.keysByHash.clear();
    this.budgets.delete(id);
    return this.prepare('UPDATE keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(at, id).changes > 0;
  }

  reserve(keyId: string, amountUnits: number, now: number): ReserveResult {
    checkUnits('amountUnits', amountUnits);
    const result = this.tryReserve(keyId, amountUnits, now);
    // Refused while requests of ours wait in the journal, their money held: the same refusal once
    // they are moved, but it says what is spent and what is held as the ledger has it.
    if (result.ok || !this.journal.catchUp()) return result;
    return this.tryReserve(keyId, amountUnits, now);
  }

  private tryReserve(keyId: string, amountUnits: number, now: number): ReserveResult {
    const reservationId = this.held.open(now);
    const budget = this.budgetOf(keyId, now);
    // Nothing to hold against: nothing held; settle(reservationId) simply finds nothing to release.
    if (budget.limitUnits === null && budget.creditsUnits === null) return { ok: true, reservationId, overSoftBudget: false };
    const reservedUnits = this.held.of(keyId);
    let overSoftBudget = false;
    if (budget.limitUnits !== null && budget.period !== null) {
      const { limitUnits, spentUnits } = budget;
      if (spentUnits + reservedUnits + amountUnits > limitUnits) {
        if (budget.hard) return { ok: false, reason: 'budget', limitUnits, spentUnits, reservedUnits, resetAt: periodReset(budget.period, now) };
        overSoftBudget = true;
      }
    }
    if (budget.creditsUnits !== null) {
      const { creditsUnits } = budget;
      if (creditsUnits - reservedUnits < amountUnits) return { ok: false, reason: 'credits', limitUnits: creditsUnits, spentUnits: 0, reservedUnits, resetAt: null };
    }
    this.held.hold(reservationId, keyId, amountUnits, now);
    return { ok: true, reservationId, overSoftBudget };
  }

  settle(reservationId: string | null, rows: LedgerRow[]): void {
    this.settleAll([{ reservationId, rows }]);
  }

  /** The rows are durable when this returns: in the journal, moved into the ledger, the rollup, the
   * spend and the credits journalDelayMs later (see sqlite-journal.ts), when the money is let go. */
  settleAll(settlements: Settlement[]): void {
    for (const { rows } of settlements) for (const row of rows) checkRow(row);
    const reservationIds = settlements.map((settlement) => settlement.reservationId);
    // A caller settling in a loop, never letting the timer run, moves the journal now and then.
    if (this.journal.backlog >= maxJournalRows) this.journal.catchUp();
    try {
      if (this.journal.backlog >= maxJournalRows) throw new Error(`the ledger journal holds ${this.journal.backlog} rows that could not be moved into the ledger`);
      this.journal.write(settlements);
    } catch (error) {
      // The disk full or the file busy: the rows are still to be written (the ledger writer tries
      // again each second), so the money stays held as long as it does, past the sweep, which is
      // for holds nobody will settle. A row the database refuses for good is no such case.
      if (isPassingFailure(error) || this.journal.backlog >= maxJournalRows) this.held.keep(reservationIds, this.now());
      throw error;
    }
    // Held from now until moved, whatever the sweep finds old.
    this.held.keep(reservationIds, this.now());
  }

  /** Settlements of ours now in the ledger: their money is let go, now counted as spent. Some moved
   * by another process may be in the cached figures already (read from the file since): those
   * keys' figures are read afresh instead. */
  private settled(settlements: Settlement[], elsewhere: boolean): void {
    for (const { reservationId, rows } of settlements) {
      for (const row of rows) {
        if (!elsewhere) this.countInBudget(row);
        else if (row.keyId !== null) this.budgets.delete(row.keyId);
      }
      if (reservationId !== null) this.held.release(reservationId);
    }
  }

  /** A moved row's cost in the key's cached budget figures (see budgetOf). */
  private countInBudget(row: LedgerRow): void {
    if (row.kind !== 'request' || row.operation !== null || row.keyId === null || row.costUnits === 0) return;
    const budget = this.budgets.get(row.keyId);
    if (budget === undefined) return;
    if (budget.period !== null && periodStart(budget.period, row.at) === budget.periodStart) budget.spentUnits += row.costUnits;
    if (budget.creditsUnits !== null) budget.creditsUnits -= row.costUnits;
  }

  /**
   * The key's limits and its settled spend in its current period. Kept in memory between reads,
   * since this store's settle() is what changes the spend (and updates the figures as it does);
   * read afresh after keyCacheMs, when a period turns, and when the key changes, so changes made by
   * another process on the file show within a second.
   */
  private budgetOf(keyId: string, now: number): BudgetState {
    const cached = this.budgets.get(keyId);
    if (cached !== undefined && now - cached.at < keyCacheMs && (cached.period === null || periodStart(cached.period, now) === cached.periodStart)) return cached;
    const row = this.limitsAndSpend.get(periodStart('day', now), periodStart('month', now), keyId);
    if (row === undefined) throw new Error(`no key ${JSON.stringify(keyId)} in the store`);
    const period = row.budget_period === null ? null : (String(row.budget_period) as BudgetPeriod);
    const budget: BudgetState = {
      limitUnits: row.budget_limit_units === null ? null : Number(row.budget_limit_units),
      period,
      hard: row.budget_hard === 1,
      creditsUnits: row.credits_units === null ? null : Number(row.credits_units),
      spentUnits: row.spent_units === null ? 0 : Number(row.spent_units),
      periodStart: period === null ? 0 : periodStart(period, now),
      at: now,
    };
    if (this.budgets.size >= keyCacheSize) this.budgets.clear();
    this.budgets.set(keyId, budget);
    return budget;
  }

  spend(keyId: string, now: number): SpendStatus {
    this.journal.catchUp();
    const limits = this.limits(keyId);
    const reservedUnits = this.held.of(keyId);
    const creditsUnits = limits.credits_units === null ? null : Number(limits.credits_units);
    if (limits.budget_limit_units === null) return { spentUnits: 0, reservedUnits, creditsUnits, resetAt: null };
    const period = String(limits.budget_period) as BudgetPeriod;
    return { spentUnits: this.spent(keyId, period, now), reservedUnits, creditsUnits, resetAt: periodReset(period, now) };
  }

  usage(query: UsageQuery): UsageRow[] {
    this.journal.catchUp();
    return queryUsage(this.prepare, query);
  }

  rows(query: RowsQuery): (LedgerRow & { id: number })[] {
    this.journal.catchUp();
    return queryRows(this.prepare, query);
  }

  close(): void {
    this.journal.close();
    this.checkpoints.stop();
    this.held.clear();
    this.cache.clear();
    this.database.close();
  }

  transaction<T>(work: () => T): T {
    this.begin.run();
    try {
      const result = work();
      this.commit.run();
      return result;
    } catch (error) {
      if (this.database.isTransaction) this.rollback.run();
      throw error;
    }
  }

  private limits(keyId: string): Row {
    const limits = this.keyLimits.get(keyId);
    if (limits === undefined) throw new Error(`no key ${JSON.stringify(keyId)} in the store`);
    return limits;
  }

  private spent(keyId: string, period: BudgetPeriod, now: number): number {
    const row = this.spentInPeriod.get(keyId, period, periodStart(period, now));
    return row === undefined ? 0 : Number(row.spent_units);
  }

  saveComparison(record: ComparisonRecord): void {
    saveComparison(this.prepare, record);
  }

  comparison(id: string): ComparisonRecord | null {
    return findComparison(this.prepare, id);
  }

  comparisons(query: ComparisonQuery): ComparisonRecord[] {
    return listComparisons(this.prepare, query);
  }

  addVote(vote: NewVote): VoteRecord | null {
    return this.transaction(() => addVote(this.prepare, vote));
  }

  votes(comparisonId: string): VoteRecord[] {
    return listVotes(this.prepare, comparisonId);
  }

  winRates(query: WinRateQuery): WinRateRow[] {
    return queryWinRates(this.prepare, query);
  }
}

/**
 * For the benchmark only: appends ledger rows in big transactions without reservations or spend, and
 * folds their request rows into the rollup in memory, writing it once at the end. Far faster than
 * settle() for building a ledger of millions of rows; not for production data.
 */
export function appendLedgerForBenchmark(store: Store, batches: Iterable<LedgerRow[]>): void {
  if (!(store instanceof SqliteStore)) throw new TypeError('appendLedgerForBenchmark needs a store from openSqliteStore');
  const sums = new BatchSums();
  const insert = store.prepare(`INSERT INTO ledger (${ledgerColumns.join(', ')}) VALUES (${ledgerColumns.map(() => '?').join(', ')})`);
  for (const batch of batches) {
    store.transaction(() => {
      for (const row of batch) {
        insert.run(...ledgerValues(row));
        if (row.kind === 'request' && row.operation === null) sums.addRollup(rollupValues(row));
      }
    });
  }
  const addToRollup = store.prepare(rollupUpsert);
  store.transaction(() => {
    for (const values of sums.rollup.values()) addToRollup.run(...values);
  });
}
