// The judge here is Anthropic's own SDK: the encoder's bytes are served to `client.messages.stream`
// through a custom fetch, and the message its accumulator builds must equal encodeResponse's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { ChatResponse, EncodeContext, EncodeTarget, StreamEvent } from '../ir.ts';
import { SseParser } from '../sse.ts';
import { decodeResponse, encodeResponse } from './response.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { createStreamEncoder } from './stream-encoder.ts';
import { accumulate, fixtureNames, readJsonFixture, streamOf } from './testing.ts';

const context: EncodeContext = { model: 'client-model', includeUsage: true };
const target: EncodeTarget = { upstreamModel: 'claude-upstream', quirks: {} };

function encode(events: StreamEvent[]): string {
  const encoder = createStreamEncoder(context);
  return events.map((event) => encoder.push(event)).join('') + encoder.end();
}

/** What the Anthropic SDK makes of these bytes, as plain JSON. */
async function sdkFinalMessage(sse: string): Promise<unknown> {
  const client = new Anthropic({
    apiKey: 'test-key',
    baseURL: 'http://127.0.0.1:9',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
  const message = await client.messages.stream({ model: 'client-model', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
  return JSON.parse(JSON.stringify(message));
}

/** encodeResponse's message as the SDK returns a message (it adds `parsed_output`). */
function expectedMessage(response: ChatResponse): unknown {
  return JSON.parse(JSON.stringify({ ...encodeResponse(response, context), parsed_output: null }));
}

function payloads(sse: string): Array<{ event: string | null; data: Record<string, unknown> }> {
  const parser = new SseParser();
  return [...parser.push(Buffer.from(sse)), ...parser.end()].map((event) => ({ event: event.event, data: JSON.parse(event.data) }));
}

const rich: ChatResponse = {
  id: 'msg_rich',
  model: 'claude-sonnet-4-5',
  created: 1,
  content: [
    { type: 'reasoning', text: 'First I think "hard".', signature: 'EqQBCkYIBxgCKkBsig==' },
    { type: 'redacted-reasoning', data: 'EmwKAhgBredacted' },
    { type: 'text', text: 'Here you go: é 🙂\n' },
    { type: 'tool-call', id: 'toolu_1', name: 'Read', arguments: '{"path":"C:\\\\dir\\\\a \\"b\\".txt","lines":[1,2]}' },
    { type: 'tool-call', id: 'toolu_2', name: 'Now', arguments: '{}' },
  ],
  finishReason: 'tool-calls',
  usage: { inputTokens: 1130, outputTokens: 77, cachedInputTokens: 1000, cacheWriteTokens: 100, reasoningTokens: 0 },
};

test('the SDK accumulates the stream into the same message encodeResponse gives', async () => {
  const responses = [rich, ...fixtureNames('.json').map((name) => decodeResponse(readJsonFixture(name), target))];
  for (const response of responses) assert.deepEqual(await sdkFinalMessage(encode(streamOf(response))), expectedMessage(response), response.id);
});

test('every event is named after its payload type, blocks indexed from 0 one at a time', () => {
  const events = payloads(encode(streamOf(rich)));
  for (const { event, data } of events) assert.equal(event, data.type);
  assert.deepEqual(
    events.map(({ data }) => `${data.type}${data.index === undefined ? '' : ` ${data.index}`}`),
    [
      'message_start',
      'content_block_start 0', 'content_block_delta 0', 'content_block_delta 0', 'content_block_delta 0', 'content_block_stop 0',
      'content_block_start 1', 'content_block_stop 1',
      'content_block_start 2', 'content_block_delta 2', 'content_block_delta 2', 'content_block_stop 2',
      'content_block_start 3', 'content_block_delta 3', 'content_block_delta 3', 'content_block_stop 3',
      'content_block_start 4', 'content_block_delta 4', 'content_block_delta 4', 'content_block_stop 4',
      'message_delta',
      'message_stop',
    ],
  );
  assert.deepEqual(events[4].data.delta, { type: 'signature_delta', signature: 'EqQBCkYIBxgCKkBsig==' });
  assert.deepEqual(events.at(-2)?.data, {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null, stop_details: null },
    usage: { input_tokens: 30, output_tokens: 77, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000 },
  });
});

test('what the encoder writes, the decoder reads back as the same answer', () => {
  for (const response of [rich, ...fixtureNames('.json').map((name) => decodeResponse(readJsonFixture(name), target))]) {
    const decoder = createStreamDecoder(target);
    const events = [...decoder.push(Buffer.from(encode(streamOf(response)))), ...decoder.end()];
    const answer = accumulate(events);
    assert.deepEqual(answer.content, response.content, response.id);
    assert.equal(answer.finishReason, response.finishReason);
    assert.deepEqual(answer.usage, response.usage);
  }
});

test('a tool call without arguments has no input_json_delta and arrives as {}', async () => {
  const sse = encode([
    { type: 'start', id: 'msg_n', model: 'm', created: 1 },
    { type: 'tool-call-start', index: 0, id: 'toolu_n', name: 'now' },
    { type: 'tool-call-delta', index: 0, arguments: '' },
    { type: 'tool-call-end', index: 0 },
    { type: 'finish', finishReason: 'tool-calls' },
  ]);
  assert.ok(!sse.includes('input_json_delta'));
  const message = (await sdkFinalMessage(sse)) as { content: unknown[] };
  assert.deepEqual(message.content, [{ type: 'tool_use', id: 'toolu_n', name: 'now', input: {} }]);
});

test('arguments split in the middle of an escape reach the client whole', async () => {
  const sse = encode([
    { type: 'start', id: 'msg_e', model: 'm', created: 1 },
    { type: 'tool-call-start', index: 0, id: 'toolu_e', name: 'write' },
    { type: 'tool-call-delta', index: 0, arguments: '{"text":"line\\' },
    { type: 'tool-call-delta', index: 0, arguments: 'nquote \\"' },
    { type: 'tool-call-delta', index: 0, arguments: 'q\\" \\u00' },
    { type: 'tool-call-delta', index: 0, arguments: 'e9"}' },
    { type: 'finish', finishReason: 'tool-calls' },
  ]);
  const message = (await sdkFinalMessage(sse)) as { content: Array<{ input: unknown }> };
  assert.deepEqual(message.content[0].input, { text: 'line\nquote "q" é' });
});

test('two interleaved parallel tool calls (Chat order) become two well-formed blocks in turn', async () => {
  const events: StreamEvent[] = [
    { type: 'start', id: 'chatcmpl-1', model: 'gpt-4o', created: 1 },
    { type: 'text-delta', text: 'Checking both.' },
    { type: 'tool-call-start', index: 0, id: 'call_a', name: 'weather' },
    { type: 'tool-call-start', index: 1, id: 'call_b', name: 'weather' },
    { type: 'tool-call-delta', index: 0, arguments: '{"city":' },
    { type: 'tool-call-delta', index: 1, arguments: '{"city":' },
    { type: 'tool-call-delta', index: 0, arguments: '"Paris"}' },
    { type: 'tool-call-delta', index: 1, arguments: '"Rome"}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'tool-call-end', index: 1 },
    { type: 'finish', finishReason: 'tool-calls' },
    { type: 'usage', usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
  ];
  const sse = encode(events);
  const blocks = payloads(sse).filter(({ data }) => String(data.type).startsWith('content_block'));
  // Each block is opened, fed and closed before the next opens.
  let open: unknown = null;
  for (const { data } of blocks) {
    if (data.type === 'content_block_start') {
      assert.equal(open, null);
      open = data.index;
    } else {
      assert.equal(data.index, open);
      if (data.type === 'content_block_stop') open = null;
    }
  }
  const message = (await sdkFinalMessage(sse)) as { content: unknown[]; usage: unknown };
  assert.deepEqual(message.content, [
    { type: 'text', text: 'Checking both.' },
    { type: 'tool_use', id: 'call_a', name: 'weather', input: { city: 'Paris' } },
    { type: 'tool_use', id: 'call_b', name: 'weather', input: { city: 'Rome' } },
  ]);
  assert.deepEqual(message.usage, { input_tokens: 50, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
});

test('empty deltas write nothing, and a stream without usage or start still ends well-formed', async () => {
  const encoder = createStreamEncoder(context);
  const first = encoder.push({ type: 'text-delta', text: '' });
  assert.match(first, /^event: message_start\n/);
  assert.ok(!first.includes('content_block'));
  const sse = first + encoder.push({ type: 'text-delta', text: 'Hi' }) + encoder.push({ type: 'text-delta', text: '' }) + encoder.end();
  assert.equal(sse.split('text_delta').length - 1, 1);
  const message = (await sdkFinalMessage(sse)) as Record<string, unknown>;
  assert.equal(message.model, 'client-model');
  assert.match(String(message.id), /^msg_/);
  assert.deepEqual(message.content, [{ type: 'text', text: 'Hi' }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.deepEqual(message.usage, { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
});

test('a refusal becomes a text block and stop_reason refusal; a stop sequence is named', async () => {
  const refusal = (await sdkFinalMessage(encode([{ type: 'refusal-delta', text: 'I can' }, { type: 'refusal-delta', text: "'t help." }, { type: 'finish', finishReason: 'stop' }]))) as Record<string, unknown>;
  assert.deepEqual(refusal.content, [{ type: 'text', text: "I can't help." }]);
  assert.equal(refusal.stop_reason, 'refusal');
  const stopped = (await sdkFinalMessage(encode([{ type: 'text-delta', text: 'a' }, { type: 'finish', finishReason: 'stop', stopSequence: 'END' }]))) as Record<string, unknown>;
  assert.equal(stopped.stop_reason, 'stop_sequence');
  assert.equal(stopped.stop_sequence, 'END');
});

test('a failure is an Anthropic error event the SDK raises, and nothing follows it', async () => {
  const encoder = createStreamEncoder(context);
  const before = encoder.push({ type: 'start', id: 'msg_f', model: 'm', created: 1 }) + encoder.push({ type: 'text-delta', text: 'partial' });
  const failure = encoder.fail({ status: 529, type: 'overloaded', code: null, message: 'Overloaded' });
  assert.equal(failure, `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`);
  assert.equal(encoder.end(), '');
  assert.equal(encoder.push({ type: 'text-delta', text: 'late' }), '');
  await assert.rejects(sdkFinalMessage(before + failure), (error: unknown) => error instanceof Anthropic.APIError && /Overloaded/.test(error.message));
});

test('message_start states the estimated prompt, as Anthropic does; message_delta keeps the real count', () => {
  const answer: StreamEvent[] = [
    { type: 'start', id: 'msg_p', model: 'm', created: 1 },
    { type: 'text-delta', text: 'Hi' },
    { type: 'usage', usage: { inputTokens: 1234, outputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
    { type: 'finish', finishReason: 'stop' },
  ];
  const encoder = createStreamEncoder({ ...context, promptEstimate: () => 1200 });
  const events = payloads(answer.map((event) => encoder.push(event)).join('') + encoder.end());
  const start = events[0].data.message as { usage: Record<string, number> };
  assert.deepEqual(start.usage, { input_tokens: 1200, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  assert.deepEqual(events.at(-2)?.data.usage, { input_tokens: 1234, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });

  // Without an estimate, as before: nothing counted yet.
  const plain = payloads(encode(answer));
  assert.equal((plain[0].data.message as { usage: Record<string, number> }).usage.input_tokens, 0);
});

test('a stream whose provider reports no usage keeps the estimate to the end', async () => {
  const encoder = createStreamEncoder({ ...context, promptEstimate: () => 300 });
  const sse = [{ type: 'text-delta', text: 'Hi' } as const, { type: 'finish', finishReason: 'stop' } as const].map((event) => encoder.push(event)).join('') + encoder.end();
  const message = (await sdkFinalMessage(sse)) as { usage: Record<string, number> };
  assert.equal(message.usage.input_tokens, 300);
});
