// Budgets and credits in the SQLite store: the hard edge to the unit, $0, soft budgets, credits,
// money held in flight, many requests racing for one budget, period resets, and reservations that
// outlive their request (or their process). Time is whatever each call is given; no real clock is read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openSqliteStore } from './sqlite.ts';
import type { Budget, Store } from './store.ts';
import { dayMs, keyRecord, noon, requestRows, temporaryDirectory } from './test-fixtures.ts';
import type { TestContext } from 'node:test';
import type { DatabaseSync } from 'node:sqlite';

function storeWithKey(context: TestContext, budget: Budget | null, creditsUnits: number | null = null): Store {
  const store = openSqliteStore(temporaryDirectory(context), { now: () => noon });
  context.after(() => store.close());
  store.createKey(keyRecord({ id: 'key-1', budget, creditsUnits }));
  return store;
}

/** A store on a clock the test moves, key-1 on a hard budget of 1,000 units, and its database. */
function storeOnClock(context: TestContext, holdMs?: number): { store: Store; database: DatabaseSync; clock: { now: number } } {
  const clock = { now: noon };
  const store = openSqliteStore(temporaryDirectory(context), { now: () => clock.now, holdMs });
  context.after(() => store.close());
  store.createKey(keyRecord({ id: 'key-1', budget: { limitUnits: 1_000, period: 'day', hard: true } }));
  return { store, database: (store as unknown as { database: DatabaseSync }).database, clock };
}

function reservationOf(store: Store, amountUnits: number, now = noon): string {
  const result = store.reserve('key-1', amountUnits, now);
  assert.equal(result.ok, true, `reserving ${amountUnits} should succeed`);
  return result.ok ? result.reservationId : '';
}

function settle(store: Store, reservationId: string | null, costUnits: number, at = noon, requestId = `request-${costUnits}-${at}`): void {
  store.settle(reservationId, requestRows({ keyId: 'key-1', costUnits, at, requestId }));
}

const nextMidnight = Date.UTC(2025, 4, 15);

// Long only as a suite: the block groups short tests, each a function of its own.
describe('SQLite store: budgets and credits', () => {
  test('a hard budget allows exactly its limit and refuses one unit more, saying limit, spent and reset', (context) => {
    const store = storeWithKey(context, { limitUnits: 1_000, period: 'day', hard: true });
    settle(store, reservationOf(store, 600), 600);
    assert.deepEqual(store.reserve('key-1', 401, noon), { ok: false, reason: 'budget', limitUnits: 1_000, spentUnits: 600, reservedUnits: 0, resetAt: nextMidnight });
    const edge = store.reserve('key-1', 400, noon);
    assert.equal(edge.ok, true);
    assert.deepEqual(store.spend('key-1', noon), { spentUnits: 600, reservedUnits: 400, creditsUnits: null, resetAt: nextMidnight });
  });

  test('a hard budget of $0 lets nothing that costs anything through', (context) => {
    const store = storeWithKey(context, { limitUnits: 0, period: 'total', hard: true });
    for (const amount of [1, 1_000, 100_000_000_000]) {
      assert.deepEqual(store.reserve('key-1', amount, noon), { ok: false, reason: 'budget', limitUnits: 0, spentUnits: 0, reservedUnits: 0, resetAt: null });
    }
    assert.equal(store.reserve('key-1', 0, noon).ok, true, 'a free request (a local model) spends nothing of it');
  });

  test('a soft budget never refuses, and flags the requests that go over it', (context) => {
    const store = storeWithKey(context, { limitUnits: 100, period: 'month', hard: false });
    const first = store.reserve('key-1', 100, noon);
    assert.deepEqual(first.ok && first.overSoftBudget, false);
    settle(store, first.ok ? first.reservationId : null, 5_000);
    const over = store.reserve('key-1', 1_000_000, noon);
    assert.equal(over.ok && over.overSoftBudget, true);
    assert.equal(store.spend('key-1', noon).spentUnits, 5_000);
  });

  test('credits are taken on settle and refuse what the balance cannot cover, even under a soft budget', (context) => {
    const store = storeWithKey(context, { limitUnits: 1, period: 'day', hard: false }, 10_000);
    settle(store, reservationOf(store, 4_000), 3_000);
    assert.equal(store.key('key-1')?.creditsUnits, 7_000);
    assert.deepEqual(store.reserve('key-1', 7_001, noon), { ok: false, reason: 'credits', limitUnits: 7_000, spentUnits: 0, reservedUnits: 0, resetAt: null });
    const all = reservationOf(store, 7_000);
    assert.deepEqual(store.reserve('key-1', 1, noon), { ok: false, reason: 'credits', limitUnits: 7_000, spentUnits: 0, reservedUnits: 7_000, resetAt: null });
    settle(store, all, 7_500);
    assert.equal(store.spend('key-1', noon).creditsUnits, -500, 'a request dearer than its reservation still settles');
    assert.equal(store.reserve('key-1', 0, noon).ok, false, 'and then nothing more goes through until a top-up');
    store.updateKey('key-1', { creditsUnits: 1_000 });
    assert.equal(store.reserve('key-1', 1_000, noon).ok, true);
  });

  test('reservations count while in flight and are released on settle', (context) => {
    const store = storeWithKey(context, { limitUnits: 1_000, period: 'day', hard: true });
    const first = reservationOf(store, 600);
    assert.deepEqual(store.reserve('key-1', 500, noon), { ok: false, reason: 'budget', limitUnits: 1_000, spentUnits: 0, reservedUnits: 600, resetAt: nextMidnight });
    settle(store, first, 100);
    assert.deepEqual(store.spend('key-1', noon), { spentUnits: 100, reservedUnits: 0, creditsUnits: null, resetAt: nextMidnight });
    reservationOf(store, 500);
    reservationOf(store, 400);
    assert.equal(store.reserve('key-1', 1, noon).ok, false);
  });

  test('200 requests racing for a budget that allows 50 never spend more than the limit', (context) => {
    const worstCase = 1_000;
    const limitUnits = 50 * worstCase;
    const store = storeWithKey(context, { limitUnits, period: 'month', hard: true });
    let seed = 7;
    const realCost = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return 1 + (seed % worstCase);
    };
    const granted: string[] = [];
    for (let index = 0; index < 200; index++) {
      const result = store.reserve('key-1', worstCase, noon);
      if (result.ok) granted.push(result.reservationId);
    }
    assert.equal(granted.length, 50, 'all reserved at once: exactly the 50 the budget covers');
    granted.forEach((reservationId, index) => settle(store, reservationId, realCost(), noon, `first-wave-${index}`));

    // Then interleaved, as real traffic is: requests start and finish in any order.
    const inFlight: string[] = [];
    for (let index = 0; index < 200; index++) {
      const result = store.reserve('key-1', worstCase, noon);
      if (result.ok) inFlight.push(result.reservationId);
      if (index % 3 === 2 && inFlight.length > 0) settle(store, inFlight.shift() ?? null, worstCase, noon, `second-wave-${index}`);
      const { spentUnits, reservedUnits } = store.spend('key-1', noon);
      assert.ok(spentUnits + reservedUnits <= limitUnits, `settled ${spentUnits} + in flight ${reservedUnits} within ${limitUnits}`);
    }
    inFlight.forEach((reservationId, index) => settle(store, reservationId, worstCase, noon, `last-${index}`));
    const spentUnits = store.spend('key-1', noon).spentUnits;
    assert.ok(spentUnits <= limitUnits);
    const ledgerTotal = store.rows({ from: 0, to: noon + 1, limit: 10_000 })
      .filter((row) => row.kind === 'request').reduce((sum, row) => sum + row.costUnits, 0);
    assert.equal(ledgerTotal, spentUnits, 'the spend is exactly what the ledger says');
  });

  test('a daily budget resets at UTC midnight', (context) => {
    const store = storeWithKey(context, { limitUnits: 1_000, period: 'day', hard: true });
    const lastInstant = nextMidnight - 1;
    settle(store, reservationOf(store, 1_000, lastInstant), 1_000, lastInstant);
    assert.deepEqual(store.reserve('key-1', 1, lastInstant), { ok: false, reason: 'budget', limitUnits: 1_000, spentUnits: 1_000, reservedUnits: 0, resetAt: nextMidnight });
    assert.deepEqual(store.spend('key-1', nextMidnight), { spentUnits: 0, reservedUnits: 0, creditsUnits: null, resetAt: nextMidnight + dayMs });
    assert.equal(store.reserve('key-1', 1_000, nextMidnight).ok, true);
  });

  test('a monthly budget resets on the first of the month, and a total budget never', (context) => {
    const store = storeWithKey(context, { limitUnits: 1_000, period: 'month', hard: true });
    const januaryEnd = Date.UTC(2025, 0, 31, 23, 0);
    const february = Date.UTC(2025, 1, 1);
    settle(store, null, 900, januaryEnd);
    assert.deepEqual(store.spend('key-1', januaryEnd), { spentUnits: 900, reservedUnits: 0, creditsUnits: null, resetAt: february });
    assert.deepEqual(store.spend('key-1', february), { spentUnits: 0, reservedUnits: 0, creditsUnits: null, resetAt: Date.UTC(2025, 2, 1) });
    settle(store, null, 300, february + 1);

    store.updateKey('key-1', { budget: { limitUnits: 1_000, period: 'total', hard: true } });
    assert.deepEqual(store.spend('key-1', Date.UTC(2030, 0, 1)), { spentUnits: 1_200, reservedUnits: 0, creditsUnits: null, resetAt: null }, 'switching period brings its history along');
    assert.equal(store.reserve('key-1', 1, Date.UTC(2030, 0, 1)).ok, false);
  });

  test('an unconstrained key always reserves and settles; an unknown key is an error', (context) => {
    const store = storeWithKey(context, null);
    const result = store.reserve('key-1', 1_000_000_000_000, noon);
    assert.equal(result.ok, true);
    settle(store, result.ok ? result.reservationId : null, 42);
    assert.deepEqual(store.spend('key-1', noon), { spentUnits: 0, reservedUnits: 0, creditsUnits: null, resetAt: null });
    assert.throws(() => store.reserve('no-such-key', 1, noon), /no key/);
    assert.throws(() => store.reserve('key-1', -1, noon), RangeError);
  });
});

describe('SQLite store: reservations nobody settles', () => {
  test('they live with the store: one closed without settling holds nothing once the file is reopened', (context) => {
    const directory = temporaryDirectory(context);
    const store = openSqliteStore(directory, { now: () => noon });
    store.createKey(keyRecord({ id: 'key-1', budget: { limitUnits: 1_000, period: 'day', hard: true } }));
    reservationOf(store, 900);
    store.close();
    const reopened = openSqliteStore(directory, { now: () => noon });
    assert.equal(reopened.spend('key-1', noon).reservedUnits, 0);
    assert.equal(reopened.reserve('key-1', 1_000, noon).ok, true);
    reopened.close();
  });

  test('a reservation whose rows cannot be written yet stays held past the hour, while they are tried again', (context) => {
    const { store, database, clock } = storeOnClock(context);
    const reservationId = reservationOf(store, 1_000);
    // The disk is full: the file may not grow by a page.
    const pages = (database.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    database.exec(`PRAGMA max_page_count = ${pages}`);
    const rows = requestRows({ keyId: 'key-1', costUnits: 1_000, at: noon, requestId: `request-${'x'.repeat(64 * 1024)}` });
    for (clock.now = noon; clock.now <= noon + 90 * 60_000; clock.now += 30 * 60_000) assert.throws(() => store.settleAll([{ reservationId, rows }]), /full/);
    assert.equal(store.reserve('key-1', 1, noon + 91 * 60_000).ok, false, 'the money is still held');
    assert.equal(store.reserve('key-1', 1, noon + 90 * 60_000 + 61 * 60_000).ok, true, 'an hour after the last try, it is not');
  });

  test('a reservation whose rows the store refuses for good is dropped after the hour as any other', (context) => {
    const { store, database, clock } = storeOnClock(context);
    const reservationId = reservationOf(store, 1_000);
    // Refused inside the transaction, as a constraint refuses a row: no failure that passes.
    database.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON ledger_journal BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const rows = requestRows({ keyId: 'key-1', costUnits: 1_000, at: noon, requestId: 'request-refused' });
    for (clock.now = noon; clock.now <= noon + 90 * 60_000; clock.now += 30 * 60_000) assert.throws(() => store.settleAll([{ reservationId, rows }]), /refused/);
    assert.equal(store.reserve('key-1', 1, noon + 91 * 60_000).ok, true);
    // A row it refuses before writing anything (one no ledger can keep) likewise.
    const second = reservationOf(store, 999, noon + 91 * 60_000);
    const unfit = requestRows({ keyId: 'key-1', costUnits: 999, at: noon, requestId: 'request-unfit' }).map((row) => ({ ...row, outputTokens: 0.5 }));
    for (clock.now = noon + 91 * 60_000; clock.now <= noon + 181 * 60_000; clock.now += 30 * 60_000) assert.throws(() => store.settleAll([{ reservationId: second, rows: unfit }]));
    assert.equal(store.reserve('key-1', 999, noon + 182 * 60_000).ok, true);
  });

  test('a store for requests that may last longer keeps a hold as long, and never less than an hour', (context) => {
    for (const [holdMs, keptAt, droppedAt] of [[3 * 3_600_000, 179, 181], [60_000, 59, 61]]) {
      const { store } = storeOnClock(context, holdMs);
      reservationOf(store, 1_000);
      assert.equal(store.reserve('key-1', 1, noon + keptAt * 60_000).ok, false, `held at ${keptAt} minutes`);
      assert.equal(store.reserve('key-1', 1_000, noon + droppedAt * 60_000).ok, true, `dropped at ${droppedAt} minutes`);
    }
  });

  test('a running store drops its own reservations once they are an hour old', (context) => {
    const store = storeWithKey(context, { limitUnits: 1_000, period: 'day', hard: true });
    reservationOf(store, 1_000);
    assert.equal(store.reserve('key-1', 1, noon + 59 * 60_000).ok, false);
    assert.equal(store.reserve('key-1', 1_000, noon + 61 * 60_000).ok, true);
  });
});
