// A Responses stream relayed byte for byte, followed so that a failure the gateway writes into it
// (the provider's connection broken, a deadline) continues it: its `sequence_number`s go on from the
// last relayed one, and its `response.failed` names the relayed response by the provider's own id
// and the model its opening named.
import type { EncodeContext, RelayedStream, StreamEvent, StreamFailure } from '../ir.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

const sequenceKey = '"sequence_number":';

export class RelayedResponses implements RelayedStream {
  private readonly context: EncodeContext;
  private opening: { id: string; model: string; created: number } | null = null;
  private lastSequence = -1;

  constructor(context: EncodeContext) {
    this.context = context;
  }

  relayed(bytes: Buffer | string, events: readonly StreamEvent[]): void {
    if (this.opening === null) {
      for (const event of events) if (event.type === 'start') this.opening = { id: event.id, model: event.model, created: event.created };
    }
    const sequence = lastSequenceNumber(bytes);
    if (sequence !== null) this.lastSequence = Math.max(this.lastSequence, sequence);
  }

  fail(error: StreamFailure): string {
    const encoder = new ResponsesStreamEncoder(this.context);
    // Nothing relayed yet: the encoder opens the response itself before its failure.
    if (this.opening !== null || this.lastSequence !== -1) encoder.continueRelayed(this.opening, this.lastSequence + 1);
    return encoder.fail(error);
  }
}

/** The value of the last `"sequence_number":` on a whole line of a piece of the stream (raw bytes:
 * inside a JSON string the key's quotes would be escaped, so a match is a key; a line the piece
 * cuts off may hold only part of the number), or null when there is none. */
export function lastSequenceNumber(bytes: Buffer | string): number | null {
  const lineEnd = bytes.lastIndexOf('\n');
  const at = lineEnd === -1 ? -1 : bytes.lastIndexOf(sequenceKey, lineEnd);
  if (at === -1) return null;
  let index = at + sequenceKey.length;
  const code = (position: number): number => (typeof bytes === 'string' ? bytes.charCodeAt(position) : (bytes[position] ?? Number.NaN));
  while (code(index) === 0x20 || code(index) === 0x09) index++;
  let value = 0;
  let digits = 0;
  for (let digit = code(index) - 0x30; digit >= 0 && digit <= 9; digit = code(++index) - 0x30) {
    value = value * 10 + digit;
    digits++;
  }
  return digits === 0 || !Number.isSafeInteger(value) ? null : value;
}
