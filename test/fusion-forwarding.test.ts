// What a fusion's and a comparison's loopback calls carry of the caller's request: its `provider`
// routing preferences (on every member, revision, judge, answer and persona call, whatever the
// surface), its headers (its own provider key among them), and which ledger group each row joins
// when a comparison runs a fusion. Two scripted providers serve the same models, so where each call
// went shows which rules it followed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Comparison } from '../src/compare/compare.ts';
import { startFusionProvider } from './fusion-provider.ts';
import type { FusionProvider } from './fusion-provider.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

type Block = Record<string, any>;

const models = ['alpha', 'beta', 'judge'];
const fusion = { pool: ['alpha', 'beta'], judge: 'judge', mode: 'debate' };
const onlySecond = { only: ['second'] };
const ownKey = 'sk-callers-own-second-key-0123456789';

describe('what fusion and compare calls carry of the caller request', () => {
  let first: FusionProvider;
  let second: FusionProvider;
  let stack: Stack;
  let dataDir: string;
  before(async () => {
    first = await startFusionProvider({ alpha: { text: 'alpha says Canberra quality:60' }, beta: { text: 'beta says Canberra quality:80' } });
    second = await startFusionProvider({ alpha: { text: 'alpha says Canberra quality:60' }, beta: { text: 'beta says Canberra quality:80' } });
    dataDir = mkdtempSync(join(tmpdir(), 'modelmux-fusion-forwarding-'));
    stack = await startStack({
      extraProviders: [first.config('first', models), { ...second.config('second', models), clientKeys: true }],
      routing: { maxAttempts: 1 },
      dataDir,
      fusions: [{ name: 'pair', description: 'two members and a judge', fields: { pool: ['alpha', 'beta'], judge: 'judge', mode: 'merge' } }],
    });
  });
  after(async () => {
    await stack.close();
    await first.close();
    await second.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any, headers: response.headers };
  };
  const servedBySecond = (block: Block): void => {
    assert.deepEqual(block.members.map((member: Block) => member.provider), ['second', 'second']);
    assert.equal(block.judge.provider, 'second');
  };

  it('applies `provider` to every member, revision and judge call on Chat, Responses and Messages', async () => {
    const before = first.requests.length;
    const secondBefore = second.requests.length;
    const chat = await post('/v1/chat/completions', { model: 'fusion', messages: [{ role: 'user', content: 'Capital of Australia?' }], fusion, provider: onlySecond });
    assert.equal(chat.status, 200, JSON.stringify(chat.body));
    servedBySecond(chat.body.fusion);
    // Two first answers, two revisions and the judge.
    assert.equal(second.requests.length - secondBefore, 5);
    const responses = await post('/v1/responses', { model: 'fusion', input: 'Capital of Australia?', fusion, provider: onlySecond });
    assert.equal(responses.status, 200, JSON.stringify(responses.body));
    servedBySecond(responses.body.fusion);
    const messages = await post('/v1/messages', { model: 'fusion', max_tokens: 100, messages: [{ role: 'user', content: 'Capital of Australia?' }], fusion, provider: onlySecond });
    assert.equal(messages.status, 200, JSON.stringify(messages.body));
    servedBySecond(messages.body.fusion);
    assert.equal(first.requests.length, before, 'no call went elsewhere');
    assert.ok(second.requests.every((request) => request.body.provider === undefined), 'the preferences stay in the gateway');
  });

  it('refuses a malformed `provider`, and `preset` or `models`, before any member is called', async () => {
    const before = first.requests.length + second.requests.length;
    // A preset applies to the model named with it (routing.md): a fusion's models are its pool and judge.
    const onTheModels = /cannot carry a preset: a preset applies to the model it is named with, and a fusion's models are its pool and judge\. Name it there: a pool entry or the judge may be "<model>@preset\/<name>"/;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ provider: ['second'] }, 'provider', /must be an object/],
      [{ preset: 'coding' }, 'preset', onTheModels],
      [{ model: 'fusion@preset/coding' }, 'model', onTheModels],
      [{ model: 'fusion/pair@preset/coding' }, 'model', onTheModels],
      [{ models: ['beta'] }, 'models', /cannot carry `models`: fallback models are ambiguous for a panel/],
    ];
    for (const [extra, param, message] of cases) {
      const answer = await post('/v1/chat/completions', { model: 'fusion', messages: [{ role: 'user', content: 'hi' }], fusion, ...extra });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error.param, param);
      assert.match(answer.body.error.message, message);
    }
    assert.equal(first.requests.length + second.requests.length, before);
  });

  it('takes a preset on a pool entry or the judge, as the refusal says, and applies it to that call alone', async () => {
    const since = second.requests.length;
    const answer = await post('/v1/chat/completions', { model: 'fusion', messages: [{ role: 'user', content: 'Capital of Australia?' }], fusion: { pool: ['alpha@preset/coding', 'beta'], judge: 'judge@preset/coding', mode: 'merge' }, provider: onlySecond });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const coded = (model: string): boolean => second.requests.slice(since).some((request) => request.model === model && JSON.stringify(request.body.messages).includes('Apply these working rules'));
    assert.deepEqual(['alpha', 'beta', 'judge'].map(coded), [true, false, true]);
  });

  it('forwards the caller’s own provider key to every member and judge call, and no x-modelmux header upstream', async () => {
    const since = second.requests.length;
    const answer = await post('/v1/chat/completions', { model: 'fusion', messages: [{ role: 'user', content: 'hi' }], fusion: { ...fusion, mode: 'merge' }, provider: onlySecond }, { 'x-modelmux-key-second': ownKey });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const calls = second.requests.slice(since);
    assert.equal(calls.length, 3);
    for (const call of calls) {
      assert.equal(call.headers.authorization, `Bearer ${ownKey}`, call.model);
      assert.deepEqual(Object.keys(call.headers).filter((name) => name.startsWith('x-modelmux-')), []);
    }
  });

  it('applies a comparison’s `provider` to every answer and persona call', async () => {
    const before = first.requests.length;
    const since = second.requests.length;
    const answer = await post('/v1/compare', { models: ['alpha', 'beta'], prompt: 'Capital of Australia?', judge: 'judge', panel: [{ name: 'builder', rubric: 'Works?' }], provider: onlySecond });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const comparison = answer.body as Comparison;
    assert.deepEqual(comparison.answers.map((entry) => entry.provider), ['second', 'second']);
    assert.deepEqual(second.requests.slice(since).map((request) => request.model).sort(), ['alpha', 'beta', 'judge']);
    assert.equal(first.requests.length, before);
  });

  it('a compared fusion: its own row joins the comparison, its member and judge rows carry the fusion id', async () => {
    const answer = await post('/v1/compare', { models: ['fusion/pair', 'alpha'], prompt: 'Capital of Australia?', panel: 'none' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const comparison = answer.body as Comparison;
    const fused = comparison.answers.find((entry) => entry.model === 'fusion/pair')!;
    assert.equal(fused.ok, true, fused.error ?? '');
    assert.match(fused.fusion_id ?? '', /^fus_/);
    assert.equal(comparison.answers.find((entry) => entry.model === 'alpha')!.fusion_id, null);
    const rows = (stack.gateway.store?.rows({ from: 0, to: Date.now() + 1000, limit: 1000 }) ?? []).filter((row) => row.kind === 'request');
    const inComparison = rows.filter((row) => row.groupId === comparison.id);
    assert.deepEqual(inComparison.map((row) => row.model).sort(), ['alpha', 'fusion/pair']);
    assert.equal(inComparison.find((row) => row.model === 'fusion/pair')!.requestId, fused.request_id);
    assert.deepEqual(rows.filter((row) => row.groupId === fused.fusion_id).map((row) => row.model).sort(), ['alpha', 'beta', 'judge']);
  });
});
