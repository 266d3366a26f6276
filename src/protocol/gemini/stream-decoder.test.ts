import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BlockSequencer } from '../blocks.ts';
import type { AssistantContent, EncodeTarget, FinishReason, StreamEvent, Usage } from '../ir.ts';
import { geminiCodec } from './codec.ts';
import { decodeResponse } from './response.ts';

const recorded = new URL('../../../test/fixtures/recorded/', import.meta.url);
const target: EncodeTarget = { upstreamModel: 'gemini-3-pro-preview', quirks: {} };
const streams = ['google-text', 'google-reasoning', 'google-tool-call'];

function payloads(name: string): string[] {
  return readFileSync(new URL(`google/${name}.chunks.txt`, recorded), 'utf8').split('\n').filter((line) => line.trim() !== '');
}

function sse(lines: string[]): Buffer {
  return Buffer.from(lines.map((line) => `data: ${line}\r\n\r\n`).join(''));
}

function decode(pieces: Uint8Array[]) {
  const decoder = geminiCodec.createStreamDecoder(target);
  const events: StreamEvent[] = [];
  for (const piece of pieces) events.push(...decoder.push(piece));
  events.push(...decoder.end());
  return { events, decoder };
}

interface Assembled {
  id: string;
  model: string;
  content: AssistantContent[];
  finishReason: FinishReason | null;
  usage: Usage | null;
}

/** Builds the whole answer from events the way encoders see them, through the block sequencer. */
function assemble(events: StreamEvent[]): Assembled {
  const result: Assembled = { id: '', model: '', content: [], finishReason: null, usage: null };
  const sequencer = new BlockSequencer({
    open() {},
    delta() {},
    close(block, whole, signature) {
      if (block.kind === 'text') result.content.push({ type: 'text', text: whole });
      else if (block.kind === 'reasoning') result.content.push(signature === undefined ? { type: 'reasoning', text: whole } : { type: 'reasoning', text: whole, signature });
      else if (block.kind === 'tool-call') {
        const call: AssistantContent = { type: 'tool-call', id: block.id, name: block.name, arguments: whole };
        result.content.push(block.signature === undefined ? call : { ...call, signature: block.signature });
      }
    },
  });
  for (const event of events) {
    sequencer.push(event);
    if (event.type === 'start') Object.assign(result, { id: event.id, model: event.model });
    if (event.type === 'usage') result.usage = event.usage;
    if (event.type === 'finish') result.finishReason = event.finishReason;
  }
  sequencer.finish();
  return result;
}

/** The streamed chunks as one whole response: every part in order, the last usage and finish. */
function mergeChunks(lines: string[]): Record<string, unknown> {
  const chunks = lines.map((line) => JSON.parse(line));
  const parts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
  const last = chunks.at(-1);
  return { ...last, candidates: [{ ...last.candidates[0], content: { role: 'model', parts } }] };
}

/** Adjacent plain text parts read as one, as a client sees them. */
function joinText(content: AssistantContent[]): AssistantContent[] {
  const joined: AssistantContent[] = [];
  for (const part of content) {
    const previous = joined.at(-1);
    if (part.type === 'text' && previous?.type === 'text') joined[joined.length - 1] = { type: 'text', text: previous.text + part.text };
    else joined.push(part);
  }
  return joined;
}

test('recorded text stream: start, text deltas, the closing signature, usage, then finish', () => {
  const { events, decoder } = decode([sse(payloads('google-text'))]);
  assert.equal(decoder.malformed, null);
  assert.deepEqual(events.map((event) => event.type), ['start', 'text-delta', 'text-delta', 'reasoning-signature', 'reasoning-end', 'usage', 'finish']);
  assert.deepEqual(events[0], { type: 'start', id: 'bH6LaZW8Fp_3nsEPqtaSwQ4', model: 'gemini-3-pro-preview', created: (events[0] as { created: number }).created });
  const usage = events.find((event) => event.type === 'usage');
  assert.deepEqual(usage, { type: 'usage', usage: { inputTokens: 9, outputTokens: 23 + 185, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 185 } });
  assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'stop' });
});

test('recorded tool-call stream: one complete call, its signature on the start, finish tool-calls', () => {
  const { events } = decode([sse(payloads('google-tool-call'))]);
  const calls = events.filter((event) => event.type.startsWith('tool-call'));
  assert.equal(calls.length, 3);
  assert.equal(calls[0].type, 'tool-call-start');
  assert.equal((calls[0] as { id: string }).id, 'call_b36LacjwM668nsEP2tbsgQQ_0');
  assert.match((calls[0] as { signature: string }).signature, /^EqUCCqICAb4/);
  assert.deepEqual(calls[1], { type: 'tool-call-delta', index: 0, arguments: '{"location":"San Francisco"}' });
  assert.deepEqual(calls[2], { type: 'tool-call-end', index: 0 });
  assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'tool-calls' });
});

test('each recorded stream decodes to what the whole decoder makes of the same parts', () => {
  for (const name of streams) {
    const lines = payloads(name);
    const streamed = assemble(decode([sse(lines)]).events);
    const whole = decodeResponse(mergeChunks(lines), target);
    assert.equal(streamed.id, whole.id, name);
    assert.equal(streamed.model, whole.model, name);
    assert.deepEqual(joinText(streamed.content), joinText(whole.content), name);
    assert.equal(streamed.finishReason, whole.finishReason, name);
    assert.deepEqual(streamed.usage, whole.usage, name);
  }
});

test('each recorded stream agrees with the recorded whole answer of the same request', () => {
  for (const name of streams) {
    const streamed = assemble(decode([sse(payloads(name))]).events);
    const whole = decodeResponse(JSON.parse(readFileSync(new URL(`google/${name}.json`, recorded), 'utf8')), target);
    const kinds = (content: AssistantContent[]) => content.map((part) => part.type).toSorted();
    assert.deepEqual(kinds(streamed.content), kinds(whole.content), name);
    assert.equal(streamed.model, whole.model, name);
    assert.equal(streamed.finishReason, whole.finishReason, name);
    assert.equal(streamed.usage?.inputTokens, whole.usage?.inputTokens, name);
    const calls = (content: AssistantContent[]) => content.flatMap((part) => (part.type === 'tool-call' ? [[part.name, part.arguments]] : []));
    assert.deepEqual(calls(streamed.content), calls(whole.content), name);
    for (const part of streamed.content) if (part.type === 'reasoning' || part.type === 'tool-call') assert.ok(part.signature, `${name}: signature kept`);
  }
});

test('a stream split at every byte boundary gives the same events', () => {
  for (const name of streams) {
    const bytes = sse(payloads(name));
    const expected = decode([bytes]).events.map(withoutCreated);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { events, decoder } = decode([bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.equal(decoder.malformed, null);
      assert.deepEqual(events.map(withoutCreated), expected, `${name} cut at ${cut}`);
    }
  }
});

test('a stream fed one byte at a time, multi-byte characters included, gives the same events', () => {
  const bytes = sse([JSON.stringify({ responseId: 'r', candidates: [{ content: { parts: [{ text: 'é漢😀' }] }, finishReason: 'STOP' }] })]);
  const pieces = [...bytes].map((byte) => Uint8Array.of(byte));
  const { events } = decode(pieces);
  assert.deepEqual(events.slice(1), [{ type: 'text-delta', text: 'é漢😀' }, { type: 'finish', finishReason: 'stop' }]);
});

test('a stream with no usage finishes without a usage event; one with no finish adds nothing', () => {
  const noUsage = decode([sse([JSON.stringify({ responseId: 'r', candidates: [{ content: { parts: [{ text: 'hi' }] }, finishReason: 'MAX_TOKENS' }] })])]);
  assert.deepEqual(noUsage.events.slice(1), [{ type: 'text-delta', text: 'hi' }, { type: 'finish', finishReason: 'length' }]);
  const unfinished = decode([sse(payloads('google-text').slice(0, 2))]);
  assert.deepEqual(unfinished.events.map((event) => event.type), ['start', 'text-delta', 'text-delta']);
});

test('thoughts stream as reasoning; a signature on the following text starts a reasoning part of its own', () => {
  const chunks = [
    { responseId: 'r', candidates: [{ content: { parts: [{ text: 'Thinking…', thought: true }] } }] },
    { responseId: 'r', candidates: [{ content: { parts: [{ text: 'Answer', thoughtSignature: 'sig' }] } }] },
    { responseId: 'r', candidates: [{ content: { parts: [] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, thoughtsTokenCount: 3 } },
  ];
  const { events } = decode([sse(chunks.map((chunk) => JSON.stringify(chunk)))]);
  assert.deepEqual(events.slice(1, -2), [
    { type: 'reasoning-delta', text: 'Thinking…' },
    { type: 'reasoning-end' },
    { type: 'reasoning-signature', signature: 'sig' },
    { type: 'reasoning-end' },
    { type: 'text-delta', text: 'Answer' },
  ]);
  assert.deepEqual(assemble(events).content, [
    { type: 'reasoning', text: 'Thinking…' },
    { type: 'reasoning', text: '', signature: 'sig' },
    { type: 'text', text: 'Answer' },
  ]);
});

test('parallel calls in one chunk get their own indexes and ids', () => {
  const chunk = { responseId: 'r', candidates: [{ content: { parts: [{ functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b', args: {} } }] }, finishReason: 'STOP' }] };
  const { events } = decode([sse([JSON.stringify(chunk)])]);
  const starts = events.filter((event) => event.type === 'tool-call-start');
  assert.deepEqual(starts, [
    { type: 'tool-call-start', index: 0, id: 'call_r_0', name: 'a' },
    { type: 'tool-call-start', index: 1, id: 'call_r_1', name: 'b' },
  ]);
});

test('an error object in the stream is a failure with its status', () => {
  const error = readFileSync(new URL('google/google-429-retry-info.json', recorded), 'utf8').replace(/\s*\n\s*/g, '');
  const { events, decoder } = decode([sse([payloads('google-text')[0], error, payloads('google-text')[1]])]);
  assert.deepEqual(events.map((event) => event.type), ['start', 'text-delta']);
  assert.deepEqual(decoder.failure, { status: 429, type: 'upstream_error', code: 'RESOURCE_EXHAUSTED', message: 'You exceeded your current quota, please check your plan.' });
});

test('bytes that are not Gemini JSON make the stream malformed and stop it', () => {
  const { events, decoder } = decode([sse(['{"candidates": [', payloads('google-text')[0]])]);
  assert.deepEqual(events, []);
  assert.ok(decoder.malformed);
  const wrongShape = decode([sse([JSON.stringify({ candidates: 'nope' })])]);
  assert.ok(wrongShape.decoder.malformed);
});

function withoutCreated(event: StreamEvent): StreamEvent {
  return event.type === 'start' ? { ...event, created: 0 } : event;
}
