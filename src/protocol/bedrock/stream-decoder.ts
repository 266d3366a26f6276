// ConverseStream's event-stream messages into stream events. The events arrive as messageStart,
// per content block (contentBlockStart for tool calls only) deltas then contentBlockStop,
// messageStop with the stop reason, and metadata with the usage last: `finish` waits for both.
import type { EncodeTarget, FinishReason, StreamDecoder, StreamDecoderOptions, StreamEvent, StreamFailure } from '../ir.ts';
import { EventStreamReader } from './event-stream.ts';
import type { EventStreamMessage } from './event-stream.ts';
import { finishReasonOf, isRecord, newResponseId, stopSequenceOf, usageOf } from './response.ts';

export function createStreamDecoder(target: EncodeTarget, options: StreamDecoderOptions = {}): StreamDecoder {
  return new ConverseStreamDecoder(target, options);
}

type OpenBlock = { kind: 'text' } | { kind: 'reasoning' } | { kind: 'redacted' } | { kind: 'tool'; index: number };

class ConverseStreamDecoder implements StreamDecoder {
  malformed: string | null = null;
  failure: StreamFailure | null = null;
  readonly filtersPayloads: boolean;
  private target: EncodeTarget;
  private reader: EventStreamReader;
  private started = false;
  private blocks = new Map<number, OpenBlock>();
  private toolCount = 0;
  private stop: { finishReason: FinishReason; stopSequence: string | null } | null = null;
  private usageSeen = false;
  private finished = false;

  constructor(target: EncodeTarget, options: StreamDecoderOptions) {
    this.target = target;
    this.reader = new EventStreamReader(options.payloads);
    this.filtersPayloads = options.payloads !== undefined;
  }

  push(chunk: Uint8Array): StreamEvent[] {
    if (this.stopped()) return [];
    const events: StreamEvent[] = [];
    for (const message of this.reader.push(chunk)) {
      this.read(message, events);
      if (this.stopped()) return events;
    }
    if (this.reader.failure !== null) this.malformed = this.reader.failure;
    return events;
  }

  end(): StreamEvent[] {
    if (this.stopped()) return [];
    const leftover = this.reader.end();
    if (leftover !== null) {
      this.malformed = leftover;
      return [];
    }
    // messageStop came but the metadata with the usage did not: the answer itself is complete.
    const events: StreamEvent[] = [];
    if (this.stop !== null && !this.finished) this.finish(events);
    return events;
  }

  private stopped(): boolean {
    return this.malformed !== null || this.failure !== null;
  }

  private read(message: EventStreamMessage, events: StreamEvent[]): void {
    const messageType = message.headers[':message-type'];
    if (messageType === 'exception') return this.fail(message, String(message.headers[':exception-type'] ?? 'exception'));
    if (messageType === 'error') {
      // An unmodeled error carries its code and text in headers, not in the payload.
      const code = String(message.headers[':error-code'] ?? 'error');
      this.failure = { status: 502, type: 'upstream_error', code, message: String(message.headers[':error-message'] ?? code) };
      return;
    }
    if (messageType !== 'event') {
      this.malformed = `unexpected event stream message type ${JSON.stringify(messageType)}`;
      return;
    }
    const payload = parsePayload(message.payload);
    if (payload === null) {
      this.malformed = `the payload of a ${String(message.headers[':event-type'])} event is not a JSON object`;
      return;
    }
    switch (message.headers[':event-type']) {
      case 'messageStart':
        return this.ensureStarted(events);
      case 'contentBlockStart':
        return this.blockStart(payload, events);
      case 'contentBlockDelta':
        return this.blockDelta(payload, events);
      case 'contentBlockStop':
        return this.blockStop(payload, events);
      case 'messageStop':
        this.ensureStarted(events);
        this.stop = {
          finishReason: typeof payload.stopReason === 'string' ? finishReasonOf(payload.stopReason) : 'other',
          stopSequence: stopSequenceOf(payload.additionalModelResponseFields),
        };
        if (this.usageSeen) this.finish(events);
        return;
      case 'metadata':
        this.ensureStarted(events);
        if (isRecord(payload.usage) && !this.usageSeen) {
          this.usageSeen = true;
          events.push({ type: 'usage', usage: usageOf(payload.usage) });
        }
        if (this.stop !== null && !this.finished) this.finish(events);
        return;
      default:
        // Events added to the API later (and trace-only ones) carry nothing the IR knows.
        return;
    }
  }

  private ensureStarted(events: StreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    events.push({ type: 'start', id: newResponseId(), model: this.target.upstreamModel, created: Math.floor(Date.now() / 1000) });
  }

  private blockStart(payload: Record<string, unknown>, events: StreamEvent[]): void {
    this.ensureStarted(events);
    const start = isRecord(payload.start) ? payload.start : {};
    if (!isRecord(start.toolUse)) return;
    const { toolUseId, name } = start.toolUse;
    if (typeof toolUseId !== 'string' || typeof name !== 'string') {
      this.malformed = 'a toolUse block start has no toolUseId or name';
      return;
    }
    const index = this.toolCount++;
    this.blocks.set(blockIndexOf(payload), { kind: 'tool', index });
    events.push({ type: 'tool-call-start', index, id: toolUseId, name });
  }

  private blockDelta(payload: Record<string, unknown>, events: StreamEvent[]): void {
    this.ensureStarted(events);
    const delta = isRecord(payload.delta) ? payload.delta : {};
    const blockIndex = blockIndexOf(payload);
    const open = this.blocks.get(blockIndex);
    if (typeof delta.text === 'string') {
      if (open === undefined) this.blocks.set(blockIndex, { kind: 'text' });
      events.push({ type: 'text-delta', text: delta.text });
      return;
    }
    if (isRecord(delta.toolUse)) {
      if (open?.kind !== 'tool') {
        this.malformed = `tool input arrived for content block ${blockIndex}, which is not a tool call`;
        return;
      }
      const input = delta.toolUse.input;
      if (typeof input === 'string' && input !== '') events.push({ type: 'tool-call-delta', index: open.index, arguments: input });
      return;
    }
    if (isRecord(delta.reasoningContent)) {
      const reasoning = delta.reasoningContent;
      if (typeof reasoning.redactedContent === 'string') {
        if (open === undefined) this.blocks.set(blockIndex, { kind: 'redacted' });
        events.push({ type: 'redacted-reasoning', data: reasoning.redactedContent });
        return;
      }
      if (open === undefined) this.blocks.set(blockIndex, { kind: 'reasoning' });
      if (typeof reasoning.text === 'string') events.push({ type: 'reasoning-delta', text: reasoning.text });
      if (typeof reasoning.signature === 'string') events.push({ type: 'reasoning-signature', signature: reasoning.signature });
    }
  }

  private blockStop(payload: Record<string, unknown>, events: StreamEvent[]): void {
    const blockIndex = blockIndexOf(payload);
    const open = this.blocks.get(blockIndex);
    this.blocks.delete(blockIndex);
    if (open?.kind === 'text') events.push({ type: 'text-end' });
    else if (open?.kind === 'reasoning') events.push({ type: 'reasoning-end' });
    else if (open?.kind === 'tool') events.push({ type: 'tool-call-end', index: open.index });
  }

  private finish(events: StreamEvent[]): void {
    // A block the stream never closed is closed here, so that no encoder is left with one open.
    for (const open of this.blocks.values()) {
      if (open.kind === 'text') events.push({ type: 'text-end' });
      else if (open.kind === 'reasoning') events.push({ type: 'reasoning-end' });
      else if (open.kind === 'tool') events.push({ type: 'tool-call-end', index: open.index });
    }
    this.blocks.clear();
    this.finished = true;
    const stop = this.stop ?? { finishReason: 'other' as const, stopSequence: null };
    events.push({ type: 'finish', finishReason: stop.finishReason, stopSequence: stop.stopSequence });
  }

  private fail(message: EventStreamMessage, exceptionType: string): void {
    const payload = parsePayload(message.payload);
    const text = payload !== null && typeof payload.message === 'string' ? payload.message
      : payload !== null && typeof payload.Message === 'string' ? payload.Message
      : Buffer.from(message.payload).toString('utf8') || exceptionType;
    const status = exceptionStatus(exceptionType);
    this.failure = { status, type: status === 429 ? 'rate_limit_error' : status === 400 ? 'invalid_request_error' : 'upstream_error', code: exceptionType, message: text };
  }
}

/** HTTP status of ConverseStream's in-stream exceptions (their HTTP equivalents in the API reference). */
function exceptionStatus(exceptionType: string): number {
  switch (exceptionType.charAt(0).toLowerCase() + exceptionType.slice(1)) {
    case 'throttlingException':
      return 429;
    case 'serviceUnavailableException':
      return 503;
    case 'validationException':
      return 400;
    case 'internalServerException':
      return 500;
    case 'modelStreamErrorException':
      // The model broke off its own answer: an upstream fault, not the gateway's.
      return 502;
    default:
      return 502;
  }
}

function blockIndexOf(payload: Record<string, unknown>): number {
  return typeof payload.contentBlockIndex === 'number' ? payload.contentBlockIndex : 0;
}

function parsePayload(payload: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}
