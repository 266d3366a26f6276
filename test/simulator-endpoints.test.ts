// The simulator's endpoints, named in one list (simulatorEndpoints): `modelmux sim` prints them as it
// starts, docs/simulator.md's table lists exactly them, and each one answers (none is a 404).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { simulatorEndpoints, startSimulator } from '../src/simulator/index.ts';
import type { Simulator } from '../src/simulator/index.ts';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;

describe('the simulator\'s endpoints', () => {
  let simulator: Simulator;
  before(async () => {
    simulator = await startSimulator({ port: 0 });
  });
  after(() => simulator.close());

  test('Bedrock and count_tokens are among them', () => {
    assert.ok(simulatorEndpoints.includes('POST /v1/messages/count_tokens'));
    assert.ok(simulatorEndpoints.includes('POST /model/{modelId}/converse'));
    assert.ok(simulatorEndpoints.includes('POST /model/{modelId}/converse-stream'));
  });

  test('modelmux sim names each as it starts', async () => {
    const banner = await simBanner();
    assert.match(banner, /^modelmux simulator listening on http:\/\/127\.0\.0\.1:\d+ /);
    for (const endpoint of simulatorEndpoints) assert.ok(banner.includes(`\n  ${endpoint}`), `${endpoint} is not in the banner:\n${banner}`);
  });

  test('docs/simulator.md lists exactly them', () => {
    const docs = readFileSync(new URL('../docs/simulator.md', import.meta.url), 'utf8');
    const table = docs.slice(docs.indexOf('## Endpoints'), docs.indexOf('\n## ', docs.indexOf('## Endpoints') + 1));
    const listed = table.split('\n').filter((line) => line.startsWith('| `')).flatMap((line) => [...line.split(' | ')[0].matchAll(/`((?:GET|POST) [^`]+)`/g)].map((match) => match[1]));
    assert.deepEqual([...listed].sort(), [...simulatorEndpoints].sort());
  });

  test('each answers', async () => {
    for (const endpoint of simulatorEndpoints) {
      const [method, path] = endpoint.split(' ');
      const url = simulator.url + path.replace('{id}', 'fast').replace('{model}', 'fast').replace('{modelId}', 'fast');
      const response = await fetch(url, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: '{}' });
      await response.arrayBuffer();
      assert.notEqual(response.status, 404, endpoint);
    }
  });
});

/** The first lines `modelmux sim` prints, up to its last endpoint; the process is then ended. */
function simBanner(): Promise<string> {
  const child = spawn(process.execPath, [main, 'sim', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(simulatorEndpoints.at(-1)!)) {
        child.kill('SIGTERM');
        resolve(text);
      }
    });
    child.once('exit', (code) => reject(new Error(`modelmux sim exited (${code}) before naming its endpoints: ${text}`)));
  });
}
