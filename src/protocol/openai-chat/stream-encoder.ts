// Writes stream events as a Chat Completions stream, the way OpenAI itself does: a first chunk with
// the role, one chunk per delta, a chunk with the finish reason, the usage chunk when the client
// asked for it, then `[DONE]`. A client that did not ask still gets the usage, on the finish chunk,
// which waits for it (see usage-on-finish.ts for why). Chat has no per-part end markers, so `*-end`
// events write nothing.
import { sseEvent } from '../sse.ts';
import type { EncodeContext, FinishReason, StreamEncoder, StreamEvent, StreamFailure, Usage } from '../ir.ts';
import { encodeFinishReason, encodeUsage, generateChatId, nowSeconds } from './response.ts';

export function createStreamEncoder(context: EncodeContext): StreamEncoder {
  return new ChatStreamEncoder(context);
}

class ChatStreamEncoder implements StreamEncoder {
  private context: EncodeContext;
  private id = '';
  private model = '';
  private created = 0;
  private started = false;
  /** The first chunk (which carries the role) has been written. */
  private opened = false;
  private finished = false;
  /** The finish reason whose chunk waits for the usage (the client did not ask for the usage chunk). */
  private heldFinish: string | null = null;
  private closed = false;
  private usage: Usage | null = null;
  private extra: Record<string, unknown> | undefined;

  constructor(context: EncodeContext) {
    this.context = context;
  }

  push(event: StreamEvent): string {
    if (this.closed) return '';
    if (event.type === 'start') return this.start(event.id, event.model, event.created);
    if (event.type === 'usage') {
      this.usage = event.usage;
      this.extra = event.extra;
      return '';
    }
    if (this.finished) return '';
    switch (event.type) {
      case 'text-delta':
        return event.text === '' ? '' : this.ensureStarted() + this.chunk({ content: event.text });
      case 'reasoning-delta':
        // The client asked for reasoning without seeing it (OpenRouter's `reasoning.exclude`).
        if (this.context.request?.reasoning?.exclude === true) return '';
        return event.text === '' ? '' : this.ensureStarted() + this.chunk({ reasoning_content: event.text });
      case 'refusal-delta':
        return event.text === '' ? '' : this.ensureStarted() + this.chunk({ refusal: event.text });
      case 'tool-call-start':
        return this.ensureStarted() + this.chunk({ tool_calls: [{ index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }] });
      case 'tool-call-delta':
        return event.arguments === '' ? '' : this.ensureStarted() + this.chunk({ tool_calls: [{ index: event.index, function: { arguments: event.arguments } }] });
      case 'finish':
        return this.finish(event.finishReason);
      default:
        // text-end, reasoning-end, reasoning-signature, redacted-reasoning, tool-call-end: Chat has
        // no place for them.
        return '';
    }
  }

  end(): string {
    if (this.closed) return '';
    let output = this.finished ? '' : this.finish('stop');
    const usage = this.usage ? { usage: encodeUsage(this.usage), ...this.extra } : undefined;
    if (this.heldFinish !== null) output += this.chunk({}, this.heldFinish, usage);
    else if (this.context.includeUsage && usage) {
      output += sseEvent(JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], ...usage }));
    }
    this.closed = true;
    return output + sseEvent('[DONE]');
  }

  fail(error: StreamFailure): string {
    if (this.closed) return '';
    this.closed = true;
    const finish = this.heldFinish === null ? '' : this.chunk({}, this.heldFinish);
    return finish + sseEvent(JSON.stringify({ error: { message: error.message, type: error.type, code: error.code } }));
  }

  private start(id: string, model: string, created: number): string {
    if (this.started) return '';
    this.started = true;
    this.id = id || generateChatId();
    this.model = model || this.context.model;
    this.created = created || nowSeconds();
    return '';
  }

  /** Content before any `start` still needs the opening chunk, with what the surface knows. */
  private ensureStarted(): string {
    return this.started ? '' : this.start('', '', 0);
  }

  private finish(reason: FinishReason): string {
    const opening = this.ensureStarted();
    this.finished = true;
    if (this.context.includeUsage) return opening + this.chunk({}, encodeFinishReason(reason));
    this.heldFinish = encodeFinishReason(reason);
    return opening;
  }

  /** `fields`: beside `choices` (the usage, on a finish chunk). */
  private chunk(delta: Record<string, unknown>, finishReason: string | null = null, fields?: Record<string, unknown>): string {
    let opening = '';
    if (!this.opened) {
      // The role chunk waits for the first content, so it can say `content: null` before a tool
      // call as OpenAI does (an empty string reads as the start of a text part to some clients,
      // e.g. the ai SDK).
      this.opened = true;
      opening = this.chunk({ role: 'assistant', content: 'tool_calls' in delta ? null : '' });
    }
    const choice = { index: 0, delta, logprobs: null, finish_reason: finishReason };
    return opening + sseEvent(JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [choice], ...fields }));
  }
}
