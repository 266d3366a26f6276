import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfCall as selfCallOf, startStack } from '../../test/stack.ts';
import type { Stack } from '../../test/stack.ts';
import { callModel, newGroupId } from './model-client.ts';
import type { SelfCall } from './model-client.ts';

describe('the in-process model client', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ routing: { maxAttempts: 1 } });
  });
  after(() => stack.close());

  const selfCall = (headers: Record<string, string> = {}, signal = new AbortController().signal): SelfCall => selfCallOf(stack, headers, signal);

  it('assembles a streamed answer with who served it, usage and time to first token', async () => {
    const deltas: string[] = [];
    const answer = await callModel(selfCall(), { model: 'test-model', messages: [{ role: 'user', content: 'hello there' }] }, { onDelta: (text) => deltas.push(text) });
    assert.equal(answer.ok, true, answer.error ?? '');
    assert.equal(answer.status, 200);
    assert.equal(answer.provider, 'sim');
    assert.equal(answer.servedModel, 'test-model');
    assert.equal(answer.finishReason, 'stop');
    assert.equal(answer.text, deltas.join(''));
    assert.ok(deltas.length > 1);
    assert.ok(answer.usage && answer.usage.outputTokens > 0);
    assert.ok(answer.ttftMs !== null && answer.ttftMs <= answer.latencyMs);
    assert.equal(answer.error, null);
    // The simulator saw a streamed request that asks for usage, carrying the group id.
    const seen = stack.simulator.requests.at(-1);
    assert.equal((seen?.body as Record<string, unknown>).stream, true);
  });

  it('keeps the gateway error message of a failed call', async () => {
    const answer = await callModel(selfCall(), { model: 'no-such-model-anywhere', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(answer.ok, false);
    assert.equal(answer.status, 404);
    assert.match(answer.error ?? '', /no-such-model-anywhere/);
    assert.equal(answer.text, '');
  });

  it('reports an upstream fault as the member fate', async () => {
    const answer = await callModel(selfCall({ 'x-sim-fault': '500' }), { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(answer.ok, false);
    assert.ok(answer.status >= 500);
    assert.ok(answer.error);
  });

  it('times out a slow call and says so', async () => {
    const answer = await callModel(selfCall({ 'x-sim-fault': 'stall' }), { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] }, { timeoutMs: 40 });
    assert.equal(answer.ok, false);
    assert.equal(answer.status, 0);
    assert.equal(answer.error, 'timed out after 40 ms');
  });

  it('stops when the caller goes away', async () => {
    const controller = new AbortController();
    const pending = callModel(selfCall({ 'x-sim-fault': 'stall' }, controller.signal), { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] });
    setTimeout(() => controller.abort(), 50);
    const answer = await pending;
    assert.equal(answer.ok, false);
    assert.equal(answer.error, 'aborted');
  });

  it('puts the caller routing preferences on the call', async () => {
    const answer = await callModel({ ...selfCall(), provider: { only: ['nobody'] } }, { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(answer.ok, false);
    assert.equal(answer.status, 400);
    assert.match(answer.error ?? '', /No provider can take this request/);
  });

  it('counts an answer with no text as a failure', async () => {
    const answer = await callModel(selfCall({ 'x-sim-output-tokens': '0' }), { model: 'echo-model', messages: [{ role: 'user', content: '' }] });
    assert.equal(answer.ok, false);
    assert.equal(answer.error, 'empty answer');
  });

  it('makes distinct group ids', () => {
    const first = newGroupId('fus');
    assert.match(first, /^fus_[A-Za-z0-9_-]{16}$/);
    assert.notEqual(first, newGroupId('fus'));
    assert.match(newGroupId('cmp'), /^cmp_/);
  });
});
