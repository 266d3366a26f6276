// Anthropic's event stream into IR stream events. Content blocks map one to one onto IR parts; the
// decoder only has to remember what kind each open block index is, and keep the usage, which
// arrives in pieces: input at message_start, cumulative output (and sometimes corrected input)
// at message_delta. The usage is emitted once, at message_stop, just before `finish`.
import type { EncodeTarget, FinishReason, StreamDecoder, StreamEvent, StreamFailure, Usage } from '../ir.ts';
import { SseParser } from '../sse.ts';
import type { SseEvent } from '../sse.ts';
import { decodeStopReason, decodeUsage } from './response.ts';

export function createStreamDecoder(_target: EncodeTarget): StreamDecoder {
  return new AnthropicStreamDecoder();
}

type OpenBlock =
  | { kind: 'text' | 'reasoning' | 'other' }
  | { kind: 'tool-call'; index: number; input: Record<string, unknown> | null; sawDelta: boolean };

type RawUsage = Partial<Record<(typeof counters)[number], number>>;

const counters = ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;

class AnthropicStreamDecoder implements StreamDecoder {
  malformed: string | null = null;
  failure: StreamFailure | null = null;
  private parser = new SseParser();
  private blocks = new Map<number, OpenBlock>();
  private toolCalls = 0;
  private usage: RawUsage | null = null;
  private finishReason: FinishReason = 'other';
  private stopSequence: string | null | undefined;
  private finished = false;

  push(chunk: Uint8Array): StreamEvent[] {
    return this.decode(this.parser.push(chunk));
  }

  end(): StreamEvent[] {
    return this.decode(this.parser.end());
  }

  private decode(sseEvents: SseEvent[]): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const sse of sseEvents) {
      if (this.malformed || this.failure || this.finished) break;
      let payload: unknown;
      try {
        payload = JSON.parse(sse.data);
      } catch {
        this.malformed = `an Anthropic stream event is not JSON: ${sse.data.slice(0, 200)}`;
        break;
      }
      if (typeof payload !== 'object' || payload === null || typeof (payload as { type?: unknown }).type !== 'string') {
        this.malformed = `an Anthropic stream event has no type: ${sse.data.slice(0, 200)}`;
        break;
      }
      this.event(payload as Record<string, unknown>, events);
    }
    return events;
  }

  private event(payload: Record<string, unknown>, events: StreamEvent[]): void {
    switch (payload.type) {
      case 'message_start': {
        const message = record(payload.message);
        this.usage = countersOf(message.usage, null);
        events.push({
          type: 'start',
          id: typeof message.id === 'string' ? message.id : '',
          model: typeof message.model === 'string' ? message.model : '',
          created: Math.floor(Date.now() / 1000),
        });
        return;
      }
      case 'content_block_start':
        return this.blockStart(payload, events);
      case 'content_block_delta':
        return this.blockDelta(payload, events);
      case 'content_block_stop':
        return this.blockStop(payload, events);
      case 'message_delta': {
        const delta = record(payload.delta);
        if (typeof delta.stop_reason === 'string') this.finishReason = decodeStopReason(delta.stop_reason);
        if (typeof delta.stop_sequence === 'string' || delta.stop_sequence === null) this.stopSequence = delta.stop_sequence;
        // Every counter here is a running total for the whole message: later values replace.
        this.usage = countersOf(payload.usage, this.usage);
        return;
      }
      case 'message_stop': {
        const usage: Usage | null = this.usage && decodeUsage(this.usage);
        if (usage) events.push({ type: 'usage', usage });
        const finish: StreamEvent = { type: 'finish', finishReason: this.finishReason };
        if (this.stopSequence !== undefined) finish.stopSequence = this.stopSequence;
        events.push(finish);
        this.finished = true;
        return;
      }
      case 'error': {
        const error = record(payload.error);
        const type = typeof error.type === 'string' ? error.type : 'api_error';
        this.failure = {
          status: type === 'overloaded_error' ? 529 : 502,
          type,
          code: null,
          message: typeof error.message === 'string' ? error.message : 'the provider reported an error in the stream',
        };
        return;
      }
      default:
        // ping, and event types added after this was written.
        return;
    }
  }

  private blockStart(payload: Record<string, unknown>, events: StreamEvent[]): void {
    const index = Number(payload.index);
    const block = record(payload.content_block);
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        if (typeof block.text === 'string' && block.text !== '') events.push({ type: 'text-delta', text: block.text });
        return;
      case 'thinking':
        this.blocks.set(index, { kind: 'reasoning' });
        if (typeof block.thinking === 'string' && block.thinking !== '') events.push({ type: 'reasoning-delta', text: block.thinking });
        return;
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'other' });
        events.push({ type: 'redacted-reasoning', data: typeof block.data === 'string' ? block.data : '' });
        return;
      case 'tool_use': {
        const toolIndex = this.toolCalls++;
        const input = typeof block.input === 'object' && block.input !== null && Object.keys(block.input).length > 0 ? (block.input as Record<string, unknown>) : null;
        this.blocks.set(index, { kind: 'tool-call', index: toolIndex, input, sawDelta: false });
        events.push({ type: 'tool-call-start', index: toolIndex, id: String(block.id ?? ''), name: String(block.name ?? '') });
        return;
      }
      default:
        // Server tool blocks ran at Anthropic; they have no IR form.
        this.blocks.set(index, { kind: 'other' });
    }
  }

  private blockDelta(payload: Record<string, unknown>, events: StreamEvent[]): void {
    const block = this.blocks.get(Number(payload.index));
    const delta = record(payload.delta);
    if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') events.push({ type: 'text-delta', text: delta.text });
    else if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string' && delta.thinking !== '') events.push({ type: 'reasoning-delta', text: delta.thinking });
    else if (delta.type === 'signature_delta' && typeof delta.signature === 'string' && delta.signature !== '') events.push({ type: 'reasoning-signature', signature: delta.signature });
    else if (delta.type === 'input_json_delta' && block?.kind === 'tool-call' && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
      block.sawDelta = true;
      events.push({ type: 'tool-call-delta', index: block.index, arguments: delta.partial_json });
    }
    // citations_delta: citations have no IR form.
  }

  private blockStop(payload: Record<string, unknown>, events: StreamEvent[]): void {
    const index = Number(payload.index);
    const block = this.blocks.get(index);
    this.blocks.delete(index);
    if (block?.kind === 'text') events.push({ type: 'text-end' });
    else if (block?.kind === 'reasoning') events.push({ type: 'reasoning-end' });
    else if (block?.kind === 'tool-call') {
      // A call without deltas still has arguments: its start's input, or none ("{}", as the whole
      // message would give), so every consumer sees JSON.
      if (!block.sawDelta) events.push({ type: 'tool-call-delta', index: block.index, arguments: JSON.stringify(block.input ?? {}) });
      events.push({ type: 'tool-call-end', index: block.index });
    }
  }
}

/** The counters `value` reports, over those already known; null while there are none. */
function countersOf(value: unknown, known: RawUsage | null): RawUsage | null {
  const usage = record(value);
  let result = known;
  for (const key of counters) {
    const count = usage[key];
    if (typeof count === 'number') result = { ...result, [key]: count };
  }
  return result;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
