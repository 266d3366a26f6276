// The command line as a user meets it, run in process from an empty directory: `modelmux serve` with
// no credentials serves the simulated demo provider, a broken config stops the start with file, line
// and fix, and --help / --version. (Signals and a real process: test/ledger-durability.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { builtinCatalog } from '../src/catalog/builtin.ts';
import { serve } from '../src/cli/serve.ts';
import { capturedIo, cli } from './cli-io.ts';

// Defaults that read the working directory (./modelmux.yaml, an older ./.modelmux) meet an empty one,
// and the user's data directory (the ledger's default home) is one of the test's own.
const startedIn = process.cwd();
const directory = mkdtempSync(join(tmpdir(), 'modelmux-cli-'));
const dataHome = join(directory, 'data-home');
before(() => process.chdir(directory));
after(() => {
  process.chdir(startedIn);
  rmSync(directory, { recursive: true, force: true });
});

/** No provider key at all, and no probing of local model servers: the demo provider is what serves. */
const cleanEnvironment = { MODELMUX_DISCOVER_LOCAL: '0', XDG_DATA_HOME: dataHome };

test('with no credentials, serve starts the labelled simulator and answers the README curl', async () => {
  const io = capturedIo(cleanEnvironment);
  const serving = await serve(['--port', '0'], io);
  assert.ok(typeof serving !== 'number', io.stderr);
  try {
    const lines = io.stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; url?: string; data_dir?: string });
    const listening = lines.find((line) => line.msg === 'modelmux listening');
    assert.equal(listening?.url, serving.url);
    // The ledger lives in the user's data directory, whatever folder serve was started from.
    assert.equal(listening?.data_dir, join(dataHome, 'modelmux'));
    assert.ok(lines.some((line) => /SIMULATED demo models/.test(line.msg)), 'the startup log says the models are simulated');
    const models = (await (await fetch(`${serving.url}/v1/models`)).json()) as { data: { id: string; modelmux: { simulated: boolean; description: string } }[] };
    assert.ok(models.data.length >= 1);
    assert.ok(models.data.every((model) => model.id.startsWith('sim/') && model.modelmux.simulated && /simulated/.test(model.modelmux.description)));
    const response = await fetch(`${serving.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim/fast', messages: [{ role: 'user', content: 'Hello!' }] }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    assert.ok(body.choices[0].message.content.length > 0);
  } finally {
    await serving.close(0);
  }
});

test('with keys on, the start\'s lines are written by the time serve returns (none is held back)', async () => {
  const io = capturedIo({ ...cleanEnvironment, MODELMUX_ADMIN_KEY: 'mm-admin-cli-test-key-0123456789' });
  const serving = await serve(['--port', '0', '--data-dir', join(directory, 'keys-on')], io);
  assert.ok(typeof serving !== 'number', io.stderr);
  try {
    const messages = io.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
    assert.ok(messages.includes('modelmux listening'), io.stdout);
    assert.ok(messages.some((message) => message.startsWith('virtual keys on')), io.stdout);
    assert.ok(!/mm-admin-cli-test-key/.test(io.stdout), 'the admin key is not logged');
  } finally {
    await serving.close(0);
  }
});

test('a broken config file stops the start with the file, the line and the fix', async () => {
  const path = join(directory, 'broken.yaml');
  writeFileSync(path, 'providers:\n  - id: a\n    type: openai-compatible\n    base_url: http://127.0.0.1:1/v1\n    modles: []\n');
  const result = await cli(['serve', '--config', path], cleanEnvironment);
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`configuration error: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: providers\\[0\\]\\.modles: unknown key "modles"\\. Fix: did you mean "models"\\?`));
});

test('--version and --help answer for every command', async () => {
  const version = await cli(['--version']);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  for (const command of ['serve', 'sim', 'bench', 'models', 'route']) {
    const help = await cli([command, '--help']);
    assert.equal(help.code, 0, `${command} --help: ${help.stderr}`);
    assert.match(help.stdout, /Usage: modelmux/);
  }
});

test('models prints the offers a configuration serves; route explains a choice, offline or from the running gateway', async () => {
  // Keys make the providers exist; their URLs point at a closed local port so nothing leaves the machine.
  const env = { ...cleanEnvironment, GROQ_API_KEY: 'gsk-cli-test-key-0123', TOGETHER_API_KEY: 'together-cli-test-key', MODELMUX_GROQ_BASE_URL: 'http://127.0.0.1:9/v1', MODELMUX_TOGETHER_BASE_URL: 'http://127.0.0.1:9/v1' };
  const models = await cli(['models'], env);
  assert.equal(models.code, 0, models.stderr);
  assert.match(models.stdout, /meta-llama\/Llama-3\.3-70B-Instruct\s+groq\s+llama-3\.3-70b-versatile\s+0\.590\s+0\.790/);
  assert.doesNotMatch(models.stdout, /gsk-cli-test-key/);

  const offline = await cli(['route', 'llama-3.3-70b:cheapest', '--offline', '--prompt-tokens', '150000'], env);
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stdout, /offline/);
  assert.match(offline.stdout, /excluded groq \(meta-llama\/Llama-3\.3-70B-Instruct\): the prompt \(~150000 tokens, estimated\) does not fit its context window of 131072 tokens/);

  const io = capturedIo(env);
  const serving = await serve(['--port', '0'], io);
  assert.ok(typeof serving !== 'number', io.stderr);
  try {
    // A provider configured by its key alone serves what the catalog offers through it.
    const listening = io.stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; providers?: string[] }).find((line) => line.msg === 'modelmux listening');
    const catalogued = (provider: string): number => builtinCatalog.models.filter((model) => model.offers.some((offer) => offer.provider === provider)).length;
    assert.ok(catalogued('groq') > 0);
    assert.ok(listening?.providers?.includes(`groq (${catalogued('groq')} models)`), listening?.providers?.join('; '));
    assert.ok(listening?.providers?.includes(`together (${catalogued('together')} models)`), listening?.providers?.join('; '));
    const live = await cli(['route', 'llama-3.3-70b', '--url', serving.url, '--sort', 'price'], env);
    assert.equal(live.code, 0, live.stderr);
    assert.match(live.stdout, new RegExp(`live, from ${serving.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(live.stdout, /1\s+groq\s+llama-3\.3-70b-versatile/);
  } finally {
    await serving.close(0);
  }
});
