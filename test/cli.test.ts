// The command line as a user meets it: `modelmux serve` with no credentials serves the simulated
// demo provider, a broken config stops the start with file, line and fix, and --help / --version.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { builtinCatalog } from '../src/catalog/builtin.ts';
import { providerDefinitions } from '../src/providers/definitions/index.ts';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;

/** The environment without any provider key, so the demo provider is what serves. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const definition of providerDefinitions) for (const names of definition.env) for (const name of names.split('|')) delete env[name];
  env.MODELMUX_DISCOVER_LOCAL = '0';
  delete env.PORT;
  delete env.MODELMUX_CONFIG;
  return env;
}

/** A configuration whose shutdown does not wait for a load balancer: these tests stop serve with SIGTERM. */
function noDrainConfig(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'modelmux-cli-')), 'modelmux.yaml');
  writeFileSync(path, 'server:\n  shutdown_drain_ms: 0\n');
  return path;
}

test('with no credentials, serve starts the labelled simulator and answers the README curl', async () => {
  const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--config', noDrainConfig()], { env: cleanEnvironment(), cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const lines: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${lines.join('\n')}`)), 15_000);
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const line of parts) {
          lines.push(line);
          const record = JSON.parse(line);
          if (record.msg === 'modelmux listening') {
            clearTimeout(timer);
            resolve(record.url);
          }
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${lines.join('\n')}`)));
    });
    assert.ok(lines.some((line) => /SIMULATED demo models/.test(line)), 'the startup log says the models are simulated');
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string; modelmux: { simulated: boolean; description: string } }[] };
    assert.ok(models.data.length >= 1);
    assert.ok(models.data.every((model) => model.id.startsWith('sim/') && model.modelmux.simulated && /simulated/.test(model.modelmux.description)));
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim/fast', messages: [{ role: 'user', content: 'Hello!' }] }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    assert.ok(body.choices[0].message.content.length > 0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});

test('a broken config file stops the start with the file, the line and the fix', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'modelmux-cli-')), 'modelmux.yaml');
  writeFileSync(path, 'providers:\n  - id: a\n    type: openai-compatible\n    base_url: http://127.0.0.1:1/v1\n    modles: []\n');
  const result = spawnSync(process.execPath, [main, 'serve', '--config', path], { env: cleanEnvironment(), encoding: 'utf8', timeout: 15_000 });
  assert.equal(result.status, 1);
  assert.match(result.stderr, new RegExp(`configuration error: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: providers\\[0\\]\\.modles: unknown key "modles"\\. Fix: did you mean "models"\\?`));
});

test('--version and --help answer for every command', () => {
  const version = spawnSync(process.execPath, [main, '--version'], { encoding: 'utf8' });
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  for (const command of ['serve', 'sim', 'bench', 'models', 'route']) {
    const help = spawnSync(process.execPath, [main, command, '--help'], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(help.status, 0, `${command} --help: ${help.stderr}`);
    assert.match(help.stdout, /Usage: modelmux/);
  }
});

test('models prints the offers a configuration serves; route explains a choice, offline or from the running gateway', async () => {
  // Keys make the providers exist; their URLs point at a closed local port so nothing leaves the machine.
  const env = { ...cleanEnvironment(), GROQ_API_KEY: 'gsk-cli-test-key-0123', TOGETHER_API_KEY: 'together-cli-test-key', MODELMUX_GROQ_BASE_URL: 'http://127.0.0.1:9/v1', MODELMUX_TOGETHER_BASE_URL: 'http://127.0.0.1:9/v1' };
  const models = spawnSync(process.execPath, [main, 'models'], { env, cwd: tmpdir(), encoding: 'utf8', timeout: 15_000 });
  assert.equal(models.status, 0, models.stderr);
  assert.match(models.stdout, /meta-llama\/Llama-3\.3-70B-Instruct\s+groq\s+llama-3\.3-70b-versatile\s+0\.590\s+0\.790/);
  assert.doesNotMatch(models.stdout, /gsk-cli-test-key/);

  const offline = spawnSync(process.execPath, [main, 'route', 'llama-3.3-70b:cheapest', '--offline', '--prompt-tokens', '150000'], { env, cwd: tmpdir(), encoding: 'utf8', timeout: 15_000 });
  assert.equal(offline.status, 0, offline.stderr);
  assert.match(offline.stdout, /offline/);
  assert.match(offline.stdout, /excluded groq \(meta-llama\/Llama-3\.3-70B-Instruct\): the prompt \(~150000 tokens, estimated\) does not fit its context window of 131072 tokens/);

  const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--config', noDrainConfig()], { env, cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const listening = await new Promise<{ url: string; providers: string[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no listening line')), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (line.includes('"modelmux listening"')) {
            clearTimeout(timer);
            resolve(JSON.parse(line));
          }
        }
      });
    });
    const url = listening.url;
    // A provider configured by its key alone serves what the catalog offers through it.
    const catalogued = (provider: string): number => builtinCatalog.models.filter((model) => model.offers.some((offer) => offer.provider === provider)).length;
    assert.ok(catalogued('groq') > 0);
    assert.ok(listening.providers.includes(`groq (${catalogued('groq')} models)`), listening.providers.join('; '));
    assert.ok(listening.providers.includes(`together (${catalogued('together')} models)`), listening.providers.join('; '));
    const live = spawn(process.execPath, [main, 'route', 'llama-3.3-70b', '--url', url, '--sort', 'price'], { env, cwd: tmpdir() });
    let output = '';
    live.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const status = await new Promise((resolve) => live.once('exit', resolve));
    assert.equal(status, 0);
    assert.match(output, new RegExp(`live, from ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(output, /1\s+groq\s+llama-3\.3-70b-versatile/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
