// A comparison's progress: POST /v1/compare with `stream: true` sends an event as each model answers
// and each persona finishes, then the comparison (or the error); `modelmux compare` shows those
// steps on stderr as they come, takes --timeout and --provider, and `compare show` lists the votes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run as compare } from '../src/cli/compare.ts';
import type { Comparison } from '../src/compare/compare.ts';
import { defaultTimeouts } from '../src/config/types.ts';
import { startSimulator } from '../src/simulator/index.ts';
import type { Simulator } from '../src/simulator/index.ts';
import { captureCli } from './cli-capture.ts';
import { provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

interface Event {
  name: string;
  data: any;
}

function parseEvents(text: string): Event[] {
  return text.split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const name = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
    const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
    return { name, data };
  });
}

describe('comparison progress', () => {
  let stack: Stack;
  let stalled: Simulator;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelmux-compare-progress-'));
    // A provider that never answers, for --timeout.
    stalled = await startSimulator({ knobs: { fault: 'stall' } });
    stack = await startStack({ dataDir, routing: { maxAttempts: 1 }, extraProviders: [provider('stalled', `${stalled.url}/v1`, defaultTimeouts, [{ id: 'stalled-model', upstream: 'x' }])] });
  });
  after(async () => {
    await stack.close();
    await stalled.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const postCompare = (body: Record<string, unknown>) =>
    fetch(`${stack.baseUrl}/v1/compare`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('stream: true sends started, each answer, the panel, each review, then the comparison', async () => {
    const response = await postCompare({ models: ['sim/fast', 'test-model'], prompt: 'Which database for a todo app?', stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = parseEvents(await response.text());
    assert.deepEqual(events.map((event) => event.name), ['started', 'answer', 'answer', 'panel', 'review', 'review', 'review', 'review', 'review', 'comparison']);
    const [started] = events;
    assert.deepEqual(started.data.models, ['sim/fast', 'test-model']);
    assert.deepEqual(started.data.personas, ['builder', 'skeptic', 'futurist', 'creator', 'founder']);
    assert.deepEqual(events.filter((event) => event.name === 'answer').map((event) => event.data.model).sort(), ['sim/fast', 'test-model']);
    assert.deepEqual(events[3].data, { type: 'panel', judge: 'sim/fast', reviews: 5 });
    const comparison = events.at(-1)!.data as Comparison;
    assert.equal(comparison.id, started.data.id);
    assert.equal(comparison.stored, true);
    assert.equal(comparison.reviews.length, 5);
  });

  it('a failure after the stream began ends it with an error event', async () => {
    const response = await postCompare({ models: ['nope/a', 'nope/b'], prompt: 'Hello?', stream: true });
    assert.equal(response.status, 200);
    const events = parseEvents(await response.text());
    assert.deepEqual(events.map((event) => event.name), ['started', 'answer', 'answer', 'error']);
    assert.equal(events.at(-1)!.data.error.code, 'no_answers');
  });

  it('a mistake in the request is still a plain 400, and stream must be a boolean', async () => {
    const response = await postCompare({ models: ['sim/fast', 'test-model'], prompt: 'Hello?', stream: 'yes' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as any).error.param, 'stream');
  });

  it('modelmux compare reports each answer and review on stderr, and prints the result on stdout', async () => {
    const result = await captureCli(compare, ['--url', stack.baseUrl, '--models', 'sim/fast,test-model', 'Which database for a todo app?']);
    assert.equal(result.exitCode, undefined, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.match(lines[0], /^cmp_\S+: 2 models, 1 prompt, then the default panel \(builder, skeptic, futurist, creator, founder\)$/);
    assert.deepEqual(lines.slice(1, 3).map((line) => line.replace(/\d+ ms$/, 'N ms')).sort(), ['  sim/fast answered in N ms', '  test-model answered in N ms']);
    assert.equal(lines[3], '  panel: 5 reviews on sim/fast');
    assert.equal(lines.slice(4).filter((line) => /^ {2}\w+ reviewed in \d+ ms$/.test(line)).length, 5);
    assert.match(result.stdout, /Which one should you ship with\?/);
    assert.doesNotMatch(result.stdout, /answered in/);
  });

  it('--provider keeps every call to those providers', async () => {
    const kept = await captureCli(compare, ['--url', stack.baseUrl, '--models', 'test-model,echo-model', '--provider', 'sim', '--panel', 'none', 'Hello?']);
    assert.equal(kept.exitCode, undefined, kept.stderr);
    const refused = await captureCli(compare, ['--url', stack.baseUrl, '--models', 'test-model,echo-model', '--provider', '{"only":["stalled"]}', '--panel', 'none', 'Hello?']);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /no model answered/);
  });

  it('--timeout bounds each call', async () => {
    const result = await captureCli(compare, ['--url', stack.baseUrl, '--models', 'test-model,stalled-model', '--timeout', '1s', '--panel', 'none', 'Hello?']);
    assert.equal(result.exitCode, undefined, result.stderr);
    assert.match(result.stderr, /stalled-model failed: .*(timed out|timeout)/i);
    const wrong = await captureCli(compare, ['--url', stack.baseUrl, '--models', 'a,b', '--timeout', '500ms', 'Hello?']);
    assert.equal(wrong.exitCode, 2);
    assert.match(wrong.stderr, /--timeout takes a duration from 1s to 10m/);
  });

  it('compare show lists the votes and their tally', async () => {
    const run = (await (await postCompare({ models: ['sim/fast', 'test-model'], prompt: 'Tabs or spaces?', panel: 'none' })).json()) as Comparison;
    for (const vote of [{ winner: 'test-model', voter: 'ana', note: 'shorter' }, { winner: 'test-model', voter: 'bo' }, { winner: 'tie' }]) {
      const response = await fetch(`${stack.baseUrl}/v1/compare/${run.id}/votes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(vote) });
      assert.equal(response.status, 201);
    }
    const shown = await captureCli(compare, ['--url', stack.baseUrl, 'show', run.id]);
    assert.equal(shown.exitCode, undefined, shown.stderr);
    assert.match(shown.stdout, /^Votes \(3\): test-model 2, tie 1$/m);
    assert.match(shown.stdout, /^\S+ \S+\s+test-model\s+ana\s+shorter$/m);
    assert.match(shown.stdout, /^\S+ \S+\s+tie\s+-\s*$/m);
  });
});
