// A whole answer and a stream of events are two views of the same thing: these turn one into the
// other, so a provider that answers whole can still feed a streaming client, and tests (and fusion)
// can assemble a stream into one answer.
import type { AssistantContent, ChatResponse, StreamEvent } from './ir.ts';

/** The events a stream of this answer would have carried. */
export function eventsOf(response: ChatResponse): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'start', id: response.id, model: response.model, created: response.created }];
  let toolIndex = 0;
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        if (part.text !== '') events.push({ type: 'text-delta', text: part.text }, { type: 'text-end' });
        break;
      case 'refusal':
        events.push({ type: 'refusal-delta', text: part.text });
        break;
      case 'reasoning':
        if (part.text !== '') events.push({ type: 'reasoning-delta', text: part.text, id: part.id });
        if (part.signature) events.push({ type: 'reasoning-signature', signature: part.signature });
        events.push({ type: 'reasoning-end' });
        break;
      case 'redacted-reasoning':
        events.push({ type: 'redacted-reasoning', data: part.data });
        break;
      case 'tool-call': {
        const index = toolIndex++;
        events.push({ type: 'tool-call-start', index, id: part.id, name: part.name, signature: part.signature, itemId: part.itemId, namespace: part.namespace });
        if (part.arguments !== '') events.push({ type: 'tool-call-delta', index, arguments: part.arguments });
        events.push({ type: 'tool-call-end', index });
        break;
      }
    }
  }
  if (response.usage) events.push({ type: 'usage', usage: response.usage });
  events.push({ type: 'finish', finishReason: response.finishReason, stopSequence: response.stopSequence ?? null });
  return events;
}

/** Assembles streamed events into the whole answer. */
export class ResponseCollector {
  response: ChatResponse = { id: '', model: '', created: 0, content: [], finishReason: 'other', usage: null };
  finished = false;
  private tools = new Map<number, Extract<AssistantContent, { type: 'tool-call' }>>();
  private open: AssistantContent | null = null;

  push(event: StreamEvent): void {
    const content = this.response.content;
    switch (event.type) {
      case 'start':
        Object.assign(this.response, { id: event.id, model: event.model, created: event.created });
        return;
      case 'text-delta':
      case 'refusal-delta': {
        const kind = event.type === 'text-delta' ? 'text' : 'refusal';
        if (this.open?.type !== kind) content.push((this.open = { type: kind, text: '' }));
        (this.open as { text: string }).text += event.text;
        return;
      }
      case 'reasoning-delta':
        if (this.open?.type !== 'reasoning') content.push((this.open = { type: 'reasoning', text: '', ...(event.id ? { id: event.id } : {}) }));
        this.open.text += event.text;
        return;
      case 'reasoning-signature':
        if (this.open?.type !== 'reasoning') content.push((this.open = { type: 'reasoning', text: '' }));
        this.open.signature = (this.open.signature ?? '') + event.signature;
        return;
      case 'text-end':
      case 'reasoning-end':
        this.open = null;
        return;
      case 'redacted-reasoning':
        content.push({ type: 'redacted-reasoning', data: event.data });
        this.open = null;
        return;
      case 'tool-call-start': {
        const call: Extract<AssistantContent, { type: 'tool-call' }> = { type: 'tool-call', id: event.id, name: event.name, arguments: '' };
        if (event.signature) call.signature = event.signature;
        if (event.itemId) call.itemId = event.itemId;
        if (event.namespace) call.namespace = event.namespace;
        this.tools.set(event.index, call);
        content.push(call);
        this.open = null;
        return;
      }
      case 'tool-call-delta': {
        const call = this.tools.get(event.index);
        if (call) call.arguments += event.arguments;
        return;
      }
      case 'tool-call-end':
        return;
      case 'usage':
        this.response.usage = event.usage;
        return;
      case 'finish':
        this.response.finishReason = event.finishReason;
        this.response.stopSequence = event.stopSequence ?? null;
        this.finished = true;
        return;
    }
  }
}
