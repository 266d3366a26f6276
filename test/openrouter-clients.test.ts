// Clients written for OpenRouter send its `reasoning` object and `usage: {include: true}` on Chat
// Completions; through the gateway, to a provider of any format, both keep their meaning.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { formatProviders, provider, recordedFixtures, startStack } from './stack.ts';
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

// A Chat provider other than OpenRouter is relayed the body as written but for the object, which OpenAI
// would refuse (it answers 400 to arguments it does not know).
describe('the reasoning object on a relayed Chat route', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      everyFormat: true,
      fixtures: true,
      extraProviders: (url) => [
        provider('openrouter', `${url}/v1`, defaultTimeouts, [], 'openrouter'),
        provider('plain', `${url}/v1`, defaultTimeouts, [{ id: 'no-thinking', upstream: 'plain-model', capabilities: { reasoning: false } }]),
      ],
    });
  });
  after(() => stack.close());

  const hi = [{ role: 'user', content: 'hi' }];
  const sent = (): Record<string, unknown> => stack.simulator.requests.at(-1)?.body as Record<string, unknown>;

  test('the effort is sent as reasoning_effort, and what Chat cannot say is named', async () => {
    const response = await post(stack, { model: 'chat/sim-model', messages: hi, reasoning: { effort: 'high', max_tokens: 2000, summary: 'auto', verbosity: 'low' } });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    assert.equal(sent().reasoning, undefined);
    assert.equal(sent().reasoning_effort, 'high');
    assert.equal(response.headers.get('x-modelmux-dropped-params'), 'reasoning.max_tokens, reasoning.summary, reasoning.verbosity');
    // The body's own reasoning_effort wins, as on every route; the object's effort is not a loss.
    const own = await post(stack, { model: 'chat/sim-model', messages: hi, reasoning_effort: 'low', reasoning: { effort: 'high' } });
    await own.arrayBuffer();
    assert.equal(sent().reasoning_effort, 'low');
    assert.equal(sent().reasoning, undefined);
    assert.equal(own.headers.get('x-modelmux-dropped-params'), null);
  });

  test('a budget alone becomes the nearest effort; a model the catalog says does not reason is sent none', async () => {
    const budget = await post(stack, { model: 'chat/sim-model', messages: hi, reasoning: { max_tokens: 2000, exclude: false } });
    await budget.arrayBuffer();
    assert.equal(sent().reasoning_effort, 'low');
    assert.equal(sent().reasoning, undefined);
    assert.equal(budget.headers.get('x-modelmux-dropped-params'), null);
    const plain = await post(stack, { model: 'plain/no-thinking', messages: hi, reasoning: { effort: 'high' } });
    assert.equal(plain.status, 200);
    await plain.arrayBuffer();
    assert.equal(sent().model, 'plain-model');
    assert.equal(sent().reasoning_effort, undefined);
    assert.equal(sent().reasoning, undefined);
    assert.equal(plain.headers.get('x-modelmux-dropped-params'), 'reasoning.effort');
  });

  test('in strict mode what would be dropped is refused, before any provider is asked', async () => {
    const before = stack.simulator.requests.length;
    const response = await post(stack, { model: 'chat/sim-model', messages: hi, reasoning: { effort: 'low', max_tokens: 100 } }, { 'x-modelmux-strict': 'true' });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { param: string } };
    assert.equal(body.error.param, 'reasoning.max_tokens');
    assert.equal(stack.simulator.requests.length, before);
  });

  test('OpenRouter, which reads the object, is sent it as written', async () => {
    const reasoning = { effort: 'high', max_tokens: 2000, exclude: true };
    const response = await post(stack, { model: 'openrouter/sim-model', messages: hi, reasoning });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    assert.deepEqual(sent().reasoning, reasoning);
    assert.equal(sent().reasoning_effort, undefined);
    assert.equal(response.headers.get('x-modelmux-dropped-params'), null);
  });

  test('with exclude the client is not shown the reasoning, whole or streamed, and the provider is not sent the flag', async () => {
    const model = 'chat/replay:deepseek/deepseek-reasoning';
    const recorded = JSON.parse(readFileSync(new URL('deepseek/deepseek-reasoning.json', recordedFixtures), 'utf8')) as { choices: Array<{ message: { content: string } }> };
    const response = await post(stack, { model, messages: hi, reasoning: { exclude: true } });
    assert.equal(response.status, 200);
    const whole = (await response.json()) as { choices: Array<{ message: Record<string, unknown> }>; usage: { completion_tokens_details: { reasoning_tokens: number } } };
    assert.equal(sent().reasoning, undefined);
    assert.equal(response.headers.get('x-modelmux-dropped-params'), null);
    const message = whole.choices[0].message;
    assert.equal(message.content, recorded.choices[0].message.content);
    assert.deepEqual([message.reasoning_content, message.reasoning, message.reasoning_details], [undefined, undefined, undefined]);
    assert.equal(whole.usage.completion_tokens_details.reasoning_tokens, 315, 'the reasoning is still counted');

    const streamed = await post(stack, { model, messages: hi, stream: true, reasoning: { exclude: true } });
    const text = await streamed.text();
    assert.equal(sent().reasoning, undefined);
    const deltas = text.split('\n').filter((line) => line.startsWith('data: {')).map((line) => (JSON.parse(line.slice(6)) as { choices: Array<{ delta: Record<string, unknown> }> }).choices[0]?.delta ?? {});
    assert.ok(deltas.some((delta) => typeof delta.content === 'string' && delta.content !== ''), text);
    assert.ok(deltas.every((delta) => delta.reasoning_content === undefined && delta.reasoning === undefined), 'no reasoning in the stream');
  });
});

function post(stack: Stack, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
