// Reads a streamed Chat Completions answer (`chat.completion.chunk` events) into stream events.
// The ~20 compatible servers disagree on the details, so nothing beyond the shape is assumed:
// tool-call fragments may lack `index` or carry the id and name on every chunk or arrive whole in
// one chunk; usage may come on its own chunk, on the finish chunk, under `x_groq`, or (Perplexity)
// growing on every chunk; reasoning may be named `reasoning_content` or `reasoning`.
import { SseParser } from '../sse.ts';
import type { EncodeTarget, StreamDecoder, StreamEvent, StreamFailure, Usage } from '../ir.ts';
import { argumentsText, decodeFinishReason, decodeUsage, generateChatId, isRecord, nowSeconds, reasoningText, thinkingText } from './response.ts';

export function createStreamDecoder(target: EncodeTarget): StreamDecoder {
  return new ChatStreamDecoder(target);
}

interface OpenCall {
  irIndex: number;
  id: string;
  name: string;
  /** Arguments that came before the name did; the call starts once it has a name. */
  heldArguments: string;
  started: boolean;
  /** Whether any argument text came: a call that got none is given "{}", as a whole answer is. */
  hasArguments: boolean;
}

class ChatStreamDecoder implements StreamDecoder {
  malformed: string | null = null;
  failure: StreamFailure | null = null;
  private parser = new SseParser();
  private target: EncodeTarget;
  private started = false;
  private finished = false;
  /** Calls by the provider's own index (or position, when it sends none). */
  private calls = new Map<number, OpenCall>();
  private callCount = 0;
  /** Usage seen before the finish: held, since Perplexity repeats a growing total on every chunk. */
  private heldUsage: Usage | null = null;

  constructor(target: EncodeTarget) {
    this.target = target;
  }

  push(chunk: Uint8Array): StreamEvent[] {
    if (this.stopped()) return [];
    const events: StreamEvent[] = [];
    for (const event of this.parser.push(chunk)) this.readEvent(event.data, events);
    return events;
  }

  end(): StreamEvent[] {
    if (this.stopped()) return [];
    const events: StreamEvent[] = [];
    for (const event of this.parser.end()) this.readEvent(event.data, events);
    if (!this.stopped() && this.heldUsage) this.emitUsage(events);
    return events;
  }

  private stopped(): boolean {
    return this.malformed !== null || this.failure !== null;
  }

  private readEvent(data: string, events: StreamEvent[]): void {
    if (this.stopped()) return;
    const text = data.trim();
    if (text === '[DONE]' || text === '') return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(text);
    } catch {
      this.malformed = `the provider sent a stream event that is not JSON: ${text.slice(0, 200)}`;
      return;
    }
    if (!isRecord(chunk)) {
      this.malformed = `the provider sent a stream event that is not a JSON object: ${text.slice(0, 200)}`;
      return;
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      this.failure = streamFailure(chunk.error);
      return;
    }
    this.readChunk(chunk, events);
  }

  private readChunk(chunk: Record<string, unknown>, events: StreamEvent[]): void {
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    // Azure opens with a content-filter chunk that has an empty id and no choices.
    if (!this.started && ((typeof chunk.id === 'string' && chunk.id !== '') || choices.length > 0)) this.start(chunk, events);

    const choice = choices.find((entry) => isRecord(entry) && (entry.index === 0 || entry.index === undefined));
    if (isRecord(choice) && !this.finished) {
      if (isRecord(choice.delta)) this.readDelta(choice.delta, events);
      const usage = chunkUsage(chunk);
      if (usage) this.heldUsage = usage;
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) this.finish(choice.finish_reason, events);
      return;
    }
    const usage = chunkUsage(chunk);
    if (!usage) return;
    this.heldUsage = usage;
    // After the finish nothing more is coming but usage, so it goes out at once.
    if (this.finished) this.emitUsage(events);
  }

  private start(chunk: Record<string, unknown>, events: StreamEvent[]): void {
    this.started = true;
    events.push({
      type: 'start',
      id: typeof chunk.id === 'string' && chunk.id !== '' ? chunk.id : generateChatId(),
      model: typeof chunk.model === 'string' && chunk.model !== '' ? chunk.model : this.target.upstreamModel,
      created: typeof chunk.created === 'number' && chunk.created > 0 ? chunk.created : nowSeconds(),
    });
  }

  private readDelta(delta: Record<string, unknown>, events: StreamEvent[]): void {
    const reasoning = reasoningText(delta);
    if (reasoning !== '') events.push({ type: 'reasoning-delta', text: reasoning });
    if (typeof delta.content === 'string') {
      if (delta.content !== '') events.push({ type: 'text-delta', text: delta.content });
    } else if (Array.isArray(delta.content)) {
      readContentParts(delta.content, events);
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') events.push({ type: 'refusal-delta', text: delta.refusal });
    if (Array.isArray(delta.tool_calls)) delta.tool_calls.forEach((fragment, position) => this.readToolCall(fragment, position, events));
    // Legacy `function_call` deltas: one call, never an index.
    if (isRecord(delta.function_call)) this.readToolCall({ index: 0, function: delta.function_call }, 0, events);
  }

  private readToolCall(fragment: unknown, position: number, events: StreamEvent[]): void {
    if (!isRecord(fragment)) return;
    const key = typeof fragment.index === 'number' ? fragment.index : position;
    const named = isRecord(fragment.function) ? fragment.function : isRecord(fragment.custom) ? fragment.custom : {};
    const id = typeof fragment.id === 'string' && fragment.id !== '' ? fragment.id : null;
    const name = typeof named.name === 'string' && named.name !== '' ? named.name : null;
    let call = this.calls.get(key);
    // A different id at the same place is a new call (Mistral sends each call whole, without index).
    if (!call || (id !== null && call.id !== id && call.started)) {
      call = { irIndex: this.callCount++, id: id ?? `call_${this.callCount - 1}`, name: '', heldArguments: '', started: false, hasArguments: false };
      this.calls.set(key, call);
    } else if (id !== null && !call.started) {
      call.id = id;
    }
    if (!call.started && name !== null) call.name = name;
    const piece = rawArguments(named.arguments ?? named.input);
    if (piece !== '') call.hasArguments = true;
    if (!call.started) {
      call.heldArguments += piece;
      if (call.name !== '') this.startCall(call, events);
    } else if (piece !== '') {
      events.push({ type: 'tool-call-delta', index: call.irIndex, arguments: piece });
    }
  }

  private startCall(call: OpenCall, events: StreamEvent[]): void {
    call.started = true;
    events.push({ type: 'tool-call-start', index: call.irIndex, id: call.id, name: call.name });
    if (call.heldArguments !== '') events.push({ type: 'tool-call-delta', index: call.irIndex, arguments: call.heldArguments });
    call.heldArguments = '';
  }

  private finish(reason: unknown, events: StreamEvent[]): void {
    this.finished = true;
    const open = [...this.calls.values()].sort((left, right) => left.irIndex - right.irIndex);
    for (const call of open) {
      if (!call.started) this.startCall(call, events);
      if (!call.hasArguments) events.push({ type: 'tool-call-delta', index: call.irIndex, arguments: '{}' });
      events.push({ type: 'tool-call-end', index: call.irIndex });
    }
    this.calls.clear();
    if (this.heldUsage) this.emitUsage(events);
    events.push({ type: 'finish', finishReason: decodeFinishReason(reason, this.callCount > 0) });
  }

  private emitUsage(events: StreamEvent[]): void {
    if (!this.heldUsage) return;
    events.push({ type: 'usage', usage: this.heldUsage });
    this.heldUsage = null;
  }
}

/** Mistral's reasoning models stream content as parts: text, and thinking (a list of texts, or one). */
function readContentParts(parts: unknown[], events: StreamEvent[]): void {
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') events.push({ type: 'text-delta', text: part.text });
    if (part.type === 'thinking') {
      const text = thinkingText(part.thinking);
      if (text !== '') events.push({ type: 'reasoning-delta', text });
    }
  }
}

/** Usage on the chunk itself, or where Groq puts it. */
function chunkUsage(chunk: Record<string, unknown>): Usage | null {
  return decodeUsage(chunk.usage) ?? (isRecord(chunk.x_groq) ? decodeUsage(chunk.x_groq.usage) : null);
}

/** Argument fragments are passed on as they came; only a non-string (an object) is serialised. */
function rawArguments(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return argumentsText(value);
}

function streamFailure(error: unknown): StreamFailure {
  const fields = isRecord(error) ? error : { message: String(error) };
  const type = typeof fields.type === 'string' ? fields.type : 'upstream_error';
  const code = typeof fields.code === 'string' ? fields.code : null;
  let status = typeof fields.code === 'number' ? fields.code : typeof fields.status === 'number' ? fields.status : 502;
  if (status < 400 || status > 599) status = 502;
  if (status === 502 && /overloaded/i.test(`${type} ${code ?? ''}`)) status = 529;
  const message = typeof fields.message === 'string' && fields.message !== '' ? fields.message : 'the provider reported an error during the stream';
  return { status, type, code, message };
}
