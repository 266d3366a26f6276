// Gemini 3's streamed function call arguments (Vertex AI `streamFunctionCallArguments`): a part that
// names the call with `willContinue`, pieces under `partialArgs` without a name, and an end, decoded
// into tool-call events whose argument text joins into the whole JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EncodeTarget, StreamEvent } from '../ir.ts';
import { geminiCodec } from './codec.ts';
import { PartialArgsWriter, parsePath } from './partial-args.ts';

const target: EncodeTarget = { upstreamModel: 'gemini-3-pro-preview', quirks: {} };

/** One streamed chunk holding `parts` (and the finish, on the last). */
function chunk(parts: unknown[], finish?: string): string {
  const candidate: Record<string, unknown> = { content: { role: 'model', parts } };
  if (finish) candidate.finishReason = finish;
  const body: Record<string, unknown> = { candidates: [candidate], modelVersion: 'gemini-3-pro-preview', responseId: 'r1' };
  if (finish) body.usageMetadata = { promptTokenCount: 26, candidatesTokenCount: 23, totalTokenCount: 49 };
  return `data: ${JSON.stringify(body)}\r\n\r\n`;
}

function decode(chunks: string[]) {
  const decoder = geminiCodec.createStreamDecoder(target);
  const events: StreamEvent[] = [];
  for (const piece of chunks) events.push(...decoder.push(Buffer.from(piece)));
  events.push(...decoder.end());
  return { events, decoder };
}

/** Each call's name, signature and the joined text of its argument deltas. */
function calls(events: StreamEvent[]): Array<{ name: string; id: string; signature?: string; arguments: string; ended: boolean }> {
  const found: Array<{ name: string; id: string; signature?: string; arguments: string; ended: boolean }> = [];
  for (const event of events) {
    if (event.type === 'tool-call-start') found[event.index] = { name: event.name, id: event.id, ...(event.signature ? { signature: event.signature } : {}), arguments: '', ended: false };
    if (event.type === 'tool-call-delta') found[event.index].arguments += event.arguments;
    if (event.type === 'tool-call-end') found[event.index].ended = true;
  }
  return found;
}

const piece = (jsonPath: string, value: Record<string, unknown>, more = true) => ({ functionCall: { partialArgs: [{ jsonPath, ...value }], willContinue: more } });

test('two calls streamed in pieces, each ended by an empty functionCall', () => {
  const { events, decoder } = decode([
    chunk([{ functionCall: { name: 'getWeather', willContinue: true }, thoughtSignature: 'sig-1' }]),
    chunk([piece('$.location', { stringValue: 'Boston', willContinue: true })]),
    chunk([piece('$.location', { stringValue: ', MA' })]),
    chunk([{ functionCall: {} }]),
    chunk([{ functionCall: { name: 'getWeather', willContinue: true } }]),
    chunk([piece('$.location', { stringValue: 'San "Fran"', willContinue: true })]),
    chunk([piece('$.location', { stringValue: '' })]),
    chunk([{ functionCall: {} }], 'STOP'),
  ]);
  assert.equal(decoder.malformed, null);
  assert.deepEqual(calls(events), [
    { name: 'getWeather', id: 'call_r1_0', signature: 'sig-1', arguments: '{"location":"Boston, MA"}', ended: true },
    { name: 'getWeather', id: 'call_r1_1', arguments: '{"location":"San \\"Fran\\""}', ended: true },
  ]);
  // Streamed live: the first piece of text is out before the call ends.
  const firstDelta = events.findIndex((event) => event.type === 'tool-call-delta');
  assert.ok(firstDelta < events.findIndex((event) => event.type === 'tool-call-end'));
  assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'tool-calls' });
});

test('nested paths, arrays, numbers and a call ended by its last piece (no empty terminator)', () => {
  const { events, decoder } = decode([
    chunk([{ functionCall: { name: 'writeItems', willContinue: true } }]),
    chunk([piece('$.operations[0].action', { stringValue: 'add', willContinue: true })]),
    chunk([piece('$.operations[0].action', { stringValue: '' })]),
    chunk([piece('$.operations[0].price', { numberValue: 0.5 })]),
    chunk([{ functionCall: { willContinue: true } }]),
    chunk([piece('$.operations[1].action', { stringValue: 'remove' })]),
    chunk([piece('$.operations[1].urgent', { boolValue: true })]),
    chunk([piece('$.operations[1].note', { nullValue: 'NULL_VALUE' }, false)]),
    chunk([{ text: '' }], 'STOP'),
  ]);
  assert.equal(decoder.malformed, null);
  const [call] = calls(events);
  assert.deepEqual(JSON.parse(call.arguments), { operations: [{ action: 'add', price: 0.5 }, { action: 'remove', urgent: true, note: null }] });
  assert.ok(call.ended);
});

test('a call that starts with whole args, or arrives whole, still decodes', () => {
  const { events } = decode([
    chunk([{ functionCall: { name: 'search', args: { query: 'x' }, willContinue: true } }]),
    chunk([piece('$.limit', { numberValue: 5 }, false)]),
    chunk([{ functionCall: { name: 'now', args: {} } }], 'STOP'),
  ]);
  assert.deepEqual(calls(events).map((call) => [call.name, JSON.parse(call.arguments)]), [['search', { query: 'x', limit: 5 }], ['now', {}]]);
});

test('pieces that go back into what was written stop the stream as malformed', () => {
  const { decoder } = decode([
    chunk([{ functionCall: { name: 'f', willContinue: true } }]),
    chunk([piece('$.a', { stringValue: 'x' })]),
    chunk([piece('$.b', { stringValue: 'y' })]),
    chunk([piece('$.a', { stringValue: 'z' })]),
  ]);
  assert.match(String(decoder.malformed), /out of order/);
  const orphan = decode([chunk([{ functionCall: { partialArgs: [{ jsonPath: '$.a', stringValue: 'x' }] } }])]);
  assert.match(String(orphan.decoder.malformed), /no name/);
});

test('the writer: paths in brackets, skipped elements, and nothing at all', () => {
  assert.deepEqual(parsePath(`$.a['b c'][2].d`), ['a', 'b c', 2, 'd']);
  const writer = new PartialArgsWriter();
  const text = writer.push({ jsonPath: '$.list[1]', numberValue: 2 }) + writer.end();
  assert.deepEqual(JSON.parse(text), { list: [null, 2] });
  assert.equal(new PartialArgsWriter().end(), '{}');
});
