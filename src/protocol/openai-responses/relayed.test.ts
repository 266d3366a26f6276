import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamEvent } from '../ir.ts';
import { lastSequenceNumber, RelayedResponses } from './relayed.ts';
import { decodeRequest } from './request.ts';

const context = { model: 'client-model', includeUsage: true, request: decodeRequest({ model: 'm' }) };
const event = (fields: Record<string, unknown>): string => `event: ${String(fields.type)}\ndata: ${JSON.stringify(fields)}\n\n`;

function eventsOf(text: string): Record<string, unknown>[] {
  return text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}

test('the last sequence number of a piece, as bytes or text, and only where it is a key', () => {
  const piece = event({ type: 'response.output_text.delta', sequence_number: 4, delta: 'a' }) + event({ type: 'response.output_text.delta', sequence_number: 15, delta: '"sequence_number":99' });
  assert.equal(lastSequenceNumber(piece), 15);
  assert.equal(lastSequenceNumber(Buffer.from(piece)), 15);
  assert.equal(lastSequenceNumber('data: {"type":"x", "sequence_number": 7}\n\n'), 7);
  assert.equal(lastSequenceNumber(': keep-alive\n\n'), null);
  assert.equal(lastSequenceNumber(Buffer.from('{"sequence_number":')), null);
  // A piece cut inside a line: only whole lines count.
  assert.equal(lastSequenceNumber('data: {"sequence_number":4}\n\ndata: {"sequence_number":1'), 4);
  assert.equal(lastSequenceNumber('data: {"sequence_number":\t9}\n'), 9);
});

test('a failure after relayed events continues their numbering and names their response', () => {
  const relayed = new RelayedResponses(context);
  const opening: StreamEvent = { type: 'start', id: 'gen-42', model: 'upstream-model', created: 1700000000 };
  relayed.relayed(Buffer.from(event({ type: 'response.created', sequence_number: 0, response: { id: 'gen-42' } }) + event({ type: 'response.in_progress', sequence_number: 1 })), [opening]);
  relayed.relayed(event({ type: 'response.output_text.delta', sequence_number: 2, delta: 'Hel' }), [{ type: 'text-delta', text: 'Hel' }]);
  relayed.relayed(': keep-alive\n\n', []);
  const failure = eventsOf(relayed.fail({ status: 502, type: 'upstream_error', code: 'upstream_error', message: 'the provider broke off' }));
  assert.deepEqual(failure.map((fields) => [fields.type, fields.sequence_number]), [['error', 3], ['response.failed', 4]]);
  const response = failure[1]?.response as { id: string; model: string; created_at: number; status: string };
  // The opening's model: the name the relayed events gave (renamed there when the gateway renames).
  assert.deepEqual([response.id, response.model, response.created_at, response.status], ['gen-42', 'upstream-model', 1700000000, 'failed']);
});

test('a failure before anything was relayed opens its response first', () => {
  const failure = eventsOf(new RelayedResponses(context).fail({ status: 504, type: 'timeout', code: null, message: 'too slow' }));
  assert.deepEqual(failure.map((fields) => [fields.type, fields.sequence_number]), [['response.created', 0], ['response.in_progress', 1], ['error', 2], ['response.failed', 3]]);
});
