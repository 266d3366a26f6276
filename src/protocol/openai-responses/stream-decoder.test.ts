import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AssistantContent, EncodeTarget, FinishReason, StreamEvent, Usage } from '../ir.ts';
import { decodeResponse } from './response.ts';
import { ResponsesStreamDecoder } from './stream-decoder.ts';

const fixtures = new URL('../../../test/fixtures/recorded/openai-responses/', import.meta.url);
const target: EncodeTarget = { upstreamModel: 'gpt-test', quirks: {} };

/** The recorded payloads as the provider framed them: `event:` line, `data:` line, blank line. */
function recordedStreams(name: string): string[][] {
  const lines = readFileSync(new URL(`${name}.chunks.txt`, fixtures), 'utf8').split('\n').filter((line) => line.trim() !== '');
  // Some recordings hold several answers in a row (an agent's steps); each begins with response.created.
  const streams: string[][] = [];
  for (const line of lines) {
    if (typeOf(line) === 'response.created') streams.push([]);
    streams[streams.length - 1].push(line);
  }
  return streams;
}

function sse(lines: string[]): string {
  return lines.map((line) => `event: ${typeOf(line)}\ndata: ${line}\n\n`).join('');
}

/** Read without parsing: one recording has lines that are not valid JSON. */
function typeOf(line: string): string {
  return /"type":"([^"]+)"/.exec(line)?.[1] ?? '';
}

/** Decodes the bytes fed in pieces of `size` bytes. */
function decode(text: string, size = Infinity): { events: StreamEvent[]; decoder: ResponsesStreamDecoder } {
  const decoder = new ResponsesStreamDecoder();
  const bytes = new TextEncoder().encode(text);
  const events: StreamEvent[] = [];
  const step = Number.isFinite(size) ? size : bytes.length;
  for (let offset = 0; offset < bytes.length; offset += step) events.push(...decoder.push(bytes.subarray(offset, offset + step)));
  events.push(...decoder.end());
  return { events, decoder };
}

interface Collected {
  id: string;
  model: string;
  content: AssistantContent[];
  usage: Usage | null;
  finishReason: FinishReason | null;
}

/** What a consumer builds from the events; comparable with decodeResponse's answer. */
function collect(events: StreamEvent[]): Collected {
  const result: Collected = { id: '', model: '', content: [], usage: null, finishReason: null };
  let open: AssistantContent | null = null;
  const calls = new Map<number, AssistantContent & { type: 'tool-call' }>();
  for (const event of events) {
    switch (event.type) {
      case 'start':
        result.id = event.id;
        result.model = event.model;
        break;
      case 'text-delta':
        if (open?.type !== 'text') result.content.push((open = { type: 'text', text: '' }));
        open.text += event.text;
        break;
      case 'reasoning-delta':
        if (open?.type !== 'reasoning') result.content.push((open = event.id ? { type: 'reasoning', text: '', id: event.id } : { type: 'reasoning', text: '' }));
        open.text += event.text;
        break;
      case 'reasoning-signature':
        if (open?.type === 'reasoning') open.signature = event.signature;
        break;
      case 'refusal-delta':
        if (open?.type !== 'refusal') result.content.push((open = { type: 'refusal', text: '' }));
        open.text += event.text;
        break;
      case 'text-end':
      case 'reasoning-end':
        open = null;
        break;
      case 'tool-call-start': {
        const call: AssistantContent & { type: 'tool-call' } = { type: 'tool-call', id: event.id, name: event.name, arguments: '' };
        if (event.itemId) call.itemId = event.itemId;
        calls.set(event.index, call);
        result.content.push(call);
        open = null;
        break;
      }
      case 'tool-call-delta':
        calls.get(event.index)!.arguments += event.arguments;
        break;
      case 'usage':
        result.usage = event.usage;
        break;
      case 'finish':
        result.finishReason = event.finishReason;
        break;
    }
  }
  return result;
}

function withoutSignature(part: AssistantContent): AssistantContent {
  return part.type === 'reasoning' && part.signature !== undefined ? { ...part, signature: 'present' } : part;
}

function assertAgrees(streamLines: string[], whole: unknown): void {
  const expected = decodeResponse(whole, target);
  for (const size of [Infinity, 7, 1]) {
    const { events, decoder } = decode(sse(streamLines), size);
    assert.equal(decoder.malformed, null);
    assert.equal(decoder.failure, null);
    const streamed = collect(events);
    // OpenAI encrypts reasoning anew each time it serializes an item: output_item.done and
    // response.completed carry different (equally valid) blobs. Compare their presence only.
    assert.deepEqual(streamed.content.map(withoutSignature), expected.content.map(withoutSignature), `content, fed in pieces of ${size} bytes`);
    assert.deepEqual(streamed.usage, expected.usage);
    assert.equal(streamed.finishReason, expected.finishReason);
    assert.equal(streamed.id, expected.id);
    assert.equal(streamed.model, expected.model);
  }
}

test('each answer of the reasoning recording decodes the same streamed as its completed response', () => {
  const streams = recordedStreams('openai-reasoning-encrypted-content.1');
  assert.equal(streams.length, 4);
  for (const lines of streams) {
    const completed = JSON.parse(lines[lines.length - 1]) as { type: string; response: unknown };
    assert.equal(completed.type, 'response.completed');
    assertAgrees(lines, completed.response);
  }
  const first = collect(decode(sse(streams[0])).events);
  const reasoning = first.content[0];
  assert.equal(reasoning.type, 'reasoning');
  assert.ok(reasoning.type === 'reasoning' && reasoning.text.startsWith('**Calculating step-by-step using calculator**\n\nI'));
  assert.ok(reasoning.type === 'reasoning' && reasoning.signature?.startsWith('gAAAAABpPDIVOKrs'));
  assert.ok(reasoning.type === 'reasoning' && reasoning.id?.startsWith('rs_01830d'));
  assert.deepEqual(first.content[1], {
    type: 'tool-call',
    id: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn',
    name: 'calculator',
    arguments: '{"a":12,"b":7,"op":"add"}',
    itemId: 'fc_01830d662ab3856501693c32151234819091cfca267e98cc5f',
  });
  assert.equal(first.finishReason, 'tool-calls');
  const last = collect(decode(sse(streams[3])).events);
  assert.deepEqual(last.content, [{ type: 'text', text: 'The final result is **570**.' }]);
  assert.equal(last.finishReason, 'stop');
  assert.deepEqual(last.usage, { inputTokens: 299, outputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
});

test('the custom tool recording decodes the same streamed and whole, its input as the arguments\' `input`', () => {
  const [lines] = recordedStreams('openai-custom-tool.1');
  const whole: unknown = JSON.parse(readFileSync(new URL('openai-custom-tool.1.json', fixtures), 'utf8'));
  assertAgrees(lines, whole);
  const call = decodeResponse(whole, target).content[0];
  assert.deepEqual(call, { type: 'tool-call', id: 'call_custom_sql_001', name: 'write_sql', arguments: '{"input":"SELECT * FROM users WHERE age > 25"}', itemId: 'ct_abc123def456' });
});

test('the parallel wrapper recording: its truncated first event is malformed; repaired, it agrees with the whole answer', () => {
  const [lines] = recordedStreams('parallel-tool-call-wrapper.1');
  const recorded = decode(sse(lines));
  assert.match(recorded.decoder.malformed ?? '', /not JSON/);
  assert.deepEqual(recorded.events, []);
  // The recording lost the closing brace of response.created and response.completed.
  const repaired = lines.map((line) => (isJson(line) ? line : `${line}}`));
  const whole: unknown = JSON.parse(readFileSync(new URL('parallel-tool-call-wrapper.1.json', fixtures), 'utf8'));
  assertAgrees(repaired, whole);
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

test('the whole reasoning recording keeps the summary, encrypted content and item id', () => {
  const whole: unknown = JSON.parse(readFileSync(new URL('openai-reasoning-encrypted-content.1.json', fixtures), 'utf8'));
  const response = decodeResponse(whole, target);
  assert.equal(response.content.length, 2);
  const [reasoning, text] = response.content;
  assert.ok(reasoning.type === 'reasoning' && reasoning.id === 'rs_0f35ed53160b395301693cc95817ac8190b978637daea4987e');
  assert.ok(reasoning.type === 'reasoning' && reasoning.signature?.endsWith('kCQ=='));
  assert.ok(text.type === 'text' && text.text.endsWith('Final result: 570'));
  assert.deepEqual(response.usage, { inputTokens: 865, outputTokens: 163, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 128 });
  assert.equal(response.finishReason, 'stop');
});

test('an error inside the stream sets failure with the provider code and message', () => {
  const [lines] = recordedStreams('openai-error.1');
  const { events, decoder } = decode(sse(lines), 5);
  assert.equal(decoder.malformed, null);
  assert.equal(decoder.failure?.code, 'insufficient_quota');
  assert.equal(decoder.failure?.type, 'insufficient_quota');
  assert.equal(decoder.failure?.status, 502);
  assert.match(decoder.failure?.message ?? '', /exceeded your current quota/);
  assert.deepEqual(events.map((event) => event.type), ['start']);
});

test('response.failed alone is a failure too, and the flat error event form is read', () => {
  const failed = decode(sse([JSON.stringify({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'boom' } } })]));
  assert.deepEqual(failed.decoder.failure, { status: 502, type: 'upstream_error', code: 'server_error', message: 'boom' });
  const flat = decode(sse([JSON.stringify({ type: 'error', code: 'server_is_overloaded', message: 'busy', param: null, sequence_number: 1 })]));
  assert.deepEqual(flat.decoder.failure, { status: 529, type: 'upstream_error', code: 'server_is_overloaded', message: 'busy' });
});

test('an event that is not JSON makes the stream malformed', () => {
  const { decoder } = decode('event: response.created\ndata: {"type":"response.created","response":{}}\n\nevent: x\ndata: {not json\n\n');
  assert.match(decoder.malformed ?? '', /not JSON/);
});

test('a second summary part is set apart by a blank line; an incomplete answer is cut by length', () => {
  const lines = [
    { type: 'response.created', response: { id: 'resp_1', model: 'm', created_at: 1 } },
    { type: 'response.output_item.added', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } },
    { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'one' },
    { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 1, delta: 'two' },
    { type: 'response.output_item.done', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'one' }, { type: 'summary_text', text: 'two' }] } },
    { type: 'response.output_item.added', output_index: 1, item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } },
    { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'Hi' },
    { type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { input_tokens: 3, output_tokens: 4 } } },
  ].map((line) => JSON.stringify(line));
  const { events } = decode(sse(lines));
  const collected = collect(events);
  assert.deepEqual(collected.content, [{ type: 'reasoning', text: 'one\n\ntwo', id: 'rs_1' }, { type: 'text', text: 'Hi' }]);
  assert.equal(collected.finishReason, 'length');
  // The open text part is closed before the answer ends.
  assert.deepEqual(events.slice(-3).map((event) => event.type), ['text-end', 'usage', 'finish']);
});

test('a function call whose arguments come only whole, and one with none, still have arguments', () => {
  const lines = [
    { type: 'response.created', response: { id: 'resp_2', model: 'm', created_at: 1 } },
    { type: 'response.output_item.added', output_index: 0, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'a', arguments: '' } },
    { type: 'response.output_item.done', output_index: 0, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'a', arguments: '{"x":1}' } },
    { type: 'response.output_item.done', output_index: 1, item: { id: 'fc_2', type: 'function_call', call_id: 'call_2', name: 'b', arguments: '' } },
    { type: 'response.completed', response: { status: 'completed' } },
  ].map((line) => JSON.stringify(line));
  const collected = collect(decode(sse(lines)).events);
  assert.deepEqual(collected.content, [
    { type: 'tool-call', id: 'call_1', name: 'a', arguments: '{"x":1}', itemId: 'fc_1' },
    { type: 'tool-call', id: 'call_2', name: 'b', arguments: '{}', itemId: 'fc_2' },
  ]);
  assert.equal(collected.finishReason, 'tool-calls');
  assert.equal(collected.usage, null);
});

test('a refusal streams as refusal deltas', () => {
  const lines = [
    { type: 'response.created', response: { id: 'resp_3', model: 'm', created_at: 1 } },
    { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } },
    { type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'refusal', refusal: '' } },
    { type: 'response.refusal.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: "I can't" },
    { type: 'response.refusal.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: ' help.' },
    { type: 'response.completed', response: { status: 'completed' } },
  ].map((line) => JSON.stringify(line));
  assert.deepEqual(collect(decode(sse(lines)).events).content, [{ type: 'refusal', text: "I can't help." }]);
});
