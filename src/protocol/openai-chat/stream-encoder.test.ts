import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { EncodeContext, EncodeTarget, StreamEvent } from '../ir.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { createStreamEncoder } from './stream-encoder.ts';

const recorded = new URL('../../../test/fixtures/recorded/', import.meta.url);
const target: EncodeTarget = { upstreamModel: 'upstream-model', quirks: {} };
const withUsage: EncodeContext = { model: 'client-model', includeUsage: true };
const usage = { inputTokens: 12, outputTokens: 7, cachedInputTokens: 4, cacheWriteTokens: 1, reasoningTokens: 3 };

function encode(events: StreamEvent[], context: EncodeContext = withUsage): string {
  const encoder = createStreamEncoder(context);
  return events.map((event) => encoder.push(event)).join('') + encoder.end();
}

function decode(text: string): StreamEvent[] {
  const decoder = createStreamDecoder(target);
  const events = [...decoder.push(new TextEncoder().encode(text)), ...decoder.end()];
  assert.equal(decoder.malformed, null);
  return events;
}

/** The SSE payloads, parsed (and `[DONE]` as is). */
function payloads(text: string): unknown[] {
  assert.ok(text.endsWith('\n\n'));
  return text.slice(0, -2).split('\n\n').map((event) => {
    assert.ok(event.startsWith('data: '), event);
    const data = event.slice(6);
    return data === '[DONE]' ? data : JSON.parse(data);
  });
}

/** Usage may sit before or after the finish depending on the provider; compare it apart. */
const withoutUsage = (events: StreamEvent[]) => events.filter((event) => event.type !== 'usage');

test('the Chat stream OpenAI would send: role chunk, deltas, finish, usage, [DONE]', () => {
  const text = encode([
    { type: 'start', id: 'msg_1', model: 'claude-x', created: 50 },
    { type: 'reasoning-delta', text: 'hmm' },
    { type: 'reasoning-signature', signature: 'sig' },
    { type: 'reasoning-end' },
    { type: 'text-delta', text: 'Hi' },
    { type: 'text-end' },
    { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'f' },
    { type: 'tool-call-delta', index: 0, arguments: '{"a":1}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'usage', usage },
    { type: 'finish', finishReason: 'tool-calls' },
  ]);
  const head = { id: 'msg_1', object: 'chat.completion.chunk', created: 50, model: 'claude-x' };
  const choice = (delta: Record<string, unknown>, finishReason: string | null = null) => ({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  assert.deepEqual(payloads(text), [
    choice({ role: 'assistant', content: '' }),
    choice({ reasoning_content: 'hmm' }),
    choice({ content: 'Hi' }),
    choice({ tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '' } }] }),
    choice({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }),
    choice({}, 'tool_calls'),
    { ...head, choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } } },
    '[DONE]',
  ]);
});

test('the usage chunk is written only when the client asked and usage came', () => {
  const events: StreamEvent[] = [{ type: 'start', id: 'a', model: 'm', created: 1 }, { type: 'text-delta', text: 'x' }, { type: 'finish', finishReason: 'stop' }, { type: 'usage', usage }];
  assert.equal(payloads(encode(events.slice(0, 3))).length, 4);
  assert.equal(payloads(encode(events)).length, 5);
});

test('a client that did not ask gets the usage on the finish chunk, whichever came first, and no chunk without choices', () => {
  const head: StreamEvent[] = [{ type: 'start', id: 'a', model: 'm', created: 1 }, { type: 'text-delta', text: 'x' }];
  const encoded = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } };
  for (const tail of [[{ type: 'finish', finishReason: 'length' }, { type: 'usage', usage }], [{ type: 'usage', usage }, { type: 'finish', finishReason: 'length' }]] as StreamEvent[][]) {
    const chunks = payloads(encode([...head, ...tail], { model: 'm', includeUsage: false })) as Record<string, any>[];
    assert.equal(chunks.pop(), '[DONE]');
    assert.ok(chunks.every((chunk) => chunk.choices.length === 1));
    assert.deepEqual(chunks.at(-1), { id: 'a', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }], usage: encoded });
    assert.equal(chunks.filter((chunk) => 'usage' in chunk).length, 1);
  }
  // A fusion's block rides beside the usage.
  const block = payloads(encode([...head, { type: 'usage', usage, extra: { fusion: { id: 'fus_1' } } }, { type: 'finish', finishReason: 'stop' }], { model: 'm', includeUsage: false })) as Record<string, any>[];
  assert.deepEqual(block.at(-2)?.fusion, { id: 'fus_1' });
  // Without usage the finish chunk is as before.
  const bare = payloads(encode([...head, { type: 'finish', finishReason: 'stop' }], { model: 'm', includeUsage: false })) as Record<string, any>[];
  assert.equal(bare.length, 4);
  assert.equal('usage' in bare[2], false);
});

test('a failure after a finish that waited for usage still writes the finish before the error', () => {
  const encoder = createStreamEncoder({ model: 'm', includeUsage: false });
  const written = [encoder.push({ type: 'text-delta', text: 'x' }), encoder.push({ type: 'finish', finishReason: 'stop' })].join('');
  assert.equal(payloads(written).length, 2, 'the role chunk and the text; the finish waits');
  const failed = payloads(encoder.fail({ status: 502, type: 'api_error', code: 'upstream_error', message: 'gone' })) as Record<string, any>[];
  assert.equal(failed[0].choices[0].finish_reason, 'stop');
  assert.equal(failed[1].error.message, 'gone');
});

test('content before any start uses the context model and a generated id', () => {
  const [first, second] = payloads(encode([{ type: 'text-delta', text: 'x' }, { type: 'finish', finishReason: 'length' }])) as Record<string, unknown>[];
  assert.equal(first.model, 'client-model');
  assert.match(String(first.id), /^chatcmpl-/);
  assert.equal(second.id, first.id);
  assert.ok(typeof first.created === 'number' && first.created > 0);
});

test('finish reasons map to Chat names; a stream ended without finish still closes cleanly', () => {
  const reasonOf = (finishReason: StreamEvent & { type: 'finish' }) => {
    const chunks = payloads(encode([finishReason])) as { choices?: { finish_reason: string | null }[] }[];
    return chunks.find((chunk) => chunk.choices?.[0]?.finish_reason)?.choices?.[0].finish_reason;
  };
  const names = (['stop', 'length', 'tool-calls', 'content-filter', 'refusal', 'pause', 'error', 'other'] as const).map((reason) => reasonOf({ type: 'finish', finishReason: reason }));
  assert.deepEqual(names, ['stop', 'length', 'tool_calls', 'content_filter', 'stop', 'stop', 'stop', 'stop']);
  const unfinished = payloads(encode([{ type: 'start', id: 'a', model: 'm', created: 1 }, { type: 'text-delta', text: 'x' }], { model: 'm', includeUsage: false }));
  assert.equal(unfinished.at(-1), '[DONE]');
  assert.equal((unfinished.at(-2) as { choices: { finish_reason: string }[] }).choices[0].finish_reason, 'stop');
});

test('fail writes an error event and no [DONE]; nothing follows it', () => {
  const encoder = createStreamEncoder(withUsage);
  encoder.push({ type: 'start', id: 'a', model: 'm', created: 1 });
  const text = encoder.fail({ status: 529, type: 'overloaded_error', code: 'overloaded', message: 'Overloaded' });
  assert.equal(text, 'data: {"error":{"message":"Overloaded","type":"overloaded_error","code":"overloaded"}}\n\n');
  assert.equal(encoder.push({ type: 'text-delta', text: 'late' }), '');
  assert.equal(encoder.end(), '');
  const decoder = createStreamDecoder(target);
  decoder.push(new TextEncoder().encode(text));
  assert.deepEqual(decoder.failure, { status: 529, type: 'overloaded_error', code: 'overloaded', message: 'Overloaded' });
});

test('encoded events decode back to the same events', () => {
  const events: StreamEvent[] = [
    { type: 'start', id: 'x', model: 'm', created: 9 },
    { type: 'reasoning-delta', text: 'a' },
    { type: 'text-delta', text: 'b "quoted" \\ é 😊\n' },
    { type: 'refusal-delta', text: 'no' },
    { type: 'tool-call-start', index: 0, id: 'c0', name: 'f' },
    { type: 'tool-call-start', index: 1, id: 'c1', name: 'g' },
    { type: 'tool-call-delta', index: 1, arguments: '{"y":\\u00' },
    { type: 'tool-call-delta', index: 0, arguments: '{"x":1}' },
    { type: 'tool-call-delta', index: 1, arguments: 'e9}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'tool-call-end', index: 1 },
    { type: 'usage', usage: { ...usage, cacheWriteTokens: 0 } },
    { type: 'finish', finishReason: 'tool-calls' },
  ];
  const decoded = decode(encode(events));
  assert.deepEqual(withoutUsage(decoded), withoutUsage(events));
  assert.deepEqual(decoded.filter((event) => event.type === 'usage'), [{ type: 'usage', usage: { ...usage, cacheWriteTokens: 0 } }]);
});

test('every recorded Chat stream survives decode → encode → decode', () => {
  for (const name of ['openai-chat/openai-text', 'openai-chat/azure-model-router.1', 'groq/groq-tool-call', 'deepseek/deepseek-reasoning', 'deepseek/deepseek-tool-call', 'mistral/mistral-tool-call', 'xai/xai-tool-call', 'perplexity/perplexity-text']) {
    const lines = readFileSync(new URL(`${name}.chunks.txt`, recorded), 'utf8').split('\n').filter((line) => line.trim() !== '');
    const first = decode(lines.map((line) => `data: ${line}\n\n`).join('') + 'data: [DONE]\n\n');
    const again = decode(encode(first));
    assert.deepEqual(withoutUsage(again), withoutUsage(first), name);
    assert.deepEqual(again.filter((event) => event.type === 'usage'), first.filter((event) => event.type === 'usage'), name);
  }
});
