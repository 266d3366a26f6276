// `modelmux serve` on SIGTERM: a stream still running at the end of the grace gets its error event,
// and the process exits 0; a second signal exits at once, without waiting for the drain.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { providerDefinitions } from '../src/providers/definitions/index.ts';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;

interface Served {
  child: ChildProcess;
  url: string;
  /** Resolves with the first log line whose message matches. */
  logged(message: RegExp): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once all its output has been read. */
  closed: Promise<void>;
}

/** `modelmux serve` in demo mode (the simulated provider passes x-sim-* on) with `server:` settings. */
async function serve(server: string): Promise<Served> {
  const directory = mkdtempSync(join(tmpdir(), 'modelmux-shutdown-'));
  const configPath = join(directory, 'modelmux.yaml');
  writeFileSync(configPath, `server:\n${server}`);
  const env: NodeJS.ProcessEnv = { ...process.env, MODELMUX_DISCOVER_LOCAL: '0' };
  for (const definition of providerDefinitions) for (const names of definition.env) for (const name of names.split('|')) delete env[name];
  for (const name of ['PORT', 'HOST', 'MODELMUX_CONFIG', 'MODELMUX_ADMIN_KEY', 'MODELMUX_DATA_DIR']) delete env[name];
  const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--config', configPath, '--data-dir', 'none'], { env, cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: Record<string, unknown>[] = [];
  const waiting: { message: RegExp; resolve: (record: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (buffered + chunk.toString()).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      records.push(record);
      for (const waiter of waiting.filter((candidate) => candidate.message.test(String(record.msg)))) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const logged = (message: RegExp): Promise<Record<string, unknown>> => {
    const found = records.find((record) => message.test(String(record.msg)));
    return found ? Promise.resolve(found) : new Promise((resolve) => waiting.push({ message, resolve }));
  };
  const listening = await Promise.race([logged(/^modelmux listening$/), exited.then(() => null)]);
  assert.ok(listening, 'serve started');
  return { child, url: String(listening.url), logged, exited, closed };
}

test('SIGTERM: the stream still running at the end of the grace gets its error event, and the process exits 0', async () => {
  const served = await serve('  shutdown_drain_ms: 0\n  shutdown_grace_ms: 100\n');
  try {
    const response = await fetch(`${served.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sim-output-tokens': '400', 'x-sim-tokens-per-second': '40' },
      body: JSON.stringify({ model: 'sim/fast', stream: true, messages: [{ role: 'user', content: 'Hello!' }] }),
    });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.ok(!first.done);
    served.child.kill('SIGTERM');
    let text = Buffer.from(first.value!).toString();
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += Buffer.from(part.value).toString();
    assert.match(text, /"code":"server_shutting_down"/);
    assert.deepEqual(await served.exited, { code: 0, signal: null });
    const request = await served.logged(/^request$/);
    assert.equal(request.error_code, 'server_shutting_down');
    // Written just before the process exits: log lines held for the end of the turn are not lost.
    assert.ok(await Promise.race([served.logged(/^shut down$/), served.closed.then(() => null)]), 'the last log line was written');
  } finally {
    served.child.kill('SIGKILL');
  }
});

test('a second signal exits at once, without waiting for the drain', async () => {
  const served = await serve('  shutdown_drain_ms: 60000\n');
  try {
    served.child.kill('SIGTERM');
    const shuttingDown = await served.logged(/^shutting down/);
    assert.equal(shuttingDown.drain_ms, 60_000);
    served.child.kill('SIGINT');
    assert.deepEqual(await served.exited, { code: 130, signal: null });
  } finally {
    served.child.kill('SIGKILL');
  }
});
