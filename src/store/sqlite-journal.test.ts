// The ledger's journal (sqlite-journal.ts): rows are durable in it when settle returns, reach the
// ledger, the rollup, the spend and the credits with the next move (by timer, by a reader, at close, or
// by the next store to open the file), exactly once, and the money stays held until then.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { databaseFileName, openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';
import { journalDelayMs } from './sqlite-journal.ts';
import { keyRecord, noon, requestRows, temporaryDirectory } from './test-fixtures.ts';

const budget = { limitUnits: 1_000, period: 'day', hard: true } as const;

function counts(directory: string): { ledger: number; journal: number; spent: number; credits: number } {
  const database = new DatabaseSync(join(directory, databaseFileName), { readOnly: true });
  try {
    const one = (sql: string): number => Number(Object.values(database.prepare(sql).get() ?? { value: 0 })[0] ?? 0);
    return {
      ledger: one('SELECT count(*) FROM ledger'),
      journal: one('SELECT count(*) FROM ledger_journal'),
      spent: one(`SELECT coalesce(sum(spent_units), 0) FROM spend WHERE period = 'day'`),
      credits: one(`SELECT credits_units FROM keys WHERE id = 'key-1'`),
    };
  } finally {
    database.close();
  }
}

/** The journal's sweep, every second in a gateway, comes sooner here. */
const sweepMs = 20;

function keyedStore(context: TestContext, directory: string, onError?: (error: unknown) => void): Store {
  const store = openSqliteStore(directory, { now: () => noon, onError, sweepMs });
  context.after(() => store.close());
  return store;
}

function held(store: Store): number {
  return store.spend('key-1', noon).reservedUnits;
}

/** A request of key-1: `reservedUnits` held, then settled at `costUnits`. */
function reserveAndSettle(store: Store, reservedUnits: number, costUnits: number, requestId: string): void {
  const reserved = store.reserve('key-1', reservedUnits, noon);
  assert.ok(reserved.ok, `reserving ${reservedUnits} should succeed`);
  store.settle(reserved.reservationId, requestRows({ keyId: 'key-1', costUnits, requestId }));
}

// Long only as a suite: the block groups short tests, each a function of its own.
describe('SQLite store: the ledger journal', () => {
  test('settle journals the rows; a reader moves them into the ledger, spend and credits, and lets the money go', (context) => {
    const directory = temporaryDirectory(context);
    const store = keyedStore(context, directory);
    store.createKey(keyRecord({ id: 'key-1', budget, creditsUnits: 5_000 }));
    reserveAndSettle(store, 700, 600, 'r1');
    assert.deepEqual(counts(directory), { ledger: 0, journal: 2, spent: 0, credits: 5_000 }, 'durable in the journal, nothing moved yet');
    assert.deepEqual(store.rows({ from: 0, to: noon + 1, limit: 10 }).map((row) => [row.kind, row.requestId]), [['attempt', 'r1'], ['request', 'r1']]);
    assert.deepEqual(counts(directory), { ledger: 2, journal: 0, spent: 600, credits: 4_400 });
    assert.deepEqual(store.spend('key-1', noon), { spentUnits: 600, reservedUnits: 0, creditsUnits: 4_400, resetAt: Date.UTC(2025, 4, 15) });
  });

  test('the move comes by itself, a few milliseconds later, one transaction for every request of that time', async (context) => {
    const directory = temporaryDirectory(context);
    const store = keyedStore(context, directory);
    store.createKey(keyRecord({ id: 'key-1', budget }));
    for (let index = 0; index < 5; index++) store.settle(null, requestRows({ keyId: 'key-1', costUnits: 10, requestId: `r${index}` }));
    assert.equal(counts(directory).journal, 10);
    for (let waited = 0; counts(directory).journal > 0 && waited < 5_000; waited += journalDelayMs) await sleep(journalDelayMs);
    assert.deepEqual(counts(directory), { ledger: 10, journal: 0, spent: 50, credits: 0 });
  });

  test('money stays held until the rows are moved: the budget is never seen neither held nor spent', (context) => {
    const directory = temporaryDirectory(context);
    const store = keyedStore(context, directory);
    store.createKey(keyRecord({ id: 'key-1', budget }));
    reserveAndSettle(store, 1_000, 1_000, 'all-of-it');
    assert.equal(counts(directory).journal, 2);
    // Refused, and told as the ledger has it: spent, nothing held.
    assert.deepEqual(store.reserve('key-1', 1, noon), { ok: false, reason: 'budget', limitUnits: 1_000, spentUnits: 1_000, reservedUnits: 0, resetAt: Date.UTC(2025, 4, 15) });
    assert.equal(counts(directory).journal, 0);
  });

  test('what a killed process journaled is moved by the next store to open the file, exactly once', (context) => {
    const directory = temporaryDirectory(context);
    const first = keyedStore(context, directory);
    first.createKey(keyRecord({ id: 'key-1', budget, creditsUnits: 5_000 }));
    reserveAndSettle(first, 300, 300, 'from-the-first');
    // A second process opens the file before the first moved its rows (as if the first had died).
    const second = keyedStore(context, directory);
    assert.deepEqual(counts(directory), { ledger: 2, journal: 0, spent: 300, credits: 4_700 });
    second.settle(null, requestRows({ keyId: 'key-1', costUnits: 50, requestId: 'from-the-second' }));
    // The first's own move finds its rows gone (moved, by the second) and only lets its money go.
    assert.equal(held(first), 0);
    assert.deepEqual(counts(directory), { ledger: 4, journal: 0, spent: 350, credits: 4_650 });
    assert.deepEqual(second.usage({ from: 0, to: noon + 1, groupBy: [] }).map((row) => [row.requests, row.costUnits]), [[2, 350]]);
  });

  test('a move that fails leaves the rows in the journal and the money held, says why once, and is tried again at each sweep', async (context) => {
    const directory = temporaryDirectory(context);
    const errors: string[] = [];
    const store = keyedStore(context, directory, (error) => errors.push(error instanceof Error ? error.message : String(error)));
    store.createKey(keyRecord({ id: 'key-1', budget }));
    const database = (store as unknown as { database: DatabaseSync }).database;
    database.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'ledger refused'); END`);
    reserveAndSettle(store, 400, 400, 'r1');
    assert.equal(held(store), 400, 'the move failed: still held');
    assert.equal(held(store), 400);
    assert.equal(store.reserve('key-1', 601, noon).ok, false, 'held money still counts');
    assert.deepEqual(errors, ['ledger refused'], 'readers do not try again each time');
    assert.deepEqual(counts(directory), { ledger: 0, journal: 2, spent: 0, credits: 0 });
    database.exec('DROP TRIGGER refuse');
    for (let waited = 0; counts(directory).journal > 0 && waited < 5_000; waited += 10) await sleep(10);
    assert.equal(held(store), 0);
    assert.deepEqual(counts(directory), { ledger: 2, journal: 0, spent: 400, credits: 0 });
  });

  test('a running gateway moves rows a killed one left in the journal, at its next sweep', async (context) => {
    const directory = temporaryDirectory(context);
    const store = keyedStore(context, directory);
    store.createKey(keyRecord({ id: 'key-1', budget }));
    const database = new DatabaseSync(join(directory, databaseFileName));
    const row = requestRows({ keyId: 'key-1', costUnits: 70, requestId: 'from-the-dead' })[1];
    database.prepare(`INSERT INTO ledger_journal (source, kind, at, request_id, attempt, key_id, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_units, latency_ms, status, billed)
      VALUES ('a-killed-gateway', 'request', ?, ?, 1, 'key-1', 100, 0, 0, 50, 0, 70, 300, 200, 1)`).run(row.at, row.requestId);
    database.close();
    for (let waited = 0; counts(directory).journal > 0 && waited < 5_000; waited += 10) await sleep(10);
    assert.deepEqual(counts(directory), { ledger: 1, journal: 0, spent: 70, credits: 0 });
    assert.deepEqual(store.spend('key-1', noon), { spentUnits: 70, reservedUnits: 0, creditsUnits: null, resetAt: Date.UTC(2025, 4, 15) });
  });

  test('a key whose rows another process moved is read afresh, not counted twice', (context) => {
    const directory = temporaryDirectory(context);
    const first = keyedStore(context, directory);
    first.createKey(keyRecord({ id: 'key-1', budget }));
    reserveAndSettle(first, 600, 600, 'r1');
    // Another gateway opens the file and moves the first's rows: 600 spent in the file, still held by
    // the first. Two seconds on, the first reads the key's figures afresh (600 spent), and its own
    // move then finds the rows gone: the 600 is let go, not counted again.
    keyedStore(context, directory);
    const later = noon + 2_000;
    assert.equal(first.reserve('key-1', 1, later).ok, true);
    assert.deepEqual(first.reserve('key-1', 400, later), { ok: false, reason: 'budget', limitUnits: 1_000, spentUnits: 600, reservedUnits: 1, resetAt: Date.UTC(2025, 4, 15) });
  });
});
