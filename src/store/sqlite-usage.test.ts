// The usage API's reads: totals grouped by every dimension and combination, exact for ranges that cut
// days in half, read from the daily rollup rather than the ledger, and equal to a brute-force sum over
// the paged ledger export for 100k rows. Ledger export paging is tested here too.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { databaseFileName, openSqliteStore } from './sqlite.ts';
import type { LedgerRow, Store, UsageQuery, UsageRow } from './store.ts';
import { dayMs, ledgerRow, requestRows, temporaryDirectory } from './test-fixtures.ts';

const day1 = Date.UTC(2025, 4, 14);
const day2 = day1 + dayMs;
const hour = 3_600_000;
const everything = { from: day1, to: day1 + 3 * dayMs };

function open(context: TestContext): { store: Store; directory: string } {
  const directory = temporaryDirectory(context);
  const store = openSqliteStore(directory, { now: () => day1 });
  context.after(() => store.close());
  return { store, directory };
}

/** Four requests over two days, two keys, two teams, two models, two providers; one failed, one keyless. */
function smallLedger(store: Store): void {
  store.settle(null, requestRows({ requestId: 'a', at: day1 + 1 * hour, keyId: 'k1', team: 't1', model: 'm1', provider: 'p1', inputTokens: 10, outputTokens: 1, costUnits: 100 }));
  store.settle(null, [
    ledgerRow({ kind: 'attempt', requestId: 'b', at: day1 + 13 * hour, keyId: 'k1', team: 't1', model: 'm2', provider: 'p1', status: 503, errorClass: 'overloaded', billed: true, costUnits: 5 }),
    ledgerRow({ kind: 'attempt', requestId: 'b', attempt: 2, at: day1 + 13 * hour, keyId: 'k1', team: 't1', model: 'm2', provider: 'p2', costUnits: 200 }),
    ledgerRow({ requestId: 'b', at: day1 + 13 * hour, keyId: 'k1', team: 't1', model: 'm2', provider: 'p2', inputTokens: 20, cachedInputTokens: 5, outputTokens: 2, reasoningTokens: 7, costUnits: 205 }),
  ]);
  store.settle(null, requestRows({ requestId: 'c', at: day2 + 2 * hour, keyId: 'k2', team: 't2', model: 'm1', provider: 'p2', inputTokens: 30, cacheWriteTokens: 9, outputTokens: 3, costUnits: 300, status: 429, errorClass: 'rate_limited' }));
  store.settle(null, requestRows({ requestId: 'd', at: day2 + 20 * hour, keyId: null, team: null, model: 'm1', provider: 'p1', inputTokens: 40, outputTokens: 4, costUnits: 400 }));
}

function totals(requests: number, inputTokens: number, outputTokens: number, costUnits: number, errors = 0, extra: Partial<UsageRow> = {}): Omit<UsageRow, 'key' | 'team' | 'model' | 'provider' | 'day'> {
  return { requests, inputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens, reasoningTokens: 0, costUnits, errors, ...extra };
}

// Long only as a suite: the block groups short tests, each a function of its own.
describe('SQLite store: usage', () => {
  test('groups by each dimension, counting request rows only', (context) => {
    const { store } = open(context);
    smallLedger(store);
    const all = totals(4, 100, 10, 1_005, 1, { cachedInputTokens: 5, cacheWriteTokens: 9, reasoningTokens: 7 });
    assert.deepEqual(store.usage({ ...everything, groupBy: [] }), [all]);
    assert.deepEqual(store.usage({ ...everything, groupBy: ['key'] }).map((row) => [row.key, row.requests, row.costUnits]), [[null, 1, 400], ['k1', 2, 305], ['k2', 1, 300]]);
    assert.deepEqual(store.usage({ ...everything, groupBy: ['team'] }).map((row) => [row.team, row.requests, row.costUnits]), [[null, 1, 400], ['t1', 2, 305], ['t2', 1, 300]]);
    assert.deepEqual(store.usage({ ...everything, groupBy: ['model'] }).map((row) => [row.model, row.requests, row.costUnits]), [['m1', 3, 800], ['m2', 1, 205]]);
    assert.deepEqual(store.usage({ ...everything, groupBy: ['provider'] }).map((row) => [row.provider, row.requests, row.errors]), [['p1', 2, 0], ['p2', 2, 1]]);
    assert.deepEqual(store.usage({ ...everything, groupBy: ['day'] }), [
      { day: '2025-05-14', ...totals(2, 30, 3, 305, 0, { cachedInputTokens: 5, reasoningTokens: 7 }) },
      { day: '2025-05-15', ...totals(2, 70, 7, 700, 1, { cacheWriteTokens: 9 }) },
    ]);
  });

  test('groups by combinations and filters by key and team', (context) => {
    const { store } = open(context);
    smallLedger(store);
    assert.deepEqual(store.usage({ ...everything, groupBy: ['day', 'model'] }).map((row) => [row.day, row.model, row.requests]), [
      ['2025-05-14', 'm1', 1], ['2025-05-14', 'm2', 1], ['2025-05-15', 'm1', 2],
    ]);
    assert.deepEqual(store.usage({ ...everything, groupBy: ['team', 'provider', 'key'] }).map((row) => [row.team, row.provider, row.key, row.costUnits]), [
      [null, 'p1', null, 400], ['t1', 'p1', 'k1', 100], ['t1', 'p2', 'k1', 205], ['t2', 'p2', 'k2', 300],
    ]);
    assert.deepEqual(store.usage({ ...everything, keyId: 'k1', groupBy: ['model'] }).map((row) => [row.model, row.costUnits]), [['m1', 100], ['m2', 205]]);
    assert.deepEqual(store.usage({ ...everything, team: 't2', groupBy: [] }).map((row) => row.costUnits), [300]);
    assert.deepEqual(store.usage({ ...everything, team: 'nobody', groupBy: [] }), []);
    assert.deepEqual(store.usage({ from: day1 + 3 * dayMs, to: day1 + 9 * dayMs, groupBy: ['key'] }), []);
    assert.throws(() => store.usage({ ...everything, groupBy: ['region' as 'day'] }), RangeError);
  });

  test('ranges that cut days in half are exact', (context) => {
    const { store } = open(context);
    smallLedger(store);
    const costs = (from: number, to: number) => store.usage({ from, to, groupBy: [] }).map((row) => row.costUnits);
    assert.deepEqual(costs(day1 + 2 * hour, day2 + 3 * hour), [505], 'b and c: a sliver of each day');
    assert.deepEqual(costs(day1 + 12 * hour, day1 + 14 * hour), [205], 'inside one day');
    assert.deepEqual(costs(day1 + 2 * hour, day2 + 21 * hour), [905]);
    assert.deepEqual(costs(day1, day2 + 2 * hour), [305], 'to is exclusive');
  });

  test('whole days come from the rollup, not the ledger', (context) => {
    const { store, directory } = open(context);
    smallLedger(store);
    assert.deepEqual(store.usage({ ...everything, groupBy: [] }).map((row) => row.requests), [4]);
    // Another connection empties the ledger behind the store's back; the rollup still has the totals.
    const database = new DatabaseSync(join(directory, databaseFileName));
    database.exec('DELETE FROM ledger');
    database.close();
    assert.deepEqual(store.usage({ ...everything, groupBy: [] }).map((row) => row.requests), [4]);
    assert.deepEqual(store.usage({ from: day1 + hour, to: day2, groupBy: [] }), [], 'a partial day reads the ledger, now empty');
  });

  test('token counts are kept in the ledger, marked, and left out of usage on whole and partial days', (context) => {
    const { store } = open(context);
    smallLedger(store);
    store.settle(null, requestRows({ requestId: 'count', at: day1 + 5 * hour, keyId: 'k1', inputTokens: 0, outputTokens: 0, billed: false, operation: 'count_tokens' }));
    assert.deepEqual(store.usage({ ...everything, groupBy: [] }).map((row) => row.requests), [4], 'whole days, from the rollup');
    assert.deepEqual(store.usage({ from: day1 + hour, to: day1 + 6 * hour, groupBy: [] }).map((row) => row.requests), [1], 'a partial day, from the ledger');
    const counted = store.rows({ ...everything, limit: 100 }).filter((row) => row.requestId === 'count');
    assert.deepEqual(counted.map((row) => [row.kind, row.operation]), [['attempt', 'count_tokens'], ['request', 'count_tokens']]);
    assert.equal(store.rows({ ...everything, limit: 100 }).find((row) => row.requestId === 'a')?.operation, null);
    assert.throws(() => store.settle(null, requestRows({ operation: 'embed' as 'count_tokens' })), RangeError);
  });

  test('matches a brute-force sum over 100k exported rows for every grouping', (context) => {
    const { store } = open(context);
    let seed = 11;
    const pick = (count: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % count;
    };
    const start = day1 + 5 * hour;
    for (let batch = 0; batch < 20; batch++) {
      const rows: LedgerRow[] = [];
      for (let index = 0; index < 2_500; index++) {
        const key = pick(7);
        rows.push(...requestRows({
          requestId: `r-${batch}-${index}`, at: start + pick(6 * dayMs), keyId: key === 0 ? null : `k${key}`, team: key === 0 ? null : `t${key % 3}`,
          model: `m${pick(4)}`, provider: `p${pick(3)}`, inputTokens: pick(5_000), cachedInputTokens: pick(100), cacheWriteTokens: pick(50),
          outputTokens: pick(800), reasoningTokens: pick(300), costUnits: pick(2_000_000), status: pick(10) === 0 ? 500 : 200,
        }));
      }
      store.settle(null, rows);
    }

    const exported: LedgerRow[] = [];
    let after: number | undefined;
    for (;;) {
      const page = store.rows({ from: 0, to: Number.MAX_SAFE_INTEGER, after, limit: 7_000 });
      if (page.length === 0) break;
      exported.push(...page);
      after = page[page.length - 1].id;
    }
    assert.equal(exported.length, 100_000);
    for (let index = 1; index < exported.length; index++) assert.ok(exported[index - 1].at <= exported[index].at, 'export is in time order');

    const queries: UsageQuery[] = [
      { from: day1, to: day1 + 7 * dayMs, groupBy: ['key', 'team', 'model', 'provider', 'day'] },
      { from: start + 7 * hour, to: start + 4 * dayMs + 3 * hour, groupBy: ['day', 'provider'] },
      { from: day1 + dayMs, to: day1 + 4 * dayMs, keyId: 'k3', groupBy: ['model'] },
      { from: day1 + 2 * hour, to: day1 + 6 * dayMs, team: 't1', groupBy: ['key', 'day'] },
      { from: day1, to: day1 + 7 * dayMs, groupBy: [] },
    ];
    for (const query of queries) assert.deepEqual(store.usage(query), bruteForce(exported, query), JSON.stringify(query));
  });

  test('exports in (at, id) order, paging through rows that share a timestamp, filtered by key or team', (context) => {
    const { store } = open(context);
    for (let index = 0; index < 10; index++) {
      store.settle(null, requestRows({ requestId: `same-${index}`, at: day1, keyId: index % 2 === 0 ? 'even' : 'odd', team: index < 5 ? 'low' : 'high' }));
    }
    store.settle(null, requestRows({ requestId: 'earlier', at: day1 - 1, keyId: 'even' }));
    const pages: string[][] = [];
    let after: number | undefined;
    for (;;) {
      const page = store.rows({ from: day1 - 1, to: day1 + 1, keyId: 'even', after, limit: 3 });
      if (page.length === 0) break;
      pages.push(page.map((row) => `${row.requestId}/${row.kind}`));
      after = page[page.length - 1].id;
    }
    assert.deepEqual(pages.flat(), ['earlier/attempt', 'earlier/request', ...[0, 2, 4, 6, 8].flatMap((index) => [`same-${index}/attempt`, `same-${index}/request`])]);
    assert.equal(pages[0].length, 3);
    assert.deepEqual(store.rows({ from: day1, to: day1 + 1, team: 'high', limit: 100 }).map((row) => row.requestId), ['same-5', 'same-5', 'same-6', 'same-6', 'same-7', 'same-7', 'same-8', 'same-8', 'same-9', 'same-9']);
    assert.deepEqual(store.rows({ from: day1, to: day1, limit: 10 }), []);
    const [row] = store.rows({ from: day1 - 1, to: day1, limit: 1 });
    assert.deepEqual(row, { ...ledgerRow({ requestId: 'earlier', at: day1 - 1, keyId: 'even', kind: 'attempt' }), id: row.id });
  });
});

/** The usage API's answer computed the slow, obvious way from exported rows. */
function bruteForce(rows: LedgerRow[], query: UsageQuery): UsageRow[] {
  const dimensions = query.groupBy;
  const groups = new Map<string, UsageRow>();
  for (const row of rows) {
    if (row.kind !== 'request' || row.at < query.from || row.at >= query.to) continue;
    if (query.keyId !== undefined && row.keyId !== query.keyId) continue;
    if (query.team !== undefined && row.team !== query.team) continue;
    const group: Partial<UsageRow> = {};
    for (const dimension of dimensions) {
      if (dimension === 'day') group.day = new Date(row.at).toISOString().slice(0, 10);
      else group[dimension] = dimension === 'key' ? row.keyId : row[dimension];
    }
    const identity = JSON.stringify(dimensions.map((dimension) => group[dimension]));
    const total = groups.get(identity) ?? { ...group, ...totals(0, 0, 0, 0) };
    groups.set(identity, total);
    total.requests += 1;
    total.inputTokens += row.inputTokens;
    total.cachedInputTokens += row.cachedInputTokens;
    total.cacheWriteTokens += row.cacheWriteTokens;
    total.outputTokens += row.outputTokens;
    total.reasoningTokens += row.reasoningTokens;
    total.costUnits += row.costUnits;
    total.errors += row.status >= 400 || row.errorClass !== null ? 1 : 0;
  }
  return [...groups.values()].sort((left, right) => {
    for (const dimension of dimensions) {
      const leftValue = left[dimension] ?? '';
      const rightValue = right[dimension] ?? '';
      if (leftValue !== rightValue) return leftValue < rightValue ? -1 : 1;
    }
    return 0;
  });
}
