// Clients written for OpenRouter send its `reasoning` object and `usage: {include: true}` on Chat
// Completions; through the gateway, to a provider of any format, both keep their meaning.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatProviders, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

describe('OpenRouter-style Chat requests', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  test('the reasoning object reaches an Anthropic provider as thinking, not dropped', async () => {
    const response = await post(stack, { model: 'claude/sim-model', max_tokens: 4000, messages: [{ role: 'user', content: 'hi' }], reasoning: { max_tokens: 2048 } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-modelmux-dropped-params'), null);
    await response.arrayBuffer();
    assert.deepEqual((stack.simulator.requests.at(-1)?.body as Record<string, unknown>).thinking, { type: 'enabled', budget_tokens: 2048 });
  });

  test('the reasoning object reaches a Gemini provider as thinkingConfig, a Responses provider as reasoning', async () => {
    const asked = { stream: true, messages: [{ role: 'user', content: 'hi' }], reasoning: { max_tokens: 1024, exclude: true } };
    const gemini = await post(stack, { model: 'google/sim-model', ...asked });
    assert.equal(gemini.headers.get('x-modelmux-dropped-params'), null);
    await gemini.arrayBuffer();
    const config = (stack.simulator.requests.at(-1)?.body as { generationConfig: Record<string, unknown> }).generationConfig;
    assert.deepEqual(config.thinkingConfig, { thinkingBudget: 1024, includeThoughts: false });
    const responses = await post(stack, { model: 'responses/sim-model', messages: [{ role: 'user', content: 'hi' }], reasoning: { effort: 'low' } });
    assert.equal(responses.headers.get('x-modelmux-dropped-params'), null);
    await responses.arrayBuffer();
    assert.deepEqual((stack.simulator.requests.at(-1)?.body as Record<string, unknown>).reasoning, { effort: 'low' });
  });

  for (const provider of Object.keys(formatProviders)) {
    test(`usage: {include: true} brings the usage chunk in a stream (${provider})`, async () => {
      const response = await post(stack, { model: `${provider}/sim-model`, stream: true, messages: [{ role: 'user', content: 'hi' }], usage: { include: true } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-modelmux-dropped-params'), null);
      const chunks = (await response.text()).split('\n').filter((line) => line.startsWith('data: {')).map((line) => JSON.parse(line.slice(6)) as { usage?: { prompt_tokens: number } });
      assert.ok(chunks.some((chunk) => chunk.usage && chunk.usage.prompt_tokens > 0), 'a usage chunk came');
      assert.equal((stack.simulator.requests.at(-1)?.body as Record<string, unknown>).usage, undefined, 'the provider is not sent the field');
    });
  }
});

function post(stack: Stack, body: unknown): Promise<Response> {
  return fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
