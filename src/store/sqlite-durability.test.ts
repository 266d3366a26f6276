// "A row is durable before the client's response ends; kill -9 under load loses none." A child
// process settles requests as fast as it can and prints each request id only after settle() returns;
// it is killed with SIGKILL mid-loop, and every id it printed must then be in the ledger. The money it
// had reserved and never settled must be free again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { openSqliteStore } from './sqlite.ts';
import { keyRecord, noon, requestRows, temporaryDirectory } from './test-fixtures.ts';

const childScript = (storeModule: string, fixturesModule: string) => `
import { writeSync } from 'node:fs';
import { openSqliteStore } from ${JSON.stringify(storeModule)};
import { requestRows } from ${JSON.stringify(fixturesModule)};

const store = openSqliteStore(process.argv[2]);
const held = store.reserve('key-1', 900, ${noon});
if (!held.ok) throw new Error('the child could not reserve');
writeSync(1, 'reserved\\n');
for (let index = 0; ; index++) {
  const requestId = 'child-' + index;
  store.settle(null, requestRows({ keyId: 'key-1', requestId, at: ${noon} + index, costUnits: 1 }));
  writeSync(1, requestId + '\\n');
}
`;

test('a process killed with SIGKILL mid-load loses no settled row and holds no money', { timeout: 60_000 }, async (context) => {
  const directory = temporaryDirectory(context);
  const store = openSqliteStore(directory, { now: () => noon });
  store.createKey(keyRecord({ id: 'key-1', budget: { limitUnits: 1_000_000, period: 'total', hard: true } }));
  store.settle(null, requestRows({ keyId: 'key-1', requestId: 'before-the-child', costUnits: 1 }));
  store.close();

  const script = join(directory, 'settle-until-killed.mjs');
  writeFileSync(script, childScript(pathToFileURL(join(import.meta.dirname, 'sqlite.ts')).href, pathToFileURL(join(import.meta.dirname, 'test-fixtures.ts')).href));
  const child = spawn(process.execPath, [script, directory], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const ended = new Promise<NodeJS.Signals | null>((resolve) => {
    child.on('close', (_code, signal) => resolve(signal));
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    // Enough settled to be "under load"; kill without warning, whatever it is in the middle of.
    // 501 whole lines: "reserved" and 500 settled ids.
    if (output.split('\n').length > 501) child.kill('SIGKILL');
  });
  const signal = await ended;
  assert.equal(signal, 'SIGKILL', `the child should die by SIGKILL, not on its own: ${errors}`);

  // Only whole lines: the last may have been cut by the kill.
  const lines = output.split('\n').slice(0, -1);
  assert.equal(lines[0], 'reserved');
  const printed = lines.slice(1);
  assert.ok(printed.length >= 500, `the child settled ${printed.length} requests before it died`);

  const reopened = openSqliteStore(directory, { now: () => noon });
  context.after(() => reopened.close());
  const stored = new Set<string>();
  let after: number | undefined;
  for (;;) {
    const page = reopened.rows({ from: 0, to: Number.MAX_SAFE_INTEGER, after, limit: 1_000 });
    if (page.length === 0) break;
    for (const row of page) if (row.kind === 'request') stored.add(row.requestId);
    after = page[page.length - 1].id;
  }
  assert.ok(stored.has('before-the-child'));
  const missing = printed.filter((requestId) => !stored.has(requestId));
  assert.deepEqual(missing, [], 'every request the child reported settled is in the ledger');
  assert.equal(reopened.spend('key-1', noon).reservedUnits, 0, 'the dead child\'s reservation is released');
  assert.equal(reopened.spend('key-1', noon).spentUnits, stored.size, 'spend matches the ledger: one unit per request');
});
