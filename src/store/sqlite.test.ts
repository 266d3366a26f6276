// The SQLite store's keys: their lifecycle, that they survive a reopen, and that the secret a client
// holds never reaches the database file (only its hash does). Budgets, durability and usage have
// their own test files.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import { migrations } from './sqlite-schema.ts';
import { databaseFileName, openSqliteStore } from './sqlite.ts';
import { keyRecord, noon, requestRows, temporaryDirectory } from './test-fixtures.ts';

// Long only as a suite: the block groups short tests, each a function of its own.
describe('SQLite store: keys', () => {
  test('creates the directory and a WAL database with the schema version set', (context) => {
    const directory = join(temporaryDirectory(context), 'nested', '.modelmux');
    openSqliteStore(directory).close();
    const database = new DatabaseSync(join(directory, databaseFileName));
    assert.equal((database.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    assert.equal((database.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, migrations.length);
    database.close();
    openSqliteStore(directory).close();
  });

  test('refuses a database from a newer modelmux', (context) => {
    const directory = temporaryDirectory(context);
    openSqliteStore(directory).close();
    const database = new DatabaseSync(join(directory, databaseFileName));
    database.exec('PRAGMA user_version = 99');
    database.close();
    assert.throws(() => openSqliteStore(directory), /schema is version 99/);
  });

  test('create, find by hash and by id, list by team, update, revoke; all of it survives a reopen', (context) => {
    const directory = temporaryDirectory(context);
    const store = openSqliteStore(directory);
    const first = keyRecord({
      id: 'key-1', hash: 'hash-1', team: 'research', name: 'notebooks', allowedModels: ['openai/*', 'claude-*'],
      budget: { limitUnits: 500_000_000, period: 'month', hard: true }, creditsUnits: 2_000_000_000, requestsPerMinute: 60,
      tokensPerMinute: 100_000, expiresAt: noon + 86_400_000, metadata: { owner: 'ana' }, commercialUse: true,
    });
    store.createKey(first);
    store.createKey(keyRecord({ id: 'key-2', hash: 'hash-2', team: 'research', createdAt: noon + 1 }));
    store.createKey(keyRecord({ id: 'key-3', hash: 'hash-3', team: 'sales', createdAt: noon + 2 }));

    assert.deepEqual(store.keyByHash('hash-1'), first);
    assert.deepEqual(store.key('key-1'), first);
    assert.equal(store.keyByHash('no-such-hash'), null);
    assert.equal(store.key('no-such-key'), null);
    assert.deepEqual(store.keys().map((key) => key.id), ['key-1', 'key-2', 'key-3']);
    assert.deepEqual(store.keys({ team: 'research' }).map((key) => key.id), ['key-1', 'key-2']);
    assert.throws(() => store.createKey(keyRecord({ id: 'key-4', hash: 'hash-1' })), /UNIQUE/, 'a hash belongs to one key');

    const updated = store.updateKey('key-2', { name: 'ci', budget: { limitUnits: 0, period: 'day', hard: false }, metadata: { ticket: 'X-1' } });
    assert.deepEqual(updated, { ...keyRecord({ id: 'key-2', hash: 'hash-2', team: 'research', createdAt: noon + 1 }), name: 'ci', budget: { limitUnits: 0, period: 'day', hard: false }, metadata: { ticket: 'X-1' } });
    assert.deepEqual(store.key('key-2'), updated);
    assert.equal(store.updateKey('no-such-key', { name: 'x' }), null);
    assert.deepEqual(store.updateKey('key-2', { budget: null })?.budget, null, 'a budget can be removed');

    assert.equal(store.revokeKey('key-3', noon + 10), true);
    assert.equal(store.revokeKey('key-3', noon + 20), true);
    assert.equal(store.key('key-3')?.revokedAt, noon + 10, 'revoking again keeps the first time');
    assert.equal(store.revokeKey('no-such-key', noon), false);
    assert.deepEqual(store.keys().map((key) => key.id), ['key-1', 'key-2']);
    assert.deepEqual(store.keys({ includeRevoked: true }).map((key) => key.id), ['key-1', 'key-2', 'key-3']);
    assert.deepEqual(store.keys({ team: 'sales', includeRevoked: true }).map((key) => key.id), ['key-3']);
    assert.equal(store.keyByHash('hash-3')?.revokedAt, noon + 10, 'auth still finds a revoked key, to say why it fails');
    const before = store.keys({ includeRevoked: true });
    store.close();

    const reopened = openSqliteStore(directory);
    assert.deepEqual(reopened.keys({ includeRevoked: true }), before);
    reopened.close();
  });

  test('refuses money that is not whole units', (context) => {
    const store = openSqliteStore(temporaryDirectory(context));
    assert.throws(() => store.createKey(keyRecord({ budget: { limitUnits: 1.5, period: 'day', hard: true } })), RangeError);
    assert.throws(() => store.createKey(keyRecord({ creditsUnits: 0.1 })), RangeError);
    store.createKey(keyRecord());
    assert.throws(() => store.updateKey('key-1', { budget: { limitUnits: 10, period: 'week' as 'day', hard: true } }), RangeError);
    assert.throws(() => store.settle(null, requestRows({ costUnits: 0.5 })), RangeError);
    assert.deepEqual(store.rows({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 }), [], 'a refused settle writes nothing');
    store.close();
  });

  test('refuses times a Date cannot hold, but a key already holding one can still be changed', (context) => {
    const directory = temporaryDirectory(context);
    const store = openSqliteStore(directory);
    for (const expiresAt of [1e308, -1e308, 8.64e15 + 1, noon + 0.5, Infinity]) {
      assert.throws(() => store.createKey(keyRecord({ expiresAt })), RangeError, String(expiresAt));
    }
    assert.throws(() => store.createKey(keyRecord({ createdAt: 9e15 })), RangeError);
    assert.deepEqual(store.keys({ includeRevoked: true }), []);
    store.createKey(keyRecord());
    assert.throws(() => store.updateKey('key-1', { expiresAt: 1e308 }), RangeError);
    const database = new DatabaseSync(join(directory, databaseFileName));
    database.prepare('UPDATE keys SET expires_at = 1e308').run();
    database.close();
    assert.equal(store.updateKey('key-1', { name: 'renamed' })?.name, 'renamed', 'only what changes is checked');
    assert.equal(store.updateKey('key-1', { expiresAt: null })?.expiresAt, null);
    store.close();
  });

  test('the database file never contains the secret key, only its hash', (context) => {
    const directory = temporaryDirectory(context);
    const secret = `mm-live-${randomBytes(24).toString('hex')}`;
    const hash = createHash('sha256').update(secret).digest('hex');
    const store = openSqliteStore(directory);
    store.createKey(keyRecord({ id: 'key-1', hash, prefix: secret.slice(0, 12) }));
    store.settle(null, requestRows({ keyId: 'key-1', costUnits: 10 }));
    const file = join(directory, databaseFileName);
    const contents = () => Buffer.concat([file, `${file}-wal`].filter(existsSync).map((path) => readFileSync(path)));
    assert.ok(existsSync(`${file}-wal`), 'the WAL is searched too, while it holds the latest writes');
    assert.ok(contents().includes(hash), 'the search itself works: the hash is there');
    assert.equal(contents().includes(secret), false);
    assert.equal(contents().includes(secret.slice(12)), false, 'nor its secret part');
    store.close();
    assert.equal(contents().includes(secret), false);
  });
});

describe('a batch of settlements', () => {
  test('adds up to what the same settlements add one by one: rollup, spend and credits', (context) => {
    const settlements = (index: number) => [
      { reservationId: null, rows: requestRows({ requestId: `a-${index}`, costUnits: 10, inputTokens: 100 }) },
      { reservationId: null, rows: requestRows({ requestId: `b-${index}`, costUnits: 20, outputTokens: 7 }) },
      { reservationId: null, rows: requestRows({ requestId: `c-${index}`, model: 'model-b', costUnits: 5, status: 502, errorClass: 'upstream_error' }) },
      { reservationId: null, rows: requestRows({ requestId: `d-${index}`, keyId: 'key-2', costUnits: 1 }) },
    ];
    const figures = (batched: boolean) => {
      const store = openSqliteStore(temporaryDirectory(context));
      store.createKey(keyRecord({ id: 'key-1', creditsUnits: 1_000, budget: { limitUnits: 10_000, period: 'month', hard: true } }));
      store.createKey(keyRecord({ id: 'key-2', hash: 'hash-2' }));
      for (let index = 0; index < 3; index++) {
        if (batched) store.settleAll(settlements(index));
        else for (const settlement of settlements(index)) store.settle(null, settlement.rows);
      }
      const result = {
        usage: store.usage({ from: 0, to: noon * 2, groupBy: ['key', 'model', 'day'] }),
        spend: store.spend('key-1', noon),
        rows: store.rows({ from: 0, to: noon * 2, limit: 100 }).length,
      };
      store.close();
      return result;
    };
    const batched = figures(true);
    assert.deepEqual(batched, figures(false));
    assert.equal(batched.rows, 24);
    assert.equal(batched.spend.spentUnits, 105);
    assert.equal(batched.spend.creditsUnits, 1_000 - 105);
    const modelA = batched.usage.find((row) => row.key === 'key-1' && row.model === 'model-a');
    assert.equal(modelA?.requests, 6);
    assert.equal(modelA?.costUnits, 90);
    assert.equal(batched.usage.find((row) => row.model === 'model-b')?.errors, 3);
  });
});
