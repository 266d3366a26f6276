import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import type { AssistantContent, ChatResponse, StreamEvent, Usage } from '../ir.ts';
import { decodeRequest } from './request.ts';
import { decodeResponse, encodeResponse } from './response.ts';
import { ResponsesStreamDecoder } from './stream-decoder.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

/** `write_sql` and `sql` are custom tools: their calls are custom_tool_call items. */
const context = { model: 'client-model', includeUsage: true, request: decodeRequest({ model: 'm', tools: [{ type: 'custom', name: 'write_sql' }, { type: 'custom', name: 'sql' }] }) };
const usage: Usage = { inputTokens: 120, outputTokens: 40, cachedInputTokens: 100, cacheWriteTokens: 0, reasoningTokens: 12 };
const start: StreamEvent = { type: 'start', id: 'resp_test', model: 'provider-model', created: 1700000000 };

function encodeStream(events: StreamEvent[]): string {
  const encoder = new ResponsesStreamEncoder(context);
  return events.map((event) => encoder.push(event)).join('') + encoder.end();
}

function client(body: string, contentType: string): OpenAI {
  return new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:1', maxRetries: 0, fetch: async () => new Response(body, { headers: { 'content-type': contentType } }) });
}

/** The SDK's own reading of the stream, and of the whole answer for the same content. */
async function judge(events: StreamEvent[], content: AssistantContent[], finishReason: ChatResponse['finishReason'], answerUsage: Usage | null) {
  const streamed = await client(encodeStream(events), 'text/event-stream').responses.stream({ model: 'client-model', input: 'hi' }).finalResponse();
  const answer: ChatResponse = { id: 'resp_test', model: 'provider-model', created: 1700000000, content, finishReason, usage: answerUsage };
  const whole = await client(JSON.stringify(encodeResponse(answer, context)), 'application/json').responses.create({ model: 'client-model', input: 'hi' });
  return { streamed, whole };
}

function calls(response: OpenAI.Responses.Response): unknown[] {
  return response.output.flatMap((item): unknown[] => {
    if (item.type === 'function_call') return [{ type: item.type, call_id: item.call_id, name: item.name, arguments: item.arguments }];
    if (item.type === 'custom_tool_call') return [{ type: item.type, call_id: item.call_id, name: item.name, input: item.input }];
    return [];
  });
}

async function assertSameAsWhole(events: StreamEvent[], content: AssistantContent[], finishReason: ChatResponse['finishReason'], answerUsage: Usage | null) {
  const { streamed, whole } = await judge(events, content, finishReason, answerUsage);
  assert.equal(streamed.output_text, whole.output_text);
  assert.deepEqual(calls(streamed), calls(whole));
  assert.deepEqual(streamed.usage ?? null, whole.usage ?? null);
  assert.equal(streamed.status, whole.status);
  assert.equal(streamed.model, events[0]?.type === 'start' ? 'provider-model' : context.model);
  // Our own decoders read both forms back to the same content.
  assert.deepEqual(decodeResponse(streamed, { upstreamModel: 'x', quirks: {} }).content, decodeResponse(whole, { upstreamModel: 'x', quirks: {} }).content.map(keepItemIds(streamed)));
  return { streamed, whole };
}

/** Generated item ids differ between the two encodings; take the streamed ones where the whole had none of its own. */
function keepItemIds(streamed: OpenAI.Responses.Response) {
  const ids = streamed.output.filter((item) => item.type === 'function_call' || item.type === 'custom_tool_call' || item.type === 'reasoning').map((item) => item.id);
  let next = 0;
  return (part: AssistantContent): AssistantContent => {
    if (part.type === 'tool-call') return { ...part, itemId: ids[next++] };
    if (part.type === 'reasoning') return { ...part, id: ids[next++] };
    return part;
  };
}

function sseTypes(text: string): Array<{ event: string; data: { type: string; sequence_number: number } }> {
  return text.split('\n\n').filter((block) => block !== '').map((block) => {
    const [eventLine, dataLine] = block.split('\n');
    return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) as { type: string; sequence_number: number } };
  });
}

test('text streams as the real event sequence, every event named and numbered in order', () => {
  const text = encodeStream([start, { type: 'text-delta', text: 'Hel' }, { type: 'text-delta', text: 'lo' }, { type: 'text-end' }, { type: 'usage', usage }, { type: 'finish', finishReason: 'stop' }]);
  const events = sseTypes(text);
  assert.deepEqual(events.map((event) => event.data.type), [
    'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'response.output_text.delta',
    'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
  ]);
  events.forEach((event, index) => {
    assert.equal(event.event, event.data.type);
    assert.equal(event.data.sequence_number, index);
  });
});

test('SDK: text, reasoning with its signature and a function call match the whole answer', async () => {
  const content: AssistantContent[] = [
    { type: 'reasoning', text: 'Think.', signature: 'enc', id: 'rs_given' },
    { type: 'text', text: 'Let me check.' },
    { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}', itemId: 'fc_given' },
  ];
  const events: StreamEvent[] = [
    start,
    { type: 'reasoning-delta', text: 'Think', id: 'rs_given' }, { type: 'reasoning-delta', text: '.' }, { type: 'reasoning-signature', signature: 'enc' }, { type: 'reasoning-end' },
    { type: 'text-delta', text: 'Let me ' }, { type: 'text-delta', text: 'check.' }, { type: 'text-end' },
    { type: 'tool-call-start', index: 0, id: 'call_1', name: 'weather', itemId: 'fc_given' },
    { type: 'tool-call-delta', index: 0, arguments: '{"city":' }, { type: 'tool-call-delta', index: 0, arguments: '"Paris"}' }, { type: 'tool-call-end', index: 0 },
    { type: 'usage', usage }, { type: 'finish', finishReason: 'tool-calls' },
  ];
  const { streamed } = await assertSameAsWhole(events, content, 'tool-calls', usage);
  assert.deepEqual(streamed.output[0], { id: 'rs_given', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think.' }], encrypted_content: 'enc' });
  assert.equal(streamed.output[2].id, 'fc_given');
  assert.deepEqual(streamed.usage, { input_tokens: 120, input_tokens_details: { cached_tokens: 100 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 12 }, total_tokens: 160 });
});

test('SDK: a tool call with no arguments gets "{}"', async () => {
  const events: StreamEvent[] = [start, { type: 'tool-call-start', index: 0, id: 'call_1', name: 'now' }, { type: 'tool-call-end', index: 0 }, { type: 'finish', finishReason: 'tool-calls' }];
  const { streamed } = await assertSameAsWhole(events, [{ type: 'tool-call', id: 'call_1', name: 'now', arguments: '{}' }], 'tool-calls', null);
  assert.equal(calls(streamed).length, 1);
  assert.equal((streamed.output[0] as { arguments: string }).arguments, '{}');
});

test('SDK: arguments split in the middle of escapes arrive whole', async () => {
  const argumentsText = '{"text":"line\\nnext \\u00e9 \\"quoted\\""}';
  const pieces = ['{"text":"line\\', 'nnext \\u0', '0e9 \\', '"quoted\\"', '"}'];
  assert.equal(pieces.join(''), argumentsText);
  const events: StreamEvent[] = [start, { type: 'tool-call-start', index: 0, id: 'call_1', name: 'say' }, ...pieces.map((piece): StreamEvent => ({ type: 'tool-call-delta', index: 0, arguments: piece })), { type: 'finish', finishReason: 'tool-calls' }];
  const { streamed } = await assertSameAsWhole(events, [{ type: 'tool-call', id: 'call_1', name: 'say', arguments: argumentsText }], 'tool-calls', null);
  assert.deepEqual(JSON.parse((streamed.output[0] as { arguments: string }).arguments), { text: 'line\nnext é "quoted"' });
});

test('SDK: two interleaved parallel tool calls (Chat order) become two whole items', async () => {
  const events: StreamEvent[] = [
    start,
    { type: 'tool-call-start', index: 0, id: 'call_a', name: 'weather' },
    { type: 'tool-call-delta', index: 0, arguments: '{"city":' },
    { type: 'tool-call-start', index: 1, id: 'call_b', name: 'time' },
    { type: 'tool-call-delta', index: 1, arguments: '{"zone":' },
    { type: 'tool-call-delta', index: 0, arguments: '"Paris"}' },
    { type: 'tool-call-delta', index: 1, arguments: '"UTC"}' },
    { type: 'tool-call-end', index: 0 }, { type: 'tool-call-end', index: 1 },
    { type: 'usage', usage }, { type: 'finish', finishReason: 'tool-calls' },
  ];
  const content: AssistantContent[] = [
    { type: 'tool-call', id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
    { type: 'tool-call', id: 'call_b', name: 'time', arguments: '{"zone":"UTC"}' },
  ];
  const { streamed } = await assertSameAsWhole(events, content, 'tool-calls', usage);
  assert.deepEqual(calls(streamed), [
    { type: 'function_call', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
    { type: 'function_call', call_id: 'call_b', name: 'time', arguments: '{"zone":"UTC"}' },
  ]);
});

test('SDK: empty deltas and a stream without usage or start', async () => {
  const events: StreamEvent[] = [{ type: 'text-delta', text: '' }, { type: 'text-delta', text: 'Hi' }, { type: 'text-delta', text: '' }, { type: 'finish', finishReason: 'stop' }];
  const { streamed } = await assertSameAsWhole(events, [{ type: 'text', text: 'Hi' }], 'stop', null);
  assert.equal(streamed.output_text, 'Hi');
  assert.equal(streamed.usage ?? null, null);
  assert.equal(encodeStream([]).includes('"output":[]'), true, 'an empty answer still opens and completes');
});

test('SDK: a custom tool call streams as custom_tool_call input, escapes split anywhere', async () => {
  const input = 'SELECT "name" FROM users WHERE bio LIKE \'%\\n%\' -- ü 😀';
  const argumentsText = JSON.stringify({ input }).replace('😀', '\\ud83d\\ude00');
  const events: StreamEvent[] = [start, { type: 'tool-call-start', index: 0, id: 'call_sql', name: 'write_sql', itemId: 'ctc_1' }];
  for (let offset = 0; offset < argumentsText.length; offset += 3) events.push({ type: 'tool-call-delta', index: 0, arguments: argumentsText.slice(offset, offset + 3) });
  events.push({ type: 'tool-call-end', index: 0 }, { type: 'finish', finishReason: 'tool-calls' });
  const { streamed } = await assertSameAsWhole(events, [{ type: 'tool-call', id: 'call_sql', name: 'write_sql', arguments: argumentsText, itemId: 'ctc_1' }], 'tool-calls', null);
  assert.deepEqual(calls(streamed), [{ type: 'custom_tool_call', call_id: 'call_sql', name: 'write_sql', input }]);
  const deltas = sseTypes(encodeStream(events)).filter((event) => event.data.type === 'response.custom_tool_call_input.delta');
  const pieces = deltas.map((event) => (event.data as unknown as { delta: string }).delta);
  assert.equal(pieces.join(''), input);
  assert.ok(pieces.length > 10, 'the input streams as it arrives');
  assert.ok(pieces.every((piece) => !/[\ud800-\udbff]$/.test(piece)), 'no piece ends inside a surrogate pair');
});

test('SDK: refusal and a length cut give an incomplete response', async () => {
  const events: StreamEvent[] = [start, { type: 'refusal-delta', text: 'No' }, { type: 'text-delta', text: 'Partial' }, { type: 'finish', finishReason: 'length' }];
  const { streamed } = await assertSameAsWhole(events, [{ type: 'refusal', text: 'No' }, { type: 'text', text: 'Partial' }], 'length', null);
  assert.equal(streamed.status, 'incomplete');
  assert.deepEqual(streamed.incomplete_details, { reason: 'max_output_tokens' });
  const [refusal] = (streamed.output[0] as { content: Array<{ type: string; refusal: string }> }).content;
  assert.deepEqual([refusal.type, refusal.refusal], ['refusal', 'No']);
  assert.ok(sseTypes(encodeStream(events)).some((event) => event.data.type === 'response.incomplete'));
});

test('fail: an error event, then response.failed; the SDK rejects with the error and our decoder reports it', async () => {
  const encoder = new ResponsesStreamEncoder(context);
  const text = encoder.push(start) + encoder.push({ type: 'text-delta', text: 'Hal' }) + encoder.fail({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'slow down' });
  assert.equal(encoder.end(), '');
  const events = sseTypes(text);
  assert.deepEqual(events.slice(-2).map((event) => event.data.type), ['error', 'response.failed']);
  assert.deepEqual(events[events.length - 2].data, { type: 'error', sequence_number: events.length - 2, code: 'rate_limit_exceeded', message: 'slow down', param: null });
  // The SDK treats the `error` event as the stream's error, as it does with OpenAI's own streams.
  await assert.rejects(client(text, 'text/event-stream').responses.stream({ model: 'client-model', input: 'hi' }).finalResponse(), { code: 'rate_limit_exceeded', message: 'slow down' });
  const failed = sseTypes(text).at(-1)!.data as unknown as { response: { status: string; error: unknown; output: unknown[] } };
  assert.equal(failed.response.status, 'failed');
  assert.deepEqual(failed.response.error, { code: 'rate_limit_exceeded', message: 'slow down' });
  const decoder = new ResponsesStreamDecoder();
  decoder.push(new TextEncoder().encode(text));
  assert.equal(decoder.failure?.code, 'rate_limit_exceeded');
  assert.equal(decoder.failure?.message, 'slow down');
});

test('our decoder reads our encoder back to the same events content', () => {
  const events: StreamEvent[] = [
    start,
    { type: 'reasoning-delta', text: 'Hmm', id: 'rs_x' }, { type: 'reasoning-signature', signature: 'sig' }, { type: 'reasoning-end' },
    { type: 'text-delta', text: 'Answer' }, { type: 'text-end' },
    { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f', itemId: 'fc_1' }, { type: 'tool-call-delta', index: 0, arguments: '{"a":1}' }, { type: 'tool-call-end', index: 0 },
    { type: 'tool-call-start', index: 1, id: 'call_2', name: 'sql', itemId: 'ctc_2' }, { type: 'tool-call-delta', index: 1, arguments: '{"input":"SELECT 1"}' }, { type: 'tool-call-end', index: 1 },
    { type: 'usage', usage }, { type: 'finish', finishReason: 'tool-calls' },
  ];
  const decoder = new ResponsesStreamDecoder();
  const decoded = decoder.push(new TextEncoder().encode(encodeStream(events)));
  assert.equal(decoder.malformed, null);
  // A custom call's arguments come back as its input's piece, opened, and their closing: two deltas.
  const types = (list: StreamEvent[]) => list.map((event) => event.type).filter((type, index, all) => !(type === 'tool-call-delta' && all[index - 1] === type));
  assert.deepEqual(types(decoded), types(events));
  assert.deepEqual(decoded.find((event) => event.type === 'tool-call-start' && event.index === 1), { type: 'tool-call-start', index: 1, id: 'call_2', name: 'sql', itemId: 'ctc_2' });
  const customArguments = decoded.filter((event) => event.type === 'tool-call-delta' && event.index === 1).map((event) => (event as { arguments: string }).arguments).join('');
  assert.equal(customArguments, '{"input":"SELECT 1"}');
});

test('redacted reasoning goes out as a marked reasoning item and comes back as redacted reasoning', () => {
  const text = encodeStream([start, { type: 'redacted-reasoning', data: 'opaque' }, { type: 'text-delta', text: 'Hi' }, { type: 'finish', finishReason: 'stop' }]);
  const completed = sseTypes(text).at(-1)!.data as unknown as { response: { output: Array<Record<string, unknown>> } };
  const item = completed.response.output[0];
  assert.equal(item.type, 'reasoning');
  assert.equal(item.encrypted_content, 'opaque');
  const request = decodeRequest({ model: 'm', input: [item, { type: 'message', role: 'user', content: 'next' }] });
  assert.deepEqual(request.messages[0], { role: 'assistant', content: [{ type: 'redacted-reasoning', data: 'opaque' }] });
});
