// Every request example in README.md and docs/*.md runs against a gateway on the simulator: curl
// commands, `POST /path` blocks, JSON request bodies and the `openai` / `@anthropic-ai/sdk`
// snippets (docs-examples.ts reads them). The simulator plays the providers the docs name (OpenAI,
// Anthropic, Gemini, Groq) and the demo's sim/* models, so a model id the catalog does not know, a
// field the gateway refuses or a judge it cannot read fails here. A block that only a real provider
// can answer says so with `<!-- needs: real provider -->` before it. An inline `claude --model X`
// replays the requests captured from Claude Code (test/fixtures/clients) with model X.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { readClientFixtures } from './clients/fixtures.ts';
import { readAnthropicStream } from './clients/streams.ts';
import { claudeCodeExamples, examplesIn, fencedBlocks } from './docs-examples.ts';
import type { DocBlock, HttpExample, SdkExample } from './docs-examples.ts';
import { provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const root = new URL('../', import.meta.url);
const files = ['README.md', ...readdirSync(new URL('docs/', root)).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
const blocks = files.flatMap((file) => fencedBlocks(file, readFileSync(new URL(file, root), 'utf8')));
const claudeCode = files.flatMap((file) => claudeCodeExamples(file, readFileSync(new URL(file, root), 'utf8')));
const runnable = blocks.filter((block) => block.needs === null).map((block) => ({ block, examples: examplesIn(block) })).filter((entry) => entry.examples.length > 0);

/** The providers the docs' models come from, each played by the simulator under its own kind. */
const simulatedKinds: [id: string, path: string][] = [['openai', '/v1'], ['anthropic', '/v1'], ['gemini', '/v1beta'], ['groq', '/v1']];

describe('the request examples in the docs', () => {
  let stack: Stack;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelmux-docs-'));
    stack = await startStack({
      dataDir,
      extraProviders: (url) => simulatedKinds.map(([kind, path]) => provider(kind, `${url}${path}`, defaultTimeouts, [], kind)),
    });
  });
  after(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are found: the docs show curl, HTTP, JSON and SDK examples', () => {
    const kinds = new Set(runnable.flatMap(({ examples }) => examples.map((example) => example.kind)));
    assert.deepEqual([...kinds].sort(), ['http', 'sdk']);
    assert.ok(runnable.some(({ block }) => block.text.includes('curl')));
    assert.ok(runnable.length >= 8, `only ${runnable.length} runnable blocks found`);
  });

  it('are found: the README shows Claude Code pointed at the gateway', () => {
    assert.ok(claudeCode.some((example) => example.file === 'README.md'));
  });

  for (const { file, line, model } of claudeCode) {
    it(`${file}:${line} (claude --model ${model}) runs Claude Code's captured turns`, async () => {
      for (const fixture of readClientFixtures().filter((candidate) => candidate.client === 'claude-code')) {
        for (const request of fixture.requests) {
          // The capture asked for Claude Code's default model, with its output limit; for a model it does
          // not know, Claude Code asks for its fallback of 32,000 tokens.
          const body = { ...(request.body as Record<string, unknown>), model, max_tokens: 32_000 };
          const response = await fetch(stack.baseUrl + request.path, { method: request.method, headers: { ...request.headers, 'x-sim-tool': fixture.simulatorTool }, body: JSON.stringify(body) });
          const text = await response.text();
          assert.equal(response.status, 200, `${fixture.turn}: ${text.slice(0, 400)}`);
          const reading = readAnthropicStream(text);
          assert.ok(reading.text !== '' || reading.toolCalls.length > 0, `${fixture.turn}: ${JSON.stringify(reading)}`);
        }
      }
    });
  }

  for (const { block, examples } of runnable) {
    it(`${block.file}:${block.line} (${block.language || 'plain'} block) runs`, async () => {
      for (const example of examples) {
        if (example.kind === 'http') await runHttp(stack, block, example);
        else await runSdk(stack, example);
      }
    });
  }
});

async function runHttp(stack: Stack, block: DocBlock, example: HttpExample): Promise<void> {
  const response = await fetch(`${stack.baseUrl}${example.path}`, { method: example.method, headers: example.headers, body: example.body ?? undefined });
  const text = await response.text();
  const where = `${example.method} ${example.path} answered ${response.status}: ${text.slice(0, 400)}`;
  if (block.expectedStatus !== null) assert.equal(response.status, block.expectedStatus, where);
  else assert.ok(response.status >= 200 && response.status < 300, where);
  if (!(response.headers.get('content-type') ?? '').startsWith('application/json') || response.status >= 300) return;
  checkAnswer(example.path, JSON.parse(text), where);
}

/** What a reader of the example would look at: the answer text, the fusion's verdict, the panel's. */
function checkAnswer(path: string, body: any, where: string): void {
  if (path === '/v1/chat/completions') {
    assert.notEqual(String(body.choices?.[0]?.message?.content ?? ''), '', where);
    if (body.fusion?.mode === 'best-of') assert.equal(body.fusion.scores_readable, true, where);
  }
  if (path === '/v1/compare') {
    for (const review of body.reviews) assert.equal(review.ok, true, `${where}: ${review.persona} ${review.error}`);
    for (const row of body.scoreboard) assert.ok(row.verdict !== null, `${where}: ${row.model} has no verdict`);
  }
}

async function runSdk(stack: Stack, example: SdkExample): Promise<void> {
  if (example.baseUrl !== null) {
    const documented = example.client === 'openai' ? 'http://127.0.0.1:4000/v1' : 'http://127.0.0.1:4000';
    assert.equal(example.baseUrl, documented, 'the snippet points its client at the gateway');
  }
  let target: any = example.client === 'openai' ? stack.client : stack.anthropic;
  for (const name of example.method.slice(0, -1)) target = target[name];
  const result = await target.create(example.argument);
  if (example.argument.stream === true) {
    let chunks = 0;
    for await (const _chunk of result) chunks++;
    assert.ok(chunks > 0, 'the stream sent nothing');
  } else if (example.client === 'openai' && example.method[0] === 'chat') {
    assert.notEqual(result.choices[0].message.content ?? '', '');
  }
}
