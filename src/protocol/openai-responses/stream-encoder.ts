// Stream events into the Responses API event stream a client (the `openai` SDK, Codex) reads: every
// event with its `event:` line and an increasing `sequence_number`, output items one at a time as
// the BlockSequencer hands them over, and a closing `response.completed` (or `.incomplete`,
// `.failed`) that carries the whole response, as `encodeResponse` would have built it.
//
// A call of a tool the client declared as custom is a `custom_tool_call` whose input streams as
// its text, read out of the arguments as they arrive (see custom-tools.ts).
import { BlockSequencer } from '../blocks.ts';
import type { Block } from '../blocks.ts';
import type { EncodeContext, FinishReason, StreamEncoder, StreamEvent, StreamFailure, Usage } from '../ir.ts';
import { sseEvent } from '../sse.ts';
import { customCallInput, CustomInputPieces } from './custom-tools.ts';
import { echoOf } from './echo.ts';
import { clientTool, encodeStatus, generateId, messageItem, nowSeconds, outputTextPart, reasoningItem, redactedReasoningPrefix, refusalPart, responseId, responseObject, toolCallItem } from './response.ts';
import type { ClientTool, ResponseSnapshot } from './response.ts';

interface OpenItem {
  id: string;
  outputIndex: number;
  /** Tool calls: the tool as the client declared it. */
  tool: ClientTool | null;
  /** Function calls: argument text held while it is only whitespace. */
  leading: string;
  /** Function calls: argument text has been written. */
  wroteArguments: boolean;
  /** Custom tool calls: the input read so far. */
  customInput: CustomInputPieces | null;
  /** Reasoning: the summary part has been opened. */
  summaryOpened: boolean;
}

export class ResponsesStreamEncoder implements StreamEncoder {
  private context: EncodeContext;
  private sequencer: BlockSequencer;
  private sequence = 0;
  private started = false;
  private closed = false;
  private id = '';
  private model = '';
  private created = 0;
  /** Completed items, in output order. */
  private output: Record<string, unknown>[] = [];
  private current: OpenItem | null = null;
  private usage: Usage | null = null;
  private extra: Record<string, unknown> | undefined;
  private finishReason: FinishReason | null = null;
  private sawToolCall = false;
  /** What the sink wrote during the current push. */
  private written = '';
  private echo: Record<string, unknown> | null;

  constructor(context: EncodeContext) {
    this.context = context;
    this.echo = echoOf(context.request);
    this.sequencer = new BlockSequencer({
      open: (block) => this.open(block),
      delta: (block, text) => this.delta(block, text),
      close: (block, whole, signature) => this.close(block, whole, signature),
    });
  }

  push(event: StreamEvent): string {
    if (this.closed) return '';
    if (event.type === 'start' && !this.started) {
      this.id = event.id === '' ? '' : responseId(event.id);
      this.model = event.model;
      this.created = event.created;
    }
    this.begin();
    if (event.type === 'usage') {
      this.usage = event.usage;
      this.extra = event.extra;
    } else if (event.type === 'finish') this.finishReason = event.finishReason;
    else if (event.type !== 'start') this.sequencer.push(event);
    return this.take();
  }

  end(): string {
    if (this.closed) return '';
    this.begin();
    this.sequencer.finish();
    this.closed = true;
    const reason = this.finishReason ?? (this.sawToolCall ? 'tool-calls' : 'stop');
    const snapshot = this.snapshot(reason);
    const status = encodeStatus(reason).status;
    const type = status === 'incomplete' ? 'response.incomplete' : status === 'failed' ? 'response.failed' : 'response.completed';
    const response = { ...responseObject(snapshot), ...this.extra };
    this.write(type, { response });
    this.context.completed?.(response);
    return this.take();
  }

  fail(error: StreamFailure): string {
    if (this.closed) return '';
    this.begin();
    this.closed = true;
    this.write('error', { code: error.code, message: error.message, param: null });
    this.write('response.failed', { response: responseObject({ ...this.snapshot(null), failure: { code: error.code, message: error.message } }) });
    return this.take();
  }

  /** Takes up a stream whose events up to `nextSequence` were relayed from the provider as they
   * came (its `response.created` among them): what it writes next continues their numbering and
   * names their response, its id as the provider gave it and its model as the opening named it. */
  continueRelayed(opening: { id: string; model: string; created: number } | null, nextSequence: number): void {
    this.started = true;
    this.id = opening?.id || generateId('resp');
    this.model = opening?.model || this.context.model;
    this.created = opening?.created || nowSeconds();
    this.sequence = nextSequence;
  }

  /** `response.created` and `response.in_progress`, once, before anything else. */
  private begin(): void {
    if (this.started) return;
    this.started = true;
    this.id ||= generateId('resp');
    this.model ||= this.context.model;
    this.created ||= nowSeconds();
    const response = responseObject(this.snapshot(null));
    this.write('response.created', { response });
    this.write('response.in_progress', { response });
  }

  private open(block: Block): void {
    const item: OpenItem = { id: '', outputIndex: this.output.length, tool: null, leading: '', wroteArguments: false, customInput: null, summaryOpened: false };
    this.current = item;
    if (block.kind === 'text' || block.kind === 'refusal') {
      item.id = generateId('msg');
      this.write('response.output_item.added', { output_index: item.outputIndex, item: messageItem(item.id, [], 'in_progress') });
      this.write('response.content_part.added', { ...this.address(item), content_index: 0, part: block.kind === 'text' ? outputTextPart('') : refusalPart('') });
    } else if (block.kind === 'reasoning' || block.kind === 'redacted-reasoning') {
      item.id = block.kind === 'reasoning' && block.id !== undefined ? block.id : generateId(block.kind === 'reasoning' ? 'rs' : redactedReasoningPrefix.slice(0, -1));
      this.write('response.output_item.added', { output_index: item.outputIndex, item: { id: item.id, type: 'reasoning', summary: [] } });
    } else {
      this.sawToolCall = true;
      this.announce(block, item);
    }
  }

  private delta(block: Block, text: string): void {
    const item = this.current;
    if (!item) return;
    if (block.kind === 'text') {
      this.write('response.output_text.delta', { ...this.address(item), content_index: 0, delta: text, logprobs: [] });
    } else if (block.kind === 'refusal') {
      this.write('response.refusal.delta', { ...this.address(item), content_index: 0, delta: text });
    } else if (block.kind === 'reasoning') {
      if (!item.summaryOpened) {
        item.summaryOpened = true;
        this.write('response.reasoning_summary_part.added', { ...this.address(item), summary_index: 0, part: { type: 'summary_text', text: '' } });
      }
      this.write('response.reasoning_summary_text.delta', { ...this.address(item), summary_index: 0, delta: text });
    } else if (block.kind === 'tool-call') {
      this.callDelta(item, text);
    }
  }

  private callDelta(item: OpenItem, text: string): void {
    if (item.customInput) {
      const piece = item.customInput.push(text);
      if (piece !== '') this.write('response.custom_tool_call_input.delta', { ...this.address(item), delta: piece });
      return;
    }
    if (!item.wroteArguments) {
      item.leading += text;
      if (item.leading.trim() === '') return;
      text = item.leading;
      item.wroteArguments = true;
    }
    this.write('response.function_call_arguments.delta', { ...this.address(item), delta: text });
  }

  private close(block: Block, whole: string, signature: string | undefined): void {
    const item = this.current;
    if (!item) return;
    this.current = null;
    let done: Record<string, unknown>;
    if (block.kind === 'text' || block.kind === 'refusal') {
      const part = block.kind === 'text' ? outputTextPart(whole) : refusalPart(whole);
      if (block.kind === 'text') this.write('response.output_text.done', { ...this.address(item), content_index: 0, text: whole, logprobs: [] });
      else this.write('response.refusal.done', { ...this.address(item), content_index: 0, refusal: whole });
      this.write('response.content_part.done', { ...this.address(item), content_index: 0, part });
      done = messageItem(item.id, [part], 'completed');
    } else if (block.kind === 'reasoning') {
      if (item.summaryOpened) {
        this.write('response.reasoning_summary_text.done', { ...this.address(item), summary_index: 0, text: whole });
        this.write('response.reasoning_summary_part.done', { ...this.address(item), summary_index: 0, part: { type: 'summary_text', text: whole } });
      }
      done = reasoningItem(item.id, whole, signature);
    } else if (block.kind === 'redacted-reasoning') {
      done = reasoningItem(item.id, '', block.data);
    } else {
      done = this.closeToolCall(block, item, whole);
    }
    this.write('response.output_item.done', { output_index: item.outputIndex, item: done });
    this.output.push(done);
  }

  private closeToolCall(block: Extract<Block, { kind: 'tool-call' }>, item: OpenItem, whole: string): Record<string, unknown> {
    const tool = item.tool ?? clientTool(block, this.context.request);
    if (item.customInput) {
      const input = customCallInput(whole);
      const sent = item.customInput.sent;
      const rest = input.startsWith(sent) ? input.slice(sent.length) : '';
      if (rest !== '') this.write('response.custom_tool_call_input.delta', { ...this.address(item), delta: rest });
      this.write('response.custom_tool_call_input.done', { ...this.address(item), input });
      return toolCallItem({ id: block.id, arguments: whole, itemId: item.id }, tool, 'completed');
    }
    // No arguments at all: "{}", written as a delta too, for clients that only add deltas up.
    const argumentsText = whole.trim() === '' ? '{}' : whole;
    if (!item.wroteArguments) this.write('response.function_call_arguments.delta', { ...this.address(item), delta: argumentsText });
    this.write('response.function_call_arguments.done', { ...this.address(item), name: tool.name, arguments: argumentsText });
    return toolCallItem({ id: block.id, arguments: argumentsText, itemId: item.id }, tool, 'completed');
  }

  /** `output_item.added` for a tool call, as a function call or a custom tool call. */
  private announce(block: Extract<Block, { kind: 'tool-call' }>, item: OpenItem): void {
    const tool = clientTool(block, this.context.request);
    item.tool = tool;
    item.id = block.itemId ?? generateId(tool.custom ? 'ctc' : 'fc');
    if (tool.custom) item.customInput = new CustomInputPieces();
    const added: Record<string, unknown> = tool.custom
      ? { id: item.id, type: 'custom_tool_call', status: 'in_progress', call_id: block.id, name: tool.name, input: '' }
      : { id: item.id, type: 'function_call', status: 'in_progress', arguments: '', call_id: block.id, name: tool.name };
    if (tool.namespace !== undefined) added.namespace = tool.namespace;
    this.write('response.output_item.added', { output_index: item.outputIndex, item: added });
  }

  private address(item: OpenItem): Record<string, unknown> {
    return { item_id: item.id, output_index: item.outputIndex };
  }

  private snapshot(finishReason: FinishReason | null): ResponseSnapshot {
    const done = finishReason !== null;
    return { id: this.id, model: this.model, created: this.created, output: done || this.closed ? this.output : [], finishReason, usage: done ? this.usage : null, echo: this.echo };
  }

  private write(type: string, fields: Record<string, unknown>): void {
    this.written += sseEvent(JSON.stringify({ type, sequence_number: this.sequence++, ...fields }), type);
  }

  private take(): string {
    const text = this.written;
    this.written = '';
    return text;
  }
}
