// The command line as a user meets it: `modelmux serve` with no credentials serves the simulated
// demo provider, a broken config stops the start with file, line and fix, and --help / --version.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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

test('with no credentials, serve starts the labelled simulator and answers the README curl', async () => {
  const child = spawn(process.execPath, [main, 'serve', '--port', '0'], { env: cleanEnvironment(), cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
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
  for (const command of ['serve', 'sim', 'bench']) {
    const help = spawnSync(process.execPath, [main, command, '--help'], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(help.status, 0, `${command} --help: ${help.stderr}`);
    assert.match(help.stdout, /Usage: modelmux/);
  }
});
