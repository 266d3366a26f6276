import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AssistantContent, EncodeTarget, FinishReason, StreamDecoder, StreamEvent, Usage } from '../ir.ts';
import { decodeResponse, decodeUsage } from './response.ts';
import { createStreamDecoder } from './stream-decoder.ts';

const recorded = new URL('../../../test/fixtures/recorded/', import.meta.url);
const target: EncodeTarget = { upstreamModel: 'upstream-model', quirks: {} };
const encoder = new TextEncoder();

function chunkLines(name: string): string[] {
  return readFileSync(new URL(`${name}.chunks.txt`, recorded), 'utf8').split('\n').filter((line) => line.trim() !== '');
}

function sseBody(payloads: (string | object)[]): string {
  return payloads.map((payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`).join('') + 'data: [DONE]\n\n';
}

function decodeAll(pieces: (string | Uint8Array)[]): { events: StreamEvent[]; decoder: StreamDecoder } {
  const decoder = createStreamDecoder(target);
  const events: StreamEvent[] = [];
  for (const piece of pieces) events.push(...decoder.push(typeof piece === 'string' ? encoder.encode(piece) : piece));
  events.push(...decoder.end());
  return { events, decoder };
}

interface Assembled {
  content: AssistantContent[];
  finishReason: FinishReason | null;
  usage: Usage | null;
}

/** What a client would end up with: deltas joined into parts, in order. */
function assemble(events: StreamEvent[]): Assembled {
  const content: AssistantContent[] = [];
  const calls = new Map<number, Extract<AssistantContent, { type: 'tool-call' }>>();
  let finishReason: FinishReason | null = null;
  let usage: Usage | null = null;
  const append = (type: 'text' | 'reasoning' | 'refusal', text: string): void => {
    const last = content[content.length - 1];
    if (last && last.type === type) last.text += text;
    else content.push({ type, text } as AssistantContent);
  };
  for (const event of events) {
    if (event.type === 'text-delta') append('text', event.text);
    else if (event.type === 'reasoning-delta') append('reasoning', event.text);
    else if (event.type === 'refusal-delta') append('refusal', event.text);
    else if (event.type === 'tool-call-start') {
      const call = { type: 'tool-call' as const, id: event.id, name: event.name, arguments: '' };
      calls.set(event.index, call);
      content.push(call);
    } else if (event.type === 'tool-call-delta') {
      const call = calls.get(event.index);
      assert.ok(call, `delta for tool call ${event.index} before its start`);
      call.arguments += event.arguments;
    } else if (event.type === 'finish') finishReason = event.finishReason;
    else if (event.type === 'usage') usage = event.usage;
  }
  return { content, finishReason, usage };
}

const shape = (content: AssistantContent[]): string[] => content.map((part) => (part.type === 'tool-call' ? `tool-call ${part.name}` : part.type));

/** The expected stream content worked out from the raw chunks, independently of the decoder. */
function rawDeltas(lines: string[]): { text: string; reasoning: string; lastUsage: unknown } {
  let text = '';
  let reasoning = '';
  let lastUsage: unknown = null;
  for (const line of lines) {
    const chunk = JSON.parse(line);
    const delta = chunk.choices?.[0]?.delta ?? {};
    if (typeof delta.content === 'string') text += delta.content;
    if (typeof delta.reasoning_content === 'string') reasoning += delta.reasoning_content;
    if (chunk.usage) lastUsage = chunk.usage;
  }
  return { text, reasoning, lastUsage };
}

const pairs = [
  { name: 'openai-chat/openai-text', shape: ['text'], finish: 'stop' },
  { name: 'groq/groq-text', shape: ['text'], finish: 'stop' },
  { name: 'groq/groq-tool-call', shape: ['tool-call weather'], finish: 'tool-calls' },
  { name: 'deepseek/deepseek-text', shape: ['text'], finish: 'length' },
  { name: 'deepseek/deepseek-reasoning', shape: ['reasoning', 'text'], finish: 'stop' },
  { name: 'deepseek/deepseek-tool-call', shape: ['reasoning', 'tool-call weather'], finish: 'tool-calls' },
  { name: 'mistral/mistral-text', shape: ['text'], finish: 'stop' },
  { name: 'mistral/mistral-tool-call', shape: ['tool-call weather'], finish: 'tool-calls' },
  { name: 'xai/xai-text', shape: ['reasoning', 'text'], finish: 'stop' },
  { name: 'xai/xai-tool-call', shape: ['reasoning', 'tool-call weather'], finish: 'tool-calls' },
  { name: 'perplexity/perplexity-text', shape: ['text'], finish: 'stop' },
] as const;

for (const fixture of pairs) {
  test(`recorded ${fixture.name}: the stream decodes to what the whole answer holds`, () => {
    const whole = decodeResponse(JSON.parse(readFileSync(new URL(`${fixture.name}.json`, recorded), 'utf8')), target);
    const lines = chunkLines(fixture.name);
    const { events, decoder } = decodeAll([sseBody(lines)]);
    assert.equal(decoder.malformed, null);
    assert.equal(decoder.failure, null);
    const streamed = assemble(events);

    // The two recordings are separate calls, so they agree in shape, not word for word.
    assert.deepEqual(shape(whole.content), fixture.shape);
    assert.deepEqual(shape(streamed.content), fixture.shape);
    assert.equal(whole.finishReason, fixture.finish);
    assert.equal(streamed.finishReason, fixture.finish);
    assert.ok(whole.usage && whole.usage.inputTokens > 0 && whole.usage.outputTokens > 0);
    assert.ok(streamed.usage && streamed.usage.inputTokens > 0 && streamed.usage.outputTokens > 0);
    for (const [index, part] of whole.content.entries()) {
      const other = streamed.content[index];
      if (part.type === 'tool-call' && other.type === 'tool-call') assert.deepEqual(JSON.parse(other.arguments), JSON.parse(part.arguments));
    }

    const raw = rawDeltas(lines);
    const text = streamed.content.find((part) => part.type === 'text');
    assert.equal(text?.type === 'text' ? text.text : '', raw.text);
    const reasoning = streamed.content.find((part) => part.type === 'reasoning');
    assert.equal(reasoning?.type === 'reasoning' ? reasoning.text : '', raw.reasoning);
    assert.deepEqual(streamed.usage, decodeUsage(raw.lastUsage) ?? decodeUsage(JSON.parse(lines[lines.length - 1]).x_groq?.usage));

    const start = events[0];
    const first = JSON.parse(lines.find((line) => JSON.parse(line).id !== '') ?? '{}');
    assert.deepEqual(start, { type: 'start', id: first.id, model: first.model, created: first.created });
    assert.equal(events.filter((event) => event.type === 'finish').length, 1);
    assert.equal(events.filter((event) => event.type === 'usage').length, 1);
  });
}

test('recorded details: ids, usage quirks of DeepSeek, xAI, Groq and Perplexity', () => {
  const decode = (name: string) => assemble(decodeAll([sseBody(chunkLines(name))]).events);
  const groq = decode('groq/groq-tool-call');
  assert.deepEqual(groq.content, [{ type: 'tool-call', id: 'tk85n1k4m', name: 'weather', arguments: '{}' }]);
  assert.deepEqual(groq.usage, { inputTokens: 210, outputTokens: 15, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
  const deepseek = decode('deepseek/deepseek-tool-call');
  assert.deepEqual(deepseek.usage, { inputTokens: 339, outputTokens: 83, cachedInputTokens: 320, cacheWriteTokens: 0, reasoningTokens: 39 });
  const mistral = decode('mistral/mistral-tool-call');
  assert.deepEqual(mistral.content, [{ type: 'tool-call', id: 'gSIMJiOkT', name: 'weather', arguments: '{"location": "San Francisco"}' }]);
  // xAI's completion_tokens leave reasoning out; the internal form counts it in.
  assert.deepEqual(decode('xai/xai-tool-call').usage, { inputTokens: 291, outputTokens: 222, cachedInputTokens: 290, cacheWriteTokens: 0, reasoningTokens: 196 });
  // Perplexity repeats a growing usage on every chunk: one usage event, the last total.
  assert.equal(decode('perplexity/perplexity-text').usage?.outputTokens, 434);
});

test('recorded Azure stream: the empty-id content-filter chunk does not start the answer', () => {
  const lines = chunkLines('openai-chat/azure-model-router.1');
  const { events } = decodeAll([sseBody(lines)]);
  assert.deepEqual(events[0], { type: 'start', id: 'chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt', model: 'gpt-5-nano-2025-08-07', created: 1762317021 });
  const assembled = assemble(events);
  assert.deepEqual(assembled.content, [{ type: 'text', text: 'Capital of Denmark.' }]);
  assert.deepEqual(assembled.usage, { inputTokens: 15, outputTokens: 78, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 64 });
  assert.deepEqual(events.slice(-2).map((event) => event.type), ['finish', 'usage']);
});

test('bytes split at every boundary decode to the same events', () => {
  const body = encoder.encode(sseBody(chunkLines('xai/xai-tool-call')));
  const expected = decodeAll([body]).events;
  for (let cut = 1; cut < body.length; cut++) {
    assert.deepEqual(decodeAll([body.subarray(0, cut), body.subarray(cut)]).events, expected, `cut at ${cut}`);
  }
});

test('multi-byte characters split inside a character, and a long stream fed one byte at a time', () => {
  const lines = chunkLines('openai-chat/openai-text');
  const nonAscii = lines.filter((line) => /[^\x00-\x7f]/.test(line));
  assert.ok(nonAscii.length > 0);
  const body = encoder.encode(sseBody(nonAscii));
  const expected = decodeAll([body]).events;
  for (let cut = 1; cut < body.length; cut++) assert.deepEqual(decodeAll([body.subarray(0, cut), body.subarray(cut)]).events, expected);

  const whole = encoder.encode(sseBody(lines));
  const bytes: Uint8Array[] = [];
  for (let index = 0; index < whole.length; index++) bytes.push(whole.subarray(index, index + 1));
  assert.deepEqual(decodeAll(bytes).events, decodeAll([whole]).events);
});

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}) =>
  ({ id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra });

test('a tool call with no arguments gets "{}"', () => {
  const { events } = decodeAll([sseBody([chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'now', arguments: '' } }] }), chunk({}, 'tool_calls')])]);
  assert.deepEqual(events.slice(1), [
    { type: 'tool-call-start', index: 0, id: 'a', name: 'now' },
    { type: 'tool-call-delta', index: 0, arguments: '{}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'finish', finishReason: 'tool-calls' },
  ]);
});

test('arguments split in the middle of an escape are joined intact', () => {
  const { events } = decodeAll([sseBody([
    chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"a":"\\u00' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: 'e9"}' } }] }),
    chunk({}, 'tool_calls'),
  ])]);
  const [call] = assemble(events).content;
  assert.equal(call.type === 'tool-call' ? call.arguments : '', '{"a":"\\u00e9"}');
  assert.deepEqual(JSON.parse(call.type === 'tool-call' ? call.arguments : ''), { a: 'é' });
});

test('two parallel tool calls interleaved keep their own arguments', () => {
  const { events } = decodeAll([sseBody([
    chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '{"y"' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }, { index: 0, function: { arguments: '1}' } }] }),
    chunk({}, 'tool_calls'),
  ])]);
  assert.deepEqual(assemble(events).content, [
    { type: 'tool-call', id: 'a', name: 'f', arguments: '{"x":1}' },
    { type: 'tool-call', id: 'b', name: 'g', arguments: '{"y":2}' },
  ]);
  assert.deepEqual(events.filter((event) => event.type === 'tool-call-end'), [{ type: 'tool-call-end', index: 0 }, { type: 'tool-call-end', index: 1 }]);
});

test('providers that omit the index, repeat the id, or send calls whole are all understood', () => {
  const noIndex = decodeAll([sseBody([
    chunk({ tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{"q":' } }] }),
    chunk({ tool_calls: [{ function: { arguments: '"x"}' } }] }),
    chunk({ tool_calls: [{ id: 'b', function: { name: 'g', arguments: '{}' } }] }),
    chunk({}, 'tool_calls'),
  ])]).events;
  assert.deepEqual(assemble(noIndex).content, [
    { type: 'tool-call', id: 'a', name: 'f', arguments: '{"q":"x"}' },
    { type: 'tool-call', id: 'b', name: 'g', arguments: '{}' },
  ]);

  const repeated = decodeAll([sseBody([
    chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"q"' } }] }),
    chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: ':1}' } }] }),
    chunk({}, 'tool_calls'),
  ])]).events;
  assert.deepEqual(assemble(repeated).content, [{ type: 'tool-call', id: 'a', name: 'f', arguments: '{"q":1}' }]);

  const whole = decodeAll([sseBody([chunk({ tool_calls: [
    { id: 'a', function: { name: 'f', arguments: '{"n":1}' } },
    { id: 'b', function: { name: 'f', arguments: '{"n":2}' } },
  ] }, 'tool_calls')])]).events;
  assert.deepEqual(assemble(whole).content.map((part) => (part.type === 'tool-call' ? part.arguments : '')), ['{"n":1}', '{"n":2}']);

  // The name arriving after the id: the call starts once it has one, arguments held until then.
  const lateName = decodeAll([sseBody([
    chunk({ tool_calls: [{ index: 0, id: 'a', function: { arguments: '{"a"' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: ':1}' } }] }),
    chunk({}, 'tool_calls'),
  ])]).events;
  assert.deepEqual(assemble(lateName).content, [{ type: 'tool-call', id: 'a', name: 'f', arguments: '{"a":1}' }]);
});

test('empty deltas produce nothing; a stream may end without usage', () => {
  const { events } = decodeAll([sseBody([chunk({ role: 'assistant', content: '' }), chunk({}), chunk({ content: null, refusal: null }), chunk({ content: 'hi' }), chunk({}, 'stop')])]);
  assert.deepEqual(events, [
    { type: 'start', id: 'c1', model: 'm', created: 5 },
    { type: 'text-delta', text: 'hi' },
    { type: 'finish', finishReason: 'stop' },
  ]);
});

test('reasoning under either name, refusal, and finish reasons', () => {
  const { events } = decodeAll([sseBody([chunk({ reasoning: 'r1' }), chunk({ reasoning_content: 'r2', reasoning: 'r2' }), chunk({ refusal: 'no' }), chunk({}, 'content_filter')])]);
  assert.deepEqual(events.slice(1), [
    { type: 'reasoning-delta', text: 'r1' },
    { type: 'reasoning-delta', text: 'r2' },
    { type: 'refusal-delta', text: 'no' },
    { type: 'finish', finishReason: 'content-filter' },
  ]);
  const reasons = ['length', 'function_call', 'eos'].map((reason) => decodeAll([sseBody([chunk({}, reason)])]).events.at(-1));
  assert.deepEqual(reasons, [{ type: 'finish', finishReason: 'length' }, { type: 'finish', finishReason: 'tool-calls' }, { type: 'finish', finishReason: 'other' }]);
});

test('a tool call answered with finish "stop" is still a tool-call finish', () => {
  const { events } = decodeAll([sseBody([chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' } }] }), chunk({}, 'stop')])]);
  assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'tool-calls' });
});

test('an error chunk sets failure with the provider status, or 502', () => {
  const withStatus = decodeAll([sseBody([chunk({ content: 'a' }), { error: { message: 'Rate limited', type: 'rate_limit_error', code: 429 } }, chunk({ content: 'b' })])]);
  assert.deepEqual(withStatus.decoder.failure, { status: 429, type: 'rate_limit_error', code: null, message: 'Rate limited' });
  assert.deepEqual(withStatus.events.map((event) => event.type), ['start', 'text-delta']);
  const withoutStatus = decodeAll([sseBody([{ error: { message: 'boom', code: 'server_error' } }])]);
  assert.deepEqual(withoutStatus.decoder.failure, { status: 502, type: 'upstream_error', code: 'server_error', message: 'boom' });
  assert.equal(decodeAll([sseBody([{ error: { message: 'busy', type: 'overloaded_error' } }])]).decoder.failure?.status, 529);
});

test('unparseable JSON marks the stream malformed and stops it', () => {
  const { events, decoder } = decodeAll([sseBody([chunk({ content: 'a' }), '{"id": oops', chunk({ content: 'b' })])]);
  assert.match(decoder.malformed ?? '', /not JSON/);
  assert.deepEqual(events.map((event) => event.type), ['start', 'text-delta']);
  assert.match(decodeAll([sseBody(['[1,2]'])]).decoder.malformed ?? '', /not a JSON object/);
});

test('usage on the finish chunk or under x_groq comes out once, before the finish', () => {
  const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
  const { events } = decodeAll([sseBody([chunk({ content: 'a' }), chunk({}, 'stop', { x_groq: { usage } })])]);
  assert.deepEqual(events.slice(-2), [
    { type: 'usage', usage: { inputTokens: 3, outputTokens: 2, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
    { type: 'finish', finishReason: 'stop' },
  ]);
});

test("Mistral's content parts: thinking (a list of texts, or one string) is reasoning, text parts are text", () => {
  const delta = (content: unknown) => ({ id: 'c', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
  const { events } = decodeAll([
    sseBody([
      delta([{ type: 'thinking', thinking: [{ type: 'text', text: 'Six times' }] }]),
      delta([{ type: 'thinking', thinking: ' seven.' }]),
      delta([{ type: 'text', text: '42' }]),
      { id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ]),
  ]);
  assert.deepEqual(assemble(events).content, [{ type: 'reasoning', text: 'Six times seven.' }, { type: 'text', text: '42' }]);
});
