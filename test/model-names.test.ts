// An answer names the model the client asked for (`test-model`, `chat/sim-model`), not the
// provider's own name for it (`upstream-model`, `sim-model`), whole or streamed, relayed byte for
// byte or translated, in every client format; `x-modelmux-model` says the same.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { completion, scripted } from './scripted-provider.ts';
import type { ScriptedProvider } from './scripted-provider.ts';
import { provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const messages = [{ role: 'user' as const, content: 'Name yourself' }];

describe('the model an answer names', () => {
  let stack: Stack;
  let dated: ScriptedProvider;
  before(async () => {
    dated = await scripted([]);
    stack = await startStack({ everyFormat: true, extraProviders: [provider('dated', dated.url, defaultTimeouts, [{ id: 'gpt-4o' }, { id: 'four-o', upstream: 'gpt-4o' }])] });
  });
  after(async () => {
    await stack.close();
    dated.server.close();
  });

  /** Every `model` an SSE stream's events name. */
  const streamedModels = async (path: string, body: Record<string, unknown>): Promise<string[]> => {
    const response = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ ...body, stream: true }) });
    assert.equal(response.status, 200);
    const models: string[] = [];
    for (const line of (await response.text()).split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const event = JSON.parse(line.slice(6)) as { model?: string; response?: { model?: string }; message?: { model?: string } };
      const model = event.model ?? event.response?.model ?? event.message?.model;
      if (model !== undefined) models.push(model);
    }
    return models;
  };

  for (const model of ['test-model', 'chat/sim-model', 'claude/sim-model']) {
    test(`Chat: ${model}, whole and streamed`, async () => {
      const { data, response } = await stack.client.chat.completions.create({ model, messages }).withResponse();
      assert.equal(data.model, model);
      assert.equal(response.headers.get('x-modelmux-model'), model);
      const streamed = await streamedModels('/v1/chat/completions', { model, messages });
      assert.ok(streamed.length > 1);
      assert.deepEqual(new Set(streamed), new Set([model]));
    });
  }

  for (const model of ['responses/sim-model', 'claude/sim-model']) {
    test(`Responses: ${model}, whole and streamed`, async () => {
      const answer = await stack.client.responses.create({ model, input: 'Name yourself' });
      assert.equal(answer.model, model);
      const streamed = await streamedModels('/v1/responses', { model, input: 'Name yourself' });
      assert.ok(streamed.length >= 3, 'created, in_progress and completed name it');
      assert.deepEqual(new Set(streamed), new Set([model]));
    });
  }

  for (const model of ['claude/sim-model', 'chat/sim-model']) {
    test(`Messages: ${model}, whole and streamed`, async () => {
      const message = await stack.anthropic.messages.create({ model, max_tokens: 50, messages });
      assert.equal(message.model, model);
      assert.deepEqual(await streamedModels('/v1/messages', { model, max_tokens: 50, messages }), [model]);
    });
  }

  test("asked by the provider's own name, the provider's answer stands (a dated snapshot too); asked by another, it is renamed", async () => {
    const snapshot = { ...(completion() as Record<string, unknown>), model: 'gpt-4o-2024-08-06' };
    dated.script.push({ status: 200, body: snapshot }, { status: 200, body: snapshot });
    const own = await stack.client.chat.completions.create({ model: 'gpt-4o', messages, provider: { order: ['dated'] } } as never);
    assert.equal(own.model, 'gpt-4o-2024-08-06');
    const aliased = await stack.client.chat.completions.create({ model: 'four-o', messages });
    assert.equal(aliased.model, 'four-o');
  });
});
