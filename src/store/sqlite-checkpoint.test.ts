// The ledger's once-a-second checkpoint: the WAL is flushed on libuv's thread pool first, then copied
// into the database file on the event loop; nothing of it is left open or running once the store closes.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { databaseFileName, openSqliteStore } from './sqlite.ts';
import { noon, requestRows, temporaryDirectory } from './test-fixtures.ts';

/** Descriptors this process holds on the WAL file (SQLite's own while the store is open). */
function walDescriptors(file: string): number {
  return readdirSync('/proc/self/fd').filter((descriptor) => {
    try {
      return readlinkSync(`/proc/self/fd/${descriptor}`).startsWith(`${file}-wal`);
    } catch {
      return false;
    }
  }).length;
}

/** Waits for the flush on the thread pool: looked for every 5 ms, for up to ten seconds. */
async function until(done: () => boolean): Promise<void> {
  for (let look = 0; look < 2_000 && !done(); look++) await new Promise((resolve) => setTimeout(resolve, 5));
}

test('the checkpoint runs after the timer\'s turn, once the WAL is flushed, and copies the rows into the database file', async (context) => {
  context.mock.timers.enable({ apis: ['setInterval'] });
  const directory = temporaryDirectory(context);
  const store = openSqliteStore(directory, { now: () => noon });
  const file = join(directory, databaseFileName);
  for (let index = 0; index < 500; index++) store.settle(null, requestRows({ requestId: `request-${index}`, at: noon + index }));
  // Settled rows wait in the WAL; the database file holds them only after a checkpoint.
  const before = statSync(file).size;
  context.mock.timers.tick(1_000);
  assert.equal(statSync(file).size, before, 'nothing is copied on the event loop before the WAL is flushed');
  await until(() => statSync(file).size > before);
  assert.ok(statSync(file).size > before, `the database file grew from ${before} bytes`);
  store.close();
  assert.equal(walDescriptors(file), 0, 'no descriptor left on the WAL');
});

test('a store closed while its WAL is being flushed closes cleanly and leaves no descriptor open', async (context) => {
  context.mock.timers.enable({ apis: ['setInterval'] });
  const directory = temporaryDirectory(context);
  const file = join(directory, databaseFileName);
  const store = openSqliteStore(directory, { now: () => noon });
  store.settle(null, requestRows({ requestId: 'request-1' }));
  context.mock.timers.tick(1_000);
  store.close();
  // The flush finishes after the close; its checkpoint finds the database closed and does nothing.
  await until(() => walDescriptors(file) === 0);
  assert.equal(walDescriptors(file), 0, 'the flush closed its descriptor');
  const reopened = openSqliteStore(directory, { now: () => noon });
  assert.equal(reopened.rows({ from: 0, to: noon + 1_000, limit: 10 }).filter((row) => row.requestId === 'request-1').length, 2);
  reopened.close();
});
