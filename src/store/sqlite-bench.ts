// Measures the SQLite store on the request path and on the usage API, against the targets:
// auth + reservation + ledger write under 0.2 ms per request, and usage() fast on a 10 million row
// ledger. Not a test (it takes a minute or two and writes gigabytes): run it by hand with
//   node src/store/sqlite-bench.ts [ledgerRows=10000000] [requests=20000]
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { appendLedgerForBenchmark, databaseFileName, openSqliteStore } from './sqlite.ts';
import type { KeyRecord, LedgerRow, Store, UsageQuery } from './store.ts';

const ledgerRows = Number(process.argv[2] ?? 10_000_000);
const requests = Number(process.argv[3] ?? 20_000);
const dayMs = 86_400_000;
const start = Date.UTC(2025, 0, 1);
const days = 90;
const keyCount = 1_000;
const teams = Array.from({ length: 20 }, (_, index) => `team-${index}`);
const models = Array.from({ length: 15 }, (_, index) => `model-${index}`);
const providers = Array.from({ length: 8 }, (_, index) => `provider-${index}`);

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

function key(index: number): KeyRecord {
  return {
    id: `key-${index}`, hash: hashOf(`mm-secret-${index}`), prefix: `mm-secr`, name: null, team: teams[index % teams.length],
    allowedModels: ['*'], budget: { limitUnits: 1e15, period: 'month', hard: true }, creditsUnits: 1e15,
    requestsPerMinute: null, tokensPerMinute: null, expiresAt: null, metadata: {}, commercialUse: true, createdAt: start, revokedAt: null,
  };
}

/** The pair of rows one successful request writes: its single upstream attempt and the request itself. */
function requestRows(sequence: number, at: number): LedgerRow[] {
  const keyIndex = sequence % keyCount;
  const attempt: LedgerRow = {
    kind: 'attempt', at, requestId: `req-${sequence}`, routeId: 'default', attempt: 1, keyId: `key-${keyIndex}`,
    team: teams[keyIndex % teams.length], model: models[sequence % models.length], provider: providers[sequence % providers.length],
    upstreamModel: models[sequence % models.length], inputTokens: 1_200, cachedInputTokens: 400, cacheWriteTokens: 0, outputTokens: 350,
    reasoningTokens: 0, costUnits: 180_000, latencyMs: 812, ttftMs: 140, status: 200, errorClass: null, billed: true, groupId: null,
    operation: null,
  };
  return [attempt, { ...attempt, kind: 'request' }];
}

function milliseconds(work: () => void): number {
  const began = performance.now();
  work();
  return performance.now() - began;
}

/** Requests whose rows one move of the journal takes, as at about 2,500 requests a second (the
 * store moves it 10 ms after a settle, sqlite-journal.ts); a reader moves it here, the timer cannot
 * fire inside this loop. */
const requestsPerMove = 25;

function measureRequestPath(store: Store, label: string): void {
  const phases = { auth: 0, reserve: 0, settle: 0, move: 0 };
  const now = start + days * dayMs;
  const total = milliseconds(() => {
    for (let sequence = 0; sequence < requests; sequence++) {
      let mark = performance.now();
      const record = store.keyByHash(hashOf(`mm-secret-${sequence % keyCount}`));
      if (record === null) throw new Error('key not found');
      let next = performance.now();
      phases.auth += next - mark;
      mark = next;
      const reservation = store.reserve(record.id, 5_000_000, now);
      if (!reservation.ok) throw new Error('refused');
      next = performance.now();
      phases.reserve += next - mark;
      mark = next;
      store.settle(reservation.reservationId, requestRows(1e9 + sequence, now));
      next = performance.now();
      phases.settle += next - mark;
      mark = next;
      if (sequence % requestsPerMove === requestsPerMove - 1) store.spend(record.id, now);
      phases.move += performance.now() - mark;
    }
  });
  const micro = (ms: number) => (ms * 1_000 / requests).toFixed(1);
  console.log(`${label}: ${micro(total)} µs per request (auth ${micro(phases.auth)}, reserve ${micro(phases.reserve)}, settle ${micro(phases.settle)} on the request path; the journal's move ${micro(phases.move)} after it) over ${requests} requests`);
}

function* batches(count: number): Generator<LedgerRow[]> {
  const requestCount = Math.floor(count / 2);
  const spacing = (days * dayMs) / requestCount;
  for (let first = 0; first < requestCount; first += 25_000) {
    const batch: LedgerRow[] = [];
    for (let sequence = first; sequence < Math.min(first + 25_000, requestCount); sequence++) batch.push(...requestRows(sequence, start + Math.floor(sequence * spacing)));
    yield batch;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const directory = mkdtempSync(join(tmpdir(), 'modelmux-store-bench-'));
try {
  const store = openSqliteStore(directory);
  for (let index = 0; index < keyCount; index++) store.createKey(key(index));
  measureRequestPath(store, 'request path, empty ledger');

  const loadMs = milliseconds(() => appendLedgerForBenchmark(store, batches(ledgerRows)));
  console.log(`built a ${ledgerRows.toLocaleString('en')} row ledger over ${days} days in ${(loadMs / 1_000).toFixed(1)} s`);
  const queries: [string, UsageQuery][] = [
    ['all 90 days by day', { from: start, to: start + days * dayMs, groupBy: ['day'] }],
    ['all 90 days by key', { from: start, to: start + days * dayMs, groupBy: ['key'] }],
    ['all 90 days by team, model, provider', { from: start, to: start + days * dayMs, groupBy: ['team', 'model', 'provider'] }],
    ['30 days, one key, by day and model', { from: start, to: start + 30 * dayMs, keyId: 'key-7', groupBy: ['day', 'model'] }],
    ['30 days, one team, by key', { from: start, to: start + 30 * dayMs, team: 'team-3', groupBy: ['key'] }],
    ['last 24 h at 13:00 (two partial days from the ledger)', { from: start + 40 * dayMs + 13 * 3_600_000, to: start + 41 * dayMs + 13 * 3_600_000, groupBy: ['model'] }],
    ['7 days at 13:00, by provider', { from: start + 40 * dayMs + 13 * 3_600_000, to: start + 47 * dayMs + 13 * 3_600_000, groupBy: ['provider'] }],
  ];
  for (const [label, query] of queries) {
    store.usage(query);
    let rows = 0;
    const ms = milliseconds(() => {
      rows = store.usage(query).length;
    });
    console.log(`usage() ${label}: ${ms.toFixed(1)} ms, ${rows} rows`);
  }
  const pageMs = milliseconds(() => store.rows({ from: start + 50 * dayMs, to: start + 51 * dayMs, keyId: 'key-3', limit: 1_000 }));
  const exportMs = milliseconds(() => store.rows({ from: start + 50 * dayMs, to: start + 51 * dayMs, limit: 10_000 }));
  console.log(`rows(): one key's day ${pageMs.toFixed(1)} ms; a 10,000 row page ${exportMs.toFixed(1)} ms`);

  measureRequestPath(store, `request path, ${ledgerRows.toLocaleString('en')} row ledger`);
  store.close();
  const file = join(directory, databaseFileName);
  const database = new DatabaseSync(file, { readOnly: true });
  const rollupRows = (database.prepare('SELECT count(*) AS count FROM usage_daily').get() as { count: number }).count;
  database.close();
  console.log(`usage() reads a rollup of ${rollupRows.toLocaleString('en')} rows (day x key x team x model x provider); its cost follows that, not the ledger`);
  const megabytes = (fileSize(file) + fileSize(`${file}-wal`)) / 1_048_576;
  console.log(`database size: ${megabytes.toFixed(0)} MiB (${(megabytes * 1_048_576 / ledgerRows).toFixed(0)} bytes per ledger row, indexes and rollup included)`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
