// IR stream events as Anthropic's event stream, for Anthropic clients. Anthropic has one content
// block open at a time, indexed from 0; the BlockSequencer turns any event order (Chat providers
// interleave parallel tool calls) into that shape. `finish` and `usage` are held until end(),
// which writes them as message_delta, since usage may arrive after finish.
import type { EncodeContext, FinishReason, StreamEncoder, StreamEvent, StreamFailure, Usage } from '../ir.ts';
import { BlockSequencer } from '../blocks.ts';
import type { Block } from '../blocks.ts';
import { sseEvent } from '../sse.ts';
import { anthropicErrorBody } from './errors.ts';
import { encodeStopReason, encodeUsage } from './response.ts';

export function createStreamEncoder(context: EncodeContext): StreamEncoder {
  return new AnthropicStreamEncoder(context);
}

class AnthropicStreamEncoder implements StreamEncoder {
  private context: EncodeContext;
  private output = '';
  private started = false;
  private done = false;
  private nextIndex = 0;
  private openIndex = 0;
  private finishReason: FinishReason = 'stop';
  private stopSequence: string | null = null;
  private usage: Usage | null = null;
  private extra: Record<string, unknown> | undefined;
  private refused = false;
  private sequencer: BlockSequencer;

  constructor(context: EncodeContext) {
    this.context = context;
    this.sequencer = new BlockSequencer({
      open: (block) => this.open(block),
      delta: (block, text) => this.delta(block, text),
      close: (block, _whole, signature) => this.close(block, signature),
    });
  }

  push(event: StreamEvent): string {
    if (this.done) return '';
    if (!this.started) this.start(event.type === 'start' ? event : null);
    if (event.type === 'refusal-delta') this.refused = true;
    if (event.type === 'usage') {
      this.usage = event.usage;
      this.extra = event.extra;
    } else if (event.type === 'finish') {
      this.finishReason = event.finishReason;
      this.stopSequence = event.stopSequence ?? null;
    } else if (!isEmptyDelta(event)) this.sequencer.push(event);
    return this.take();
  }

  end(): string {
    if (this.done) return '';
    if (!this.started) this.start(null);
    this.sequencer.finish();
    this.done = true;
    this.write('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: encodeStopReason(this.refused && this.finishReason === 'stop' ? 'refusal' : this.finishReason, this.stopSequence), stop_sequence: this.stopSequence, stop_details: null },
      // The provider's count when it gave one; else the estimate message_start stated, which clients
      // would otherwise overwrite with 0.
      usage: encodeUsage(this.usage ?? this.estimatedUsage()),
      ...this.extra,
    });
    this.write('message_stop', { type: 'message_stop' });
    return this.take();
  }

  fail(error: StreamFailure): string {
    if (this.done) return '';
    this.done = true;
    return sseEvent(anthropicErrorBody(error), 'error');
  }

  private start(event: { id: string; model: string } | null): void {
    this.started = true;
    this.write('message_start', {
      type: 'message_start',
      message: {
        id: event?.id || `msg_${crypto.randomUUID().replaceAll('-', '')}`,
        type: 'message',
        role: 'assistant',
        model: event?.model || this.context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        // Anthropic states the prompt here and some clients (LangChain) read it only here: the best
        // count known now goes in. message_delta carries the provider's totals.
        usage: encodeUsage(this.usage ?? this.estimatedUsage()),
      },
    });
  }

  /** The prompt as the surface estimated it, nothing generated yet; null without an estimate. */
  private estimatedUsage(): Usage | null {
    const prompt = this.context.promptEstimate?.();
    if (prompt === undefined || !Number.isFinite(prompt) || prompt < 0) return null;
    return { inputTokens: Math.round(prompt), outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  }

  private open(block: Block): void {
    this.openIndex = this.nextIndex++;
    this.write('content_block_start', { type: 'content_block_start', index: this.openIndex, content_block: startOf(block) });
  }

  private delta(block: Block, text: string): void {
    let delta: Record<string, unknown>;
    if (block.kind === 'tool-call') delta = { type: 'input_json_delta', partial_json: text };
    else if (block.kind === 'reasoning') delta = { type: 'thinking_delta', thinking: text };
    else if (block.kind === 'redacted-reasoning') return;
    else delta = { type: 'text_delta', text };
    this.write('content_block_delta', { type: 'content_block_delta', index: this.openIndex, delta });
  }

  private close(block: Block, signature: string | undefined): void {
    if (block.kind === 'reasoning' && signature) {
      // The SDK keeps the last signature_delta, not their concatenation: one delta, whole.
      this.write('content_block_delta', { type: 'content_block_delta', index: this.openIndex, delta: { type: 'signature_delta', signature } });
    }
    this.write('content_block_stop', { type: 'content_block_stop', index: this.openIndex });
  }

  private write(type: string, payload: Record<string, unknown>): void {
    this.output += sseEvent(JSON.stringify(payload), type);
  }

  private take(): string {
    const text = this.output;
    this.output = '';
    return text;
  }
}

/** An empty text delta would open a block of nothing, which Anthropic refuses when it comes back. */
function isEmptyDelta(event: StreamEvent): boolean {
  return (event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'refusal-delta') && event.text === '';
}

function startOf(block: Block): Record<string, unknown> {
  switch (block.kind) {
    case 'text':
    case 'refusal':
      return { type: 'text', text: '' };
    case 'reasoning':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted-reasoning':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool-call':
      return { type: 'tool_use', id: block.id, name: block.name, input: {} };
  }
}
