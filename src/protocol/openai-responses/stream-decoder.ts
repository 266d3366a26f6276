// A Responses API event stream (`response.created` ... `response.completed`) read into stream
// events. Output items are addressed by `output_index` (and by `item_id`, for servers imitating the
// API that leave the index out). A custom tool call's free-form input is passed on as the pieces
// of its arguments in the internal form, `{"input": "<the text>"}` (see custom-tools.ts).
import { SseParser } from '../sse.ts';
import type { SseEvent } from '../sse.ts';
import type { StreamDecoder, StreamEvent, StreamFailure } from '../ir.ts';
import { customCallArguments } from './custom-tools.ts';
import { decodeStatus, decodeUsage, functionArguments, isRecord, summaryText } from './response.ts';

/** What a custom call's arguments hold before and after its text's pieces. */
const customOpening = '{"input":"';
const customClosing = '"}';

interface OpenCall {
  index: number;
  custom: boolean;
  /** Some of the arguments have been passed on (so the `done` events must not repeat them). */
  sawDelta: boolean;
  ended: boolean;
}

interface OpenReasoning {
  id: string | undefined;
  /** Text has been passed on: a new summary part is set apart from it by a blank line. */
  emitted: boolean;
  /** The summary (or content) part the last delta belonged to. */
  part: string;
  ended: boolean;
}

export class ResponsesStreamDecoder implements StreamDecoder {
  malformed: string | null = null;
  failure: StreamFailure | null = null;
  private parser = new SseParser();
  private calls = new Map<string, OpenCall>();
  private reasonings = new Map<string, OpenReasoning>();
  private nextToolIndex = 0;
  /** A text content part is open; `textSeen`: it has received text. */
  private textOpen = false;
  private textSeen = false;
  private finished = false;

  push(chunk: Uint8Array): StreamEvent[] {
    return this.read(this.parser.push(chunk));
  }

  end(): StreamEvent[] {
    return this.read(this.parser.end());
  }

  private read(events: SseEvent[]): StreamEvent[] {
    const output: StreamEvent[] = [];
    for (const event of events) {
      if (this.malformed !== null || this.failure !== null || this.finished) break;
      if (event.data === '[DONE]') continue;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        this.malformed = `the provider sent an event that is not JSON: ${event.data.slice(0, 200)}`;
        break;
      }
      if (!isRecord(data) || typeof data.type !== 'string') {
        this.malformed = 'the provider sent an event without a `type`';
        break;
      }
      this.handle(data, output);
    }
    return output;
  }

  // Long by design: one short case per event type of the Responses stream, read side by side.
  private handle(data: Record<string, unknown>, output: StreamEvent[]): void {
    switch (data.type) {
      case 'response.created': {
        const response = isRecord(data.response) ? data.response : {};
        output.push({
          type: 'start',
          id: typeof response.id === 'string' ? response.id : '',
          model: typeof response.model === 'string' ? response.model : '',
          created: typeof response.created_at === 'number' ? response.created_at : Math.floor(Date.now() / 1000),
        });
        return;
      }
      case 'response.output_item.added': {
        const item = isRecord(data.item) ? data.item : {};
        if (item.type === 'function_call' || item.type === 'custom_tool_call') this.startCall(data, item, output);
        else if (item.type === 'reasoning') this.reasoningOf(data, item.id);
        return;
      }
      case 'response.output_text.delta':
        this.textOpen = true;
        if (typeof data.delta === 'string' && data.delta !== '') {
          this.textSeen = true;
          output.push({ type: 'text-delta', text: data.delta });
        }
        return;
      case 'response.output_text.done':
        // A server that sends the text only whole.
        if (!this.textSeen && typeof data.text === 'string' && data.text !== '') {
          this.textOpen = this.textSeen = true;
          output.push({ type: 'text-delta', text: data.text });
        }
        return;
      case 'response.content_part.done':
        if (isRecord(data.part) && data.part.type === 'output_text') this.closeText(output);
        return;
      case 'response.refusal.delta':
        if (typeof data.delta === 'string' && data.delta !== '') output.push({ type: 'refusal-delta', text: data.delta });
        return;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        if (typeof data.delta !== 'string' || data.delta === '') return;
        const reasoning = this.reasoningOf(data, data.item_id);
        const part = data.type === 'response.reasoning_text.delta' ? `content ${String(data.content_index)}` : `summary ${String(data.summary_index)}`;
        const separator = reasoning.emitted && part !== reasoning.part ? '\n\n' : '';
        reasoning.part = part;
        reasoning.emitted = true;
        output.push(withId({ type: 'reasoning-delta', text: separator + data.delta }, reasoning.id));
        return;
      }
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta': {
        const call = this.callOf(data);
        if (!call || typeof data.delta !== 'string' || data.delta === '') return;
        output.push({ type: 'tool-call-delta', index: call.index, arguments: call.custom ? this.customPiece(call, data.delta) : data.delta });
        call.sawDelta = true;
        return;
      }
      case 'response.function_call_arguments.done':
      case 'response.custom_tool_call_input.done': {
        const call = this.callOf(data);
        const whole = call?.custom ? data.input : data.arguments;
        if (call && !call.sawDelta && typeof whole === 'string' && whole !== '') {
          output.push({ type: 'tool-call-delta', index: call.index, arguments: call.custom ? this.customPiece(call, whole) : whole });
          call.sawDelta = true;
        }
        return;
      }
      case 'response.output_item.done':
        this.finishItem(data, output);
        return;
      case 'response.completed':
      case 'response.incomplete': {
        const response = isRecord(data.response) ? data.response : {};
        this.closeAll(output);
        const usage = decodeUsage(response.usage);
        if (usage) output.push({ type: 'usage', usage });
        const status = response.status ?? (data.type === 'response.incomplete' ? 'incomplete' : 'completed');
        output.push({ type: 'finish', finishReason: decodeStatus(status, response.incomplete_details, this.nextToolIndex > 0) });
        this.finished = true;
        return;
      }
      case 'response.failed': {
        const response = isRecord(data.response) ? data.response : {};
        this.failure = failureOf(isRecord(response.error) ? response.error : {}, 'the provider reported that the response failed');
        return;
      }
      case 'error':
        // The API sends the fields flat; some servers nest them under `error`.
        this.failure = failureOf(isRecord(data.error) ? data.error : data, 'the provider reported an error');
        return;
      default:
        // Lifecycle (`response.in_progress`, `response.queued`), annotations, OpenAI's own tools.
        return;
    }
  }

  private finishItem(data: Record<string, unknown>, output: StreamEvent[]): void {
    const item = isRecord(data.item) ? data.item : {};
    if (item.type === 'message') {
      this.closeText(output);
    } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      const call = this.callOf(data) ?? this.startCall(data, item, output);
      if (!call || call.ended) return;
      if (call.custom) {
        const input = typeof item.input === 'string' ? item.input : '';
        output.push({ type: 'tool-call-delta', index: call.index, arguments: call.sawDelta ? customClosing : customCallArguments(input) });
      } else if (!call.sawDelta) {
        output.push({ type: 'tool-call-delta', index: call.index, arguments: functionArguments(item.arguments) });
      }
      call.ended = true;
      output.push({ type: 'tool-call-end', index: call.index });
    } else if (item.type === 'reasoning') {
      const reasoning = this.reasoningOf(data, item.id);
      if (reasoning.ended) return;
      // Passes the item id on even when no summary was streamed: the item must go back with it.
      if (!reasoning.emitted) output.push(withId({ type: 'reasoning-delta', text: summaryText(item.summary) }, reasoning.id));
      reasoning.emitted = true;
      if (typeof item.encrypted_content === 'string' && item.encrypted_content !== '') output.push({ type: 'reasoning-signature', signature: item.encrypted_content });
      reasoning.ended = true;
      output.push({ type: 'reasoning-end' });
    }
  }

  private startCall(data: Record<string, unknown>, item: Record<string, unknown>, output: StreamEvent[]): OpenCall | null {
    if (typeof item.call_id !== 'string' || typeof item.name !== 'string') {
      this.malformed = `the provider sent a ${String(item.type)} item without \`call_id\` or \`name\``;
      return null;
    }
    const call: OpenCall = { index: this.nextToolIndex++, custom: item.type === 'custom_tool_call', sawDelta: false, ended: false };
    for (const key of keysOf(data, item.id)) this.calls.set(key, call);
    const start: StreamEvent = { type: 'tool-call-start', index: call.index, id: item.call_id, name: item.name };
    if (typeof item.id === 'string' && item.id !== '') start.itemId = item.id;
    if (typeof item.namespace === 'string' && item.namespace !== '') start.namespace = item.namespace;
    output.push(start);
    return call;
  }

  /** Custom input pieces escaped as parts of the string of `{"input": "..."}`; the first opens it. */
  private customPiece(call: OpenCall, text: string): string {
    const escaped = JSON.stringify(text).slice(1, -1);
    return call.sawDelta ? escaped : `${customOpening}${escaped}`;
  }

  private callOf(data: Record<string, unknown>): OpenCall | undefined {
    for (const key of keysOf(data, data.item_id)) {
      const call = this.calls.get(key);
      if (call) return call;
    }
    return undefined;
  }

  private reasoningOf(data: Record<string, unknown>, itemId: unknown): OpenReasoning {
    const keys = keysOf(data, itemId);
    for (const key of keys) {
      const known = this.reasonings.get(key);
      if (known) return known;
    }
    const reasoning: OpenReasoning = { id: typeof itemId === 'string' && itemId !== '' ? itemId : undefined, emitted: false, part: '', ended: false };
    for (const key of keys) this.reasonings.set(key, reasoning);
    return reasoning;
  }

  private closeText(output: StreamEvent[]): void {
    if (!this.textOpen) return;
    this.textOpen = this.textSeen = false;
    output.push({ type: 'text-end' });
  }

  /** The answer ended: whatever the provider left open is complete now. */
  private closeAll(output: StreamEvent[]): void {
    this.closeText(output);
    for (const reasoning of new Set(this.reasonings.values())) {
      if (reasoning.emitted && !reasoning.ended) output.push({ type: 'reasoning-end' });
      reasoning.ended = true;
    }
    for (const call of new Set(this.calls.values())) {
      if (call.ended) continue;
      if (call.custom && call.sawDelta) output.push({ type: 'tool-call-delta', index: call.index, arguments: customClosing });
      else if (!call.sawDelta) output.push({ type: 'tool-call-delta', index: call.index, arguments: call.custom ? customCallArguments('') : '{}' });
      call.ended = true;
      output.push({ type: 'tool-call-end', index: call.index });
    }
  }
}

/** The keys an item is known by: its output index and its id. */
function keysOf(data: Record<string, unknown>, itemId: unknown): string[] {
  const keys: string[] = [];
  if (typeof data.output_index === 'number') keys.push(`#${data.output_index}`);
  if (typeof itemId === 'string' && itemId !== '') keys.push(itemId);
  return keys;
}

function withId(event: { type: 'reasoning-delta'; text: string }, id: string | undefined): StreamEvent {
  return id === undefined ? event : { ...event, id };
}

function failureOf(error: Record<string, unknown>, fallback: string): StreamFailure {
  const code = typeof error.code === 'string' ? error.code : null;
  const type = typeof error.type === 'string' && error.type !== 'error' ? error.type : 'upstream_error';
  const overloaded = code?.includes('overloaded') || type.includes('overloaded');
  return { status: overloaded ? 529 : 502, type, code, message: typeof error.message === 'string' && error.message !== '' ? error.message : fallback };
}
