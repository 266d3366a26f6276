// What OpenAI-compatible providers really send on the Chat relay, judged by the official `openai`
// SDK: its stream helpers (finalChatCompletion, as runTools uses) must assemble every variant, and
// whole answers must keep the types the SDK declares.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type OpenAI from 'openai';
import { defaultTimeouts } from '../src/config/types.ts';
import { scripted } from './scripted-provider.ts';
import type { ScriptedProvider } from './scripted-provider.ts';
import { hello, provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const sse = (chunks: object[]): string => chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + 'data: [DONE]\n\n';
const chunk = (delta: object, finishReason: string | null = null, extra: object = {}) => ({ id: 'chatcmpl-v', object: 'chat.completion.chunk', created: 1, model: 'upstream-v', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra });
const usage = { usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } };
const streamed = { status: 200, headers: { 'content-type': 'text/event-stream' } };

/** Mistral's reasoning models (magistral): thinking and text as typed parts of `content`. */
const thinkingParts = sse([
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Six times seven' }] }] }),
  chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: ' is 42.' }] }] }),
  chunk({ content: [{ type: 'text', text: 'The answer' }] }),
  chunk({ content: ' is 42.' }),
  chunk({}, 'stop', usage),
]);

describe('Chat relay: provider variants the openai SDK must assemble', () => {
  let stack: Stack;
  let upstream: ScriptedProvider;
  before(async () => {
    upstream = await scripted([]);
    stack = await startStack({ extraProviders: [provider('variant', upstream.url, defaultTimeouts)] });
  });
  after(async () => {
    await stack.close();
    upstream.server.close();
  });

  const ask = { model: 'variant/upstream-v', messages: hello };

  test('a stream whose deltas never name the role: finalChatCompletion() assembles it', async () => {
    upstream.script.push({ ...streamed, raw: sse([chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop', usage)]) });
    const stream = stack.client.chat.completions.stream({ ...ask, stream: true });
    const completion = await stream.finalChatCompletion();
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.equal(completion.choices[0].message.content, 'Hello');
  });

  test('only the first delta of each choice is given the role', async () => {
    const choice = (index: number, delta: object) => ({ index, delta, finish_reason: null });
    const two = sse([
      { ...chunk({}), choices: [choice(0, { content: 'A' })] },
      { ...chunk({}), choices: [choice(1, { content: 'B' }), choice(0, { content: 'a' })] },
      { ...chunk({}), choices: [{ ...choice(0, {}), finish_reason: 'stop' }, { ...choice(1, { content: 'b' }), finish_reason: 'stop' }] },
    ]);
    upstream.script.push({ ...streamed, raw: two });
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ask, n: 2, stream: true }) });
    const events = (await response.text()).split('\n\n').filter((event) => event.startsWith('data: {')).map((event) => JSON.parse(event.slice(6)) as OpenAI.Chat.ChatCompletionChunk);
    const roles = events.flatMap((event) => event.choices.map((entry) => [entry.index, entry.delta.role ?? null]));
    assert.deepEqual(roles, [[0, 'assistant'], [1, 'assistant'], [0, null], [0, null], [1, null]]);
  });

  test("content as typed parts (Mistral's thinking): text stays text, thinking becomes reasoning_content", async () => {
    upstream.script.push({ ...streamed, raw: thinkingParts });
    const stream = stack.client.chat.completions.stream({ ...ask, stream: true });
    let reasoning = '';
    for await (const event of stream) reasoning += (event.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    const completion = await stream.finalChatCompletion();
    assert.equal(completion.choices[0].message.content, 'The answer is 42.');
    assert.equal(reasoning, 'Six times seven is 42.');
  });

  test('a whole answer with content parts and no role reads as the SDK types it', async () => {
    const message = { content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Thinking.' }] }, { type: 'text', text: 'Done.' }] };
    upstream.script.push({ status: 200, body: { id: 'chatcmpl-w', object: 'chat.completion', created: 1, model: 'upstream-v', choices: [{ index: 0, message, finish_reason: 'stop' }], ...usage } });
    const completion = await stack.client.chat.completions.create(ask);
    const answer = completion.choices[0].message as OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string };
    assert.equal(answer.role, 'assistant');
    assert.equal(answer.content, 'Done.');
    assert.equal(answer.reasoning_content, 'Thinking.');
  });
});
