// The embedded default Store: SQLite through node:sqlite, one file in the data directory. It is
// synchronous (DatabaseSync), so every call is a few prepared statements run to completion on the
// calling thread; settle is one `BEGIN IMMEDIATE` transaction, which also serialises against any
// other process on the same file.
//
// Reservations (money held by requests in flight) live in this process's memory, not in the file:
// reserve() reads the key's limit and settled spend in one statement and checks them against what
// this process holds, with nothing between the check and the hold (one thread, synchronous calls).
// So a crash can never leave money locked, and a request costs one write transaction, not two. The
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
import { checkRow, ledgerValues, rollupValues } from './ledger-values.ts';
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
const periods: readonly BudgetPeriod[] = ['day', 'month', 'total'];

/** `holdMs`: how long a reservation nobody settles is kept (at least an hour), so that a request
 * that never settled does not hold budget forever, nor one still running lose its hold. */
export function openSqliteStore(directory: string, options: { now?: () => number; holdMs?: number } = {}): Store {
  mkdirSync(directory, { recursive: true });
  return new SqliteStore(join(directory, databaseFileName), options.now ?? Date.now, Math.max(defaultHoldMs, options.holdMs ?? 0));
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
  readonly insertLedger: StatementSync;
  readonly addToRollup: StatementSync;
  private readonly addToSpend: StatementSync;
  private readonly takeCredits: StatementSync;

  constructor(file: string, now: () => number, holdMs: number) {
    this.now = now;
    this.held = new HeldMoney(holdMs, now());
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
    this.insertLedger = this.database.prepare(`INSERT INTO ledger (kind, at, request_id, route_id, attempt, key_id, team, model, provider,
      upstream_model, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_units, latency_ms,
      ttft_ms, status, error_class, billed, group_id, operation) VALUES (${Array(23).fill('?').join(', ')})`);
    this.addToRollup = this.database.prepare(`INSERT INTO usage_daily VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
      cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
      output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
      cost_units = cost_units + excluded.cost_units, errors = errors + excluded.errors`);
    this.addToSpend = this.database.prepare(`INSERT INTO spend VALUES (?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET spent_units = spent_units + excluded.spent_units`);
    this.takeCredits = this.database.prepare('UPDATE keys SET credits_units = credits_units - ? WHERE id = ? AND credits_units IS NOT NULL');
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
    const row = this.prepare('SELECT * FROM keys WHERE id = ?').get(id);
    return row === undefined ? null : keyFromRow(row);
  }

  keys(filter: { team?: string; includeRevoked?: boolean } = {}): KeyRecord[] {
    const where = [...(filter.team === undefined ? [] : ['team = ?']), ...(filter.includeRevoked === true ? [] : ['revoked_at IS NULL'])];
    const sql = `SELECT * FROM keys${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY created_at, id`;
    return this.prepare(sql).all(...(filter.team === undefined ? [] : [filter.team])).map(keyFromRow);
  }

  updateKey(id: string, patch: Partial<Omit<KeyRecord, 'id' | 'hash' | 'prefix' | 'createdAt'>>): KeyRecord | null {
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

  settleAll(settlements: Settlement[]): void {
    for (const { rows } of settlements) for (const row of rows) checkRow(row);
    try {
      this.transaction(() => {
        const sums = new BatchSums();
        for (const { rows } of settlements) for (const row of rows) this.write(row, sums);
        for (const values of sums.rollup.values()) this.addToRollup.run(...values);
        for (const [keyId, period, start, units] of sums.spend.values()) this.addToSpend.run(keyId, period, start, units);
        for (const [keyId, units] of sums.credits) this.takeCredits.run(units, keyId);
      });
    } catch (error) {
      // The budget figures may have counted rows that were rolled back: read them afresh.
      this.budgets.clear();
      // The disk full or the file busy: the rows are still to be written (the ledger writer tries
      // again each second), so the money stays held as long as it does, past the sweep, which is
      // for holds nobody will settle. A row the database refuses for good is no such case.
      if (isPassingFailure(error)) this.held.keep(settlements.map((settlement) => settlement.reservationId), this.now());
      throw error;
    }
    // Only once the spend is recorded: a failed write keeps the money held.
    for (const { reservationId } of settlements) if (reservationId !== null) this.held.release(reservationId);
  }

  /** The row itself now; what it adds to the rollup, the spend and the credits into `sums`, written
   * once per batch (a batch of one dimension costs one upsert, not one per request). */
  private write(row: LedgerRow, sums: BatchSums): void {
    this.insertLedger.run(...ledgerValues(row));
    if (row.kind !== 'request' || row.operation !== null) return;
    sums.addRollup(rollupValues(row));
    if (row.keyId === null || row.costUnits === 0) return;
    for (const period of periods) sums.addSpend(row.keyId, period, periodStart(period, row.at), row.costUnits);
    sums.credits.set(row.keyId, (sums.credits.get(row.keyId) ?? 0) + row.costUnits);
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
    const limits = this.limits(keyId);
    const reservedUnits = this.held.of(keyId);
    const creditsUnits = limits.credits_units === null ? null : Number(limits.credits_units);
    if (limits.budget_limit_units === null) return { spentUnits: 0, reservedUnits, creditsUnits, resetAt: null };
    const period = String(limits.budget_period) as BudgetPeriod;
    return { spentUnits: this.spent(keyId, period, now), reservedUnits, creditsUnits, resetAt: periodReset(period, now) };
  }

  usage(query: UsageQuery): UsageRow[] {
    return queryUsage(this.prepare, query);
  }

  rows(query: RowsQuery): (LedgerRow & { id: number })[] {
    return queryRows(this.prepare, query);
  }

  close(): void {
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
  const rollup = new Map<string, (string | number)[]>();
  for (const batch of batches) {
    store.transaction(() => {
      for (const row of batch) {
        store.insertLedger.run(...ledgerValues(row));
        if (row.kind !== 'request' || row.operation !== null) continue;
        const values = rollupValues(row);
        const identity = values.slice(0, 5).join('\u0000');
        const total = rollup.get(identity);
        if (total === undefined) rollup.set(identity, values);
        else for (let index = 5; index < values.length; index++) total[index] = Number(total[index]) + Number(values[index]);
      }
    });
  }
  store.transaction(() => {
    for (const values of rollup.values()) store.addToRollup.run(...values);
  });
}
