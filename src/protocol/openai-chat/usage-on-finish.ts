// A relayed Chat stream whose client did not ask for usage still reports it, on the chunk that
// carries the finish reason: the gateway asks the provider for usage anyway (the bill needs it), and
// instead of the separate `choices: []` chunk OpenAI sends only to clients that ask, the finish chunk
// waits for the usage and carries it. Clients written for OpenRouter, which reports usage in every
// stream unasked, read it there; OpenAI's clients read `usage` on any chunk, and none meets a chunk
// without choices it did not ask for. Only the last events of a stream pass through here (from the
// first finish reason on), and only the finish chunk is parsed, once.
import { isRecord } from './response.ts';
import { carriesFinishReason, carriesUsage, classifyPayload, dataPayload, boundaryAt, afterBoundary, payloadText } from './stream-bytes.ts';

export class UsageOnFinish {
  /** The finish event waiting for the usage, as it would have gone out, and its `data:` value. */
  private held: { event: Buffer; payload: string } | null = null;
  /** The provider's usage object (with the gateway's cost), from the chunk the client is not sent. */
  private usage: Record<string, unknown> | null = null;
  /** The client has seen usage already (a provider that sends it on a chunk with choices). */
  private shown = false;

  get holding(): boolean {
    return this.held !== null;
  }

  get hasUsage(): boolean {
    return this.usage !== null;
  }

  /** The usage of the usage-only chunk, which is not relayed. */
  takeUsage(usage: Record<string, unknown>): void {
    this.usage = usage;
  }

  /** Complete events about to go out (`text`: the same bytes as latin1 text; `first`: where the
   * first event with a finish reason or a usage object begins, -1 for none): a finish event is held
   * back (and one held before it let go), and what must follow the finish (`[DONE]`, an event
   * showing usage) lets the held one go first. The events before `first` go out as they are. */
  sort(events: Buffer, text: string, first: number): Buffer | null {
    if (this.held !== null) first = 0;
    else if (first === -1) return events;
    const out: Buffer[] = first > 0 ? [events.subarray(0, first)] : [];
    const crlf = text.includes('\r');
    let position = first;
    while (position < events.length) {
      const eventEnd = boundaryAt(text, position, crlf);
      const nextStart = afterBoundary(text, eventEnd);
      const event = events.subarray(position, nextStart);
      const payload = dataPayload(text, position, eventEnd);
      position = nextStart;
      const kind = payload === null ? null : classifyPayload(payload);
      if (kind === 'done' || (kind === 'object' && carriesUsage(payload!))) {
        const released = this.release();
        if (released !== null) out.push(released);
        if (kind === 'object') this.shown = true;
      } else if (kind === 'object' && carriesFinishReason(payload!)) {
        // Another choice's finish (`n` > 1): the one held before goes, this one waits.
        const released = this.release();
        if (released !== null) out.push(released);
        this.held = { event, payload: payload! };
        continue;
      }
      out.push(event);
    }
    if (out.length === 0) return null;
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** The held finish event, given the usage when it came and the client has not seen it; null when
   * none is held. */
  release(): Buffer | null {
    const held = this.held;
    if (held === null) return null;
    this.held = null;
    if (this.usage === null || this.shown) return held.event;
    let chunk: unknown;
    try {
      chunk = JSON.parse(payloadText(held.payload));
    } catch {
      return held.event;
    }
    if (!isRecord(chunk)) return held.event;
    chunk.usage = this.usage;
    this.shown = true;
    return Buffer.from(`data: ${JSON.stringify(chunk)}\n\n`);
  }
}
