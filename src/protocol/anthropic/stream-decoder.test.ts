import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EncodeTarget, StreamDecoder, StreamEvent } from '../ir.ts';
import { decodeResponse } from './response.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { accumulate, fixtureNames, readJsonFixture, readStreamFixture } from './testing.ts';

const target: EncodeTarget = { upstreamModel: 'claude-upstream', quirks: {} };

function decodeAll(text: string, pieces: number[] = []): { events: StreamEvent[]; decoder: StreamDecoder } {
  const decoder = createStreamDecoder(target);
  const bytes = Buffer.from(text);
  const events: StreamEvent[] = [];
  let from = 0;
  for (const cut of [...pieces, bytes.length]) {
    events.push(...decoder.push(bytes.subarray(from, cut)));
    from = cut;
  }
  events.push(...decoder.end());
  // `created` is the decoder's clock; nothing else may vary.
  return { events: events.map((event) => (event.type === 'start' ? { ...event, created: 0 } : event)), decoder };
}

const sse = (payload: object): string => `event: ${(payload as { type: string }).type}\ndata: ${JSON.stringify(payload)}\n\n`;

test('every recorded stream decodes to a complete answer', () => {
  const names = fixtureNames('.chunks.txt');
  assert.ok(names.length >= 6, 'fixtures found');
  for (const name of names) {
    const { events, decoder } = decodeAll(readStreamFixture(name));
    assert.equal(decoder.malformed, null, name);
    assert.equal(decoder.failure, null, name);
    assert.equal(events.at(-1)?.type, 'finish', name);
    assert.equal(events[0].type, 'start', name);
    assert.ok(accumulate(events).usage, name);
  }
});

test('recorded streams agree with the recorded whole answers of the same request', () => {
  // The two recordings are separate calls: the same shape, not the same words.
  for (const name of fixtureNames('.chunks.txt')) {
    if (!fixtureNames('.json').includes(name)) continue;
    const streamed = accumulate(decodeAll(readStreamFixture(name)).events);
    const whole = decodeResponse(readJsonFixture(name), target);
    const shape = (part: { type: string; name?: string }) => (part.type === 'tool-call' ? `tool-call ${part.name}` : part.type);
    assert.deepEqual(streamed.content.map(shape), whole.content.map(shape), name);
    assert.equal(streamed.finishReason, whole.finishReason, name);
    for (const part of streamed.content) if (part.type === 'tool-call') assert.doesNotThrow(() => JSON.parse(part.arguments), name);
    if (name === 'anthropic-text') assert.equal(streamed.content[0].type === 'text' && streamed.content[0].text, "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
  }
});

test('a recorded tool call streams as start, argument pieces and end', () => {
  const { events } = decodeAll(readStreamFixture('anthropic-json-tool.1'));
  assert.deepEqual(events.slice(0, 4), [
    { type: 'start', id: 'msg_01K2JbSUMYhez5RHoK9ZCj9U', model: 'claude-haiku-4-5-20251001', created: 0 },
    { type: 'tool-call-start', index: 0, id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', name: 'json' },
    { type: 'tool-call-delta', index: 0, arguments: '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]' },
    { type: 'tool-call-delta', index: 0, arguments: '}' },
  ]);
  assert.deepEqual(events.slice(4), [
    { type: 'tool-call-end', index: 0 },
    { type: 'usage', usage: { inputTokens: 849, outputTokens: 47, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
    { type: 'finish', finishReason: 'tool-calls', stopSequence: null },
  ]);
});

test('a recorded tool call without arguments gives "{}", as the whole message does', () => {
  const answer = accumulate(decodeAll(readStreamFixture('anthropic-tool-no-args')).events);
  assert.deepEqual(answer.content[1], { type: 'tool-call', id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' });
});

test('input tokens restated in message_delta replace those of message_start', () => {
  const answer = accumulate(decodeAll(readStreamFixture('anthropic-message-delta-input-tokens')).events);
  assert.deepEqual(answer.usage, { inputTokens: 61, outputTokens: 2, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
  assert.deepEqual(answer.content, [{ type: 'text', text: 'pong' }]);
});

test('a refusal streamed without content finishes as a refusal', () => {
  const answer = accumulate(decodeAll(readStreamFixture('anthropic-refusal')).events);
  assert.deepEqual(answer.content, []);
  assert.equal(answer.finishReason, 'refusal');
  assert.equal(answer.usage?.outputTokens, 5);
});

test('events split at every byte decode the same', () => {
  const text = readStreamFixture('anthropic-tool-no-args').replaceAll('\n', '\r\n');
  const expected = decodeAll(text).events;
  for (let cut = 1; cut < Buffer.byteLength(text); cut++) assert.deepEqual(decodeAll(text, [cut, Math.min(cut + 3, Buffer.byteLength(text))]).events, expected, `cut at ${cut}`);
});

test('thinking with its signature, redacted thinking, cache usage; server blocks, citations and pings ignored', () => {
  const stream = [
    sse({ type: 'message_start', message: { id: 'msg_T', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 7, output_tokens: 1 } } }),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    sse({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } }),
    sse({ type: 'ping' }),
    sse({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'see.' } }),
    sse({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBsig' } }),
    sse({ type: 'content_block_stop', index: 0 }),
    sse({ type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'REDACTED' } }),
    sse({ type: 'content_block_stop', index: 1 }),
    sse({ type: 'content_block_start', index: 2, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } }),
    sse({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } }),
    sse({ type: 'content_block_stop', index: 2 }),
    sse({ type: 'content_block_start', index: 3, content_block: { type: 'text', text: '' } }),
    sse({ type: 'content_block_delta', index: 3, delta: { type: 'citations_delta', citation: { type: 'web_search_result_location', url: 'u' } } }),
    sse({ type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: '' } }),
    sse({ type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'Answer' } }),
    sse({ type: 'content_block_stop', index: 3 }),
    sse({ type: 'brand_new_event', detail: 1 }),
    sse({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 40 } }),
    sse({ type: 'message_stop' }),
  ].join('');
  const { events, decoder } = decodeAll(stream);
  assert.equal(decoder.malformed, null);
  assert.deepEqual(events.slice(1), [
    { type: 'reasoning-delta', text: 'Let me ' },
    { type: 'reasoning-delta', text: 'see.' },
    { type: 'reasoning-signature', signature: 'EqQBsig' },
    { type: 'reasoning-end' },
    { type: 'redacted-reasoning', data: 'REDACTED' },
    { type: 'text-delta', text: 'Answer' },
    { type: 'text-end' },
    { type: 'usage', usage: { inputTokens: 112, outputTokens: 40, cachedInputTokens: 100, cacheWriteTokens: 7, reasoningTokens: 0 } },
    { type: 'finish', finishReason: 'length', stopSequence: null },
  ]);
});

test('tool calls are counted among tool calls only, and a stop sequence is named', () => {
  const stream = [
    sse({ type: 'message_start', message: { id: 'm', model: 'c', usage: { input_tokens: 1, output_tokens: 0 } } }),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    sse({ type: 'content_block_stop', index: 0 }),
    sse({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'a', name: 'f', input: {} } }),
    sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{}' } }),
    sse({ type: 'content_block_stop', index: 1 }),
    sse({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'b', name: 'g', input: { prefilled: true } } }),
    sse({ type: 'content_block_stop', index: 2 }),
    sse({ type: 'message_delta', delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' }, usage: { output_tokens: 3 } }),
    sse({ type: 'message_stop' }),
  ].join('');
  const events = decodeAll(stream).events;
  assert.deepEqual(
    events.filter((event) => event.type.startsWith('tool-call')),
    [
      { type: 'tool-call-start', index: 0, id: 'a', name: 'f' },
      { type: 'tool-call-delta', index: 0, arguments: '{}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', index: 1, arguments: '{"prefilled":true}' },
      { type: 'tool-call-end', index: 1 },
    ],
  );
  assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'stop', stopSequence: 'END' });
});

test('an error event is a failure: overloaded is 529, anything else 502', () => {
  const start = sse({ type: 'message_start', message: { id: 'm', model: 'c', usage: { input_tokens: 1, output_tokens: 0 } } });
  const overloaded = decodeAll(start + sse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) + sse({ type: 'message_stop' }));
  assert.deepEqual(overloaded.decoder.failure, { status: 529, type: 'overloaded_error', code: null, message: 'Overloaded' });
  assert.ok(!overloaded.events.some((event) => event.type === 'finish'));
  const other = decodeAll(start + sse({ type: 'error', error: { type: 'api_error', message: 'Internal' } }));
  assert.equal(other.decoder.failure?.status, 502);
});

test('bytes that are not Anthropic events are malformed', () => {
  assert.match(decodeAll('event: message_start\ndata: {not json\n\n').decoder.malformed ?? '', /not JSON/);
  assert.match(decodeAll('data: {"hello":1}\n\n').decoder.malformed ?? '', /no type/);
  assert.match(decodeAll('data: [DONE]\n\n').decoder.malformed ?? '', /not JSON/);
});

test('a stream cut short has no finish', () => {
  const text = readStreamFixture('anthropic-text');
  const cut = text.indexOf('event: message_delta');
  const { events, decoder } = decodeAll(text.slice(0, cut));
  assert.equal(decoder.malformed, null);
  assert.ok(!events.some((event) => event.type === 'finish'));
});

test('a stream that reports no usage has no usage event', () => {
  const stream = [
    sse({ type: 'message_start', message: { id: 'm', model: 'c' } }),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Hi' } }),
    sse({ type: 'content_block_stop', index: 0 }),
    sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null } }),
    sse({ type: 'message_stop' }),
  ].join('');
  assert.deepEqual(decodeAll(stream).events.slice(1), [{ type: 'text-delta', text: 'Hi' }, { type: 'text-end' }, { type: 'finish', finishReason: 'stop', stopSequence: null }]);
});
