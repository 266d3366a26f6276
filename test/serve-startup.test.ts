// `modelmux serve` when it cannot start: a clear error and a non-zero exit, even in demo mode where
// an in-process simulator is already running, and no open gateway on a name that only looks local.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { providerDefinitions } from '../src/providers/definitions/index.ts';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;

/** No provider key and no local discovery: the simulated demo provider is what would serve. */
function demoEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const definition of providerDefinitions) for (const names of definition.env) for (const name of names.split('|')) delete env[name];
  for (const name of ['PORT', 'HOST', 'MODELMUX_CONFIG', 'MODELMUX_ADMIN_KEY', 'MODELMUX_DATA_DIR']) delete env[name];
  env.MODELMUX_DISCOVER_LOCAL = '0';
  return { ...env, ...extra };
}

/** Runs `modelmux serve` and waits for it to exit; a serve still running after the limit is killed
 * and reported as such (the failure these tests guard against is a serve that never exits). */
function serve(args: string[], env = demoEnvironment()): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, 'serve', ...args], { env, cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

test('demo mode exits with a clear error when the port is taken', async () => {
  const occupant = createServer();
  await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = occupant.address() as AddressInfo;
    const result = await serve(['--port', String(port), '--host', '127.0.0.1', '--data-dir', 'none']);
    assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
  } finally {
    occupant.close();
  }
});

test('demo mode exits with a clear error when the host does not resolve', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelmux-serve-'));
  const env = demoEnvironment({ MODELMUX_ADMIN_KEY: 'admin-key-for-the-startup-test' });
  const result = await serve(['--port', '0', '--host', 'no-such-host.invalid', '--data-dir', dataDir], env);
  assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
  assert.match(result.stderr, /no-such-host\.invalid/);
});

test('demo mode exits with the error when the data directory cannot be opened', async () => {
  const notADirectory = join(mkdtempSync(join(tmpdir(), 'modelmux-serve-')), 'a-file');
  writeFileSync(notADirectory, '');
  const result = await serve(['--port', '0', '--data-dir', join(notADirectory, 'data')]);
  assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
  assert.match(result.stderr, /^modelmux: /m);
});

test('an open gateway refuses a host name that only starts like a loopback address', async () => {
  const result = await serve(['--port', '0', '--host', '127.evil.example', '--data-dir', 'none']);
  assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
  assert.match(result.stderr, /refusing to serve on 127\.evil\.example without an admin key/);
});

test('serve relaunches itself once with a capped young generation, no allocation-site pretenuring, two malloc arenas, Node\'s compile cache, written at start, and a 32 MiB ballast outside the heap', async () => {
  const temporary = mkdtempSync(join(tmpdir(), 'modelmux-relaunch-'));
  const env = demoEnvironment({ TMPDIR: temporary });
  delete env.NODE_COMPILE_CACHE;
  delete env.NODE_OPTIONS;
  delete env.MALLOC_ARENA_MAX;
  const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', 'none'], { env, cwd: temporary, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let output = '';
    const listening = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      const look = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('modelmux listening')) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.on('exit', () => resolve(false));
    });
    assert.ok(listening, 'the gateway started');
    const commandLine = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(commandLine.includes('--max-semi-space-size=4'), commandLine.join(' '));
    assert.ok(commandLine.includes('--no-allocation-site-pretenuring'), commandLine.join(' '));
    assert.ok(commandLine.includes('--invocation-count-for-turbofan=1000'), commandLine.join(' '));
    const environment = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
    assert.ok(environment.includes('MALLOC_ARENA_MAX=2'), 'two malloc arenas');
    // The ballast (src/cli/main.ts): memory held outside V8's heap, as /metrics reports it.
    const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
    assert.ok(url, output);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const external = Number(/^nodejs_external_memory_bytes (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(external >= 32 * 1024 * 1024, `external memory ${external}`);
    // Written just after the line that says it listens: looked for a few times, 20 ms apart.
    const cache = join(temporary, 'modelmux-compile-cache');
    const written = (): boolean => existsSync(cache) && readdirSync(cache, { recursive: true }).length > 1;
    for (let look = 0; look < 50 && !written(); look++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(written(), 'the compile cache was written once the gateway listened');
  } finally {
    child.kill('SIGKILL');
    rmSync(temporary, { recursive: true, force: true });
  }
});
