// Formats whose streams are made of blocks, one open at a time (Anthropic content blocks, Responses
// output items), cannot carry two tool calls whose deltas interleave, as Chat providers may send them.
// The sequencer turns any order of StreamEvents into blocks opened and closed one after another, and
// loses nothing: a block that cannot be opened yet is held, with its deltas, until the open one ends.
// Live streaming is kept in the usual case: a tool call whose arguments already form complete JSON
// is closed as soon as the next part begins.
import type { StreamEvent } from './ir.ts';

export type Block =
  | { kind: 'text' }
  | { kind: 'reasoning'; id?: string }
  | { kind: 'refusal' }
  | { kind: 'redacted-reasoning'; data: string }
  | { kind: 'tool-call'; index: number; id: string; name: string; signature?: string; itemId?: string; namespace?: string };

/** What an encoder does with blocks. `close` receives the whole text of the block and, for
 * reasoning, its signature when one arrived. */
export interface BlockSink {
  open(block: Block): void;
  delta(block: Block, text: string): void;
  close(block: Block, whole: string, signature: string | undefined): void;
}

interface Pending {
  block: Block;
  /** Deltas not yet given to the sink (only while queued). */
  held: string[];
  /** All text so far: tool-call arguments are checked for completeness, and `close` receives it. */
  whole: string;
  signature?: string;
  ended: boolean;
}

export class BlockSequencer {
  private current: Pending | null = null;
  private queue: Pending[] = [];
  private sink: BlockSink;

  constructor(sink: BlockSink) {
    this.sink = sink;
  }

  /** Feeds one event; events that are not about content (start, usage, finish) are ignored. */
  push(event: StreamEvent): void {
    switch (event.type) {
      // An empty delta opens nothing: some providers send them before any content.
      case 'text-delta':
        return event.text === '' ? undefined : this.delta(this.flowing('text'), event.text);
      case 'reasoning-delta':
        return event.text === '' ? undefined : this.delta(this.flowing('reasoning', event.id), event.text);
      case 'refusal-delta':
        return event.text === '' ? undefined : this.delta(this.flowing('refusal'), event.text);
      case 'reasoning-signature': {
        const pending = this.latest('reasoning') ?? this.begin({ kind: 'reasoning' });
        pending.signature = (pending.signature ?? '') + event.signature;
        return;
      }
      case 'text-end':
        return this.endLatest('text');
      case 'reasoning-end':
        return this.endLatest('reasoning');
      case 'redacted-reasoning': {
        const pending = this.begin({ kind: 'redacted-reasoning', data: event.data });
        return this.end(pending);
      }
      case 'tool-call-start':
        this.begin({ kind: 'tool-call', index: event.index, id: event.id, name: event.name, signature: event.signature, itemId: event.itemId, namespace: event.namespace });
        return;
      case 'tool-call-delta': {
        const pending = this.toolCall(event.index);
        if (pending) this.delta(pending, event.arguments);
        return;
      }
      case 'tool-call-end': {
        const pending = this.toolCall(event.index);
        if (pending) this.end(pending);
        return;
      }
      default:
        return;
    }
  }

  /** The answer is over: closes the open block and releases every held one, in order. */
  finish(): void {
    if (this.current) this.end(this.current);
    while (this.current || this.queue.length > 0) {
      if (this.current) this.end(this.current);
      else this.promote();
    }
  }

  /** The text, reasoning or refusal block that continues with this delta, or a new one. */
  private flowing(kind: 'text' | 'reasoning' | 'refusal', id?: string): Pending {
    const latest = this.latest(kind);
    const last = this.queue.length > 0 ? this.queue[this.queue.length - 1] : this.current;
    if (latest && latest === last && !latest.ended) return latest;
    return this.begin(kind === 'reasoning' ? { kind, id } : { kind });
  }

  private latest(kind: Block['kind']): Pending | null {
    for (let index = this.queue.length - 1; index >= 0; index--) if (this.queue[index].block.kind === kind) return this.queue[index];
    return this.current?.block.kind === kind ? this.current : null;
  }

  private toolCall(index: number): Pending | null {
    const matches = (pending: Pending | null): boolean => pending?.block.kind === 'tool-call' && pending.block.index === index;
    if (matches(this.current)) return this.current;
    return this.queue.find(matches) ?? null;
  }

  private begin(block: Block): Pending {
    const pending: Pending = { block, held: [], whole: '', ended: false };
    if (this.current && this.queue.length === 0 && this.canClose(this.current)) this.end(this.current);
    if (!this.current && this.queue.length === 0) {
      this.current = pending;
      this.sink.open(block);
    } else {
      this.queue.push(pending);
    }
    return pending;
  }

  private delta(pending: Pending, text: string): void {
    if (text === '') return;
    pending.whole += text;
    if (pending !== this.current) {
      pending.held.push(text);
      return;
    }
    this.sink.delta(pending.block, text);
    // Others are waiting behind this tool call: let them go as soon as its arguments are complete.
    if (this.queue.length > 0 && pending.block.kind === 'tool-call' && /[}\]]\s*$/.test(text) && this.canClose(pending)) this.end(pending);
  }

  private endLatest(kind: Block['kind']): void {
    const pending = this.latest(kind);
    if (pending) this.end(pending);
  }

  private end(pending: Pending): void {
    pending.ended = true;
    if (pending !== this.current) return;
    this.sink.close(pending.block, pending.whole, pending.signature);
    this.current = null;
    this.promote();
  }

  /** Opens the next held block, replays its deltas, and closes it too if it has ended. */
  private promote(): void {
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    this.sink.open(next.block);
    if (next.held.length > 0) this.sink.delta(next.block, next.held.join(''));
    next.held = [];
    if (next.ended) this.end(next);
  }

  /** Text and reasoning end when something else begins; a tool call only once its arguments are
   * complete JSON (or it said it ended), since an interleaving provider may still add to it. */
  private canClose(pending: Pending): boolean {
    if (pending.ended || pending.block.kind !== 'tool-call') return true;
    if (pending.whole.trim() === '') return false;
    try {
      JSON.parse(pending.whole);
      return true;
    } catch {
      return false;
    }
  }
}
