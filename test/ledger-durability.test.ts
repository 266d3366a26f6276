// kill -9 under load: a real `modelmux serve` process answers streamed and whole requests from eight
// clients at once and is killed with SIGKILL mid-flight. Reopened, its ledger has a request row for
// every response a client received in full: rows are committed before a response's last byte leaves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/store/sqlite.ts';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const clients = 8;
const killAfter = 300;

test('kill -9 under load loses no row of a completed request', async (context) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelmux-kill-'));
  context.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.endsWith('_API_KEY') && !name.startsWith('MODELMUX_')));
  const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd: dataDir,
    env: { ...environment, MODELMUX_DISCOVER_LOCAL: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  context.after(() => child.kill('SIGKILL'));
  const baseUrl = await listeningUrl(child.stdout!, child.stderr!);

  const completed: string[] = [];
  let killed = false;
  const worker = async (index: number): Promise<void> => {
    for (let request = 0; !killed; request++) {
      const stream = (index + request) % 2 === 0;
      try {
        const response = await fetch(`${baseUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-sim-ttft-ms': '0', 'x-sim-tokens-per-second': '0' },
          body: JSON.stringify({ model: 'sim/fast', messages: [{ role: 'user', content: `request ${index}-${request}` }], stream }),
        });
        const body = await response.text();
        if (response.status === 200 && (stream ? body.includes('[DONE]') : body.endsWith('}'))) completed.push(response.headers.get('x-request-id')!);
      } catch {
        // Cut off by the kill: not completed, so not owed a row.
      }
      if (!killed && completed.length >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, index) => worker(index)));
  assert.equal(await exited, 'SIGKILL');

  const store = openSqliteStore(dataDir);
  try {
    const recorded = new Set(store.rows({ from: 0, to: Date.now() + 60_000, limit: 1_000_000 }).filter((row) => row.kind === 'request' && row.status === 200).map((row) => row.requestId));
    const missing = completed.filter((requestId) => !recorded.has(requestId));
    assert.ok(completed.length >= killAfter);
    assert.deepEqual(missing, [], `${missing.length} of ${completed.length} completed requests have no row`);
  } finally {
    store.close();
  }
});

/** The address from the "modelmux listening" log line. */
function listeningUrl(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the gateway did not start: ${output}`)), 20_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        // Keep draining the access log, so a full pipe never stalls the gateway.
        stdout.off('data', read);
        stderr.off('data', read);
        stdout.resume();
        stderr.resume();
        resolve(match[1]);
      }
    };
    stdout.on('data', read);
    stderr.on('data', read);
  });
}
