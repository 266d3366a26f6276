// A Responses stream relayed byte for byte, followed so that a failure the gateway writes into it
// (the provider's connection broken, a deadline) continues it: its `sequence_number`s go on from the
// last relayed one, and its `response.failed` names the relayed response by the provider's own id.
import type { EncodeContext, RelayedStream, StreamEvent, StreamFailure } from '../ir.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

const sequenceKey = '"sequence_number":';

export class RelayedResponses implements RelayedStream {
  private readonly context: EncodeContext;
  private opening: { id: string; created: number } | null = null;
  private lastSequence = -1;

  constructor(context: EncodeContext) {
    this.context = context;
  }

  relayed(bytes: Buffer | string, events: readonly StreamEvent[]): void {
    if (this.opening === null) {
      for (const event of events) if (event.type === 'start') this.opening = { id: event.id, created: event.created };
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

/** The value of the last `"sequence_number":` in a piece of the stream (raw bytes: inside a JSON
 * string the key's quotes would be escaped, so a match is a key), or null when there is none. */
export function lastSequenceNumber(bytes: Buffer | string): number | null {
  const at = bytes.lastIndexOf(sequenceKey);
  if (at === -1) return null;
  let index = at + sequenceKey.length;
  const code = (position: number): number => (typeof bytes === 'string' ? bytes.charCodeAt(position) : (bytes[position] ?? Number.NaN));
  while (code(index) === 0x20) index++;
  let value = 0;
  let digits = 0;
  for (let digit = code(index) - 0x30; digit >= 0 && digit <= 9; digit = code(++index) - 0x30) {
    value = value * 10 + digit;
    digits++;
  }
  return digits === 0 || !Number.isSafeInteger(value) ? null : value;
}
