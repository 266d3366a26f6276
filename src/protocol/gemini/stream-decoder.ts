// `streamGenerateContent?alt=sse` as stream events. Every SSE event is a whole GenerateContentResponse
// holding the parts produced since the last one, and `usageMetadata` is cumulative, so only the last
// one counts. A function call arrives whole, or, from Gemini 3 with streamed function call arguments,
// in pieces: a part naming it (`willContinue`), parts with `partialArgs` and no name, and a last
// part without `willContinue` (see partial-args.ts).
import type { EncodeTarget, StreamDecoder, StreamEvent, StreamFailure, Usage } from '../ir.ts';
import { SseParser } from '../sse.ts';
import type { SseEvent } from '../sse.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { failureFromGoogleError, googleError } from './errors.ts';
import { PartialArgsError, PartialArgsWriter } from './partial-args.ts';
import {
  candidateParts,
  decodePart,
  finishReasonOf,
  firstCandidate,
  isRecord,
  malformedResponse,
  responseHeader,
  toolCallId,
  usageFromMetadata,
} from './response.ts';

export function createGeminiStreamDecoder(target: EncodeTarget): StreamDecoder {
  return new GeminiStreamDecoder(target);
}

export class GeminiStreamDecoder implements StreamDecoder {
  malformed: string | null = null;
  failure: StreamFailure | null = null;
  private parser = new SseParser();
  private target: EncodeTarget;
  private responseId: string | null = null;
  private toolCalls = 0;
  /** A thought part is being streamed; a signature that belongs to a later part must not join it. */
  private reasoningOpen = false;
  /** A function call whose arguments are still arriving in pieces. */
  private streamedCall: { index: number; writer: PartialArgsWriter } | null = null;
  private usage: Usage | null = null;
  private finished = false;

  constructor(target: EncodeTarget) {
    this.target = target;
  }

  push(chunk: Uint8Array): StreamEvent[] {
    if (this.stopped) return [];
    return this.read(this.parser.push(chunk));
  }

  end(): StreamEvent[] {
    if (this.stopped) return [];
    // Without a finishReason nothing is added: the gateway reports the stream as incomplete.
    return this.read(this.parser.end());
  }

  private get stopped(): boolean {
    return this.malformed !== null || this.failure !== null;
  }

  private read(events: SseEvent[]): StreamEvent[] {
    const output: StreamEvent[] = [];
    for (const event of events) {
      if (this.stopped) break;
      try {
        this.readEvent(event.data, output);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        this.malformed = error.message;
      }
    }
    return output;
  }

  private readEvent(data: string, output: StreamEvent[]): void {
    let body: unknown;
    try {
      body = JSON.parse(data);
    } catch {
      this.malformed = 'the provider sent an event that is not JSON';
      return;
    }
    const error = googleError(body);
    if (error) {
      this.failure = failureFromGoogleError(error);
      return;
    }
    if (!isRecord(body)) {
      this.malformed = 'the provider sent an event that is not a JSON object';
      return;
    }
    if (this.responseId === null) {
      const header = responseHeader(body, this.target);
      this.responseId = header.id;
      output.push({ type: 'start', id: header.id, model: header.model, created: header.created });
    }
    if (this.finished) return this.readLateUsage(body, output);
    const candidate = firstCandidate(body);
    for (const part of candidateParts(candidate)) this.readPart(part, output);
    if (body.usageMetadata !== undefined) this.usage = usageFromMetadata(body.usageMetadata);
    const finishReason = finishReasonOf(body, candidate, this.toolCalls > 0);
    if (finishReason === null) return;
    if (this.streamedCall) this.endStreamedCall(output);
    if (this.reasoningOpen) this.endReasoning(output);
    if (this.usage) output.push({ type: 'usage', usage: this.usage });
    output.push({ type: 'finish', finishReason });
    this.finished = true;
  }

  private readPart(part: Record<string, unknown>, output: StreamEvent[]): void {
    const call = part.functionCall;
    if (isRecord(call) && (call.willContinue === true || call.partialArgs !== undefined || typeof call.name !== 'string')) return this.readCallPiece(part, call, output);
    // Anything else after a call's pieces means that call is over, terminator or not.
    if (this.streamedCall) this.endStreamedCall(output);
    const decoded = decodePart(part, toolCallId(this.responseId as string, this.toolCalls));
    for (const content of decoded ?? []) {
      switch (content.type) {
        case 'text':
          this.reasoningOpen = false;
          output.push({ type: 'text-delta', text: content.text });
          break;
        case 'reasoning':
          // A signature with no thought text came on a plain part: it starts a reasoning part of its own.
          if (content.text === '' && this.reasoningOpen) this.endReasoning(output);
          if (content.text !== '') {
            output.push({ type: 'reasoning-delta', text: content.text });
            this.reasoningOpen = true;
          }
          if (content.signature !== undefined) {
            output.push({ type: 'reasoning-signature', signature: content.signature });
            this.endReasoning(output);
          }
          break;
        case 'tool-call': {
          this.reasoningOpen = false;
          const index = this.toolCalls++;
          const start: StreamEvent =
            content.signature === undefined
              ? { type: 'tool-call-start', index, id: content.id, name: content.name }
              : { type: 'tool-call-start', index, id: content.id, name: content.name, signature: content.signature };
          output.push(start, { type: 'tool-call-delta', index, arguments: content.arguments }, { type: 'tool-call-end', index });
          break;
        }
        default:
          break;
      }
    }
  }

  /** A piece of a function call streamed in parts: its start, arguments, or end. */
  private readCallPiece(part: Record<string, unknown>, call: Record<string, unknown>, output: StreamEvent[]): void {
    try {
      if (typeof call.name === 'string') {
        if (this.streamedCall) this.endStreamedCall(output);
        this.startStreamedCall(part, call, output);
      } else if (!this.streamedCall) {
        // The empty closing part of a call already closed carries nothing.
        if (call.partialArgs === undefined && call.args === undefined) return;
        throw malformedResponse('a functionCall has no name and continues no call');
      }
      const streamed = this.streamedCall;
      if (!streamed) return;
      let text = '';
      if (call.partialArgs !== undefined) {
        if (!Array.isArray(call.partialArgs) || !call.partialArgs.every(isRecord)) throw malformedResponse('functionCall.partialArgs is not an array of objects');
        for (const arg of call.partialArgs) text += streamed.writer.push(arg);
      }
      if (text !== '') output.push({ type: 'tool-call-delta', index: streamed.index, arguments: text });
      if (call.willContinue !== true) this.endStreamedCall(output);
    } catch (error) {
      if (!(error instanceof PartialArgsError)) throw error;
      this.malformed = `the provider streamed function call arguments out of order: ${error.message}`;
    }
  }

  private startStreamedCall(part: Record<string, unknown>, call: Record<string, unknown>, output: StreamEvent[]): void {
    if (call.args !== undefined && call.args !== null && !isRecord(call.args)) throw malformedResponse('functionCall.args is not an object');
    const index = this.toolCalls++;
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : toolCallId(this.responseId as string, index);
    const start: StreamEvent = { type: 'tool-call-start', index, id, name: call.name as string };
    // Gemini signs the part that names the call; a signature on a later piece has no call part to go back on.
    if (typeof part.thoughtSignature === 'string' && part.thoughtSignature !== '') start.signature = part.thoughtSignature;
    this.reasoningOpen = false;
    output.push(start);
    const writer = new PartialArgsWriter();
    this.streamedCall = { index, writer };
    let text = '';
    for (const [name, value] of Object.entries(isRecord(call.args) ? call.args : {})) text += writer.pushValue(name, value);
    if (text !== '') output.push({ type: 'tool-call-delta', index, arguments: text });
  }

  private endStreamedCall(output: StreamEvent[]): void {
    const streamed = this.streamedCall;
    if (!streamed) return;
    this.streamedCall = null;
    output.push({ type: 'tool-call-delta', index: streamed.index, arguments: streamed.writer.end() }, { type: 'tool-call-end', index: streamed.index });
  }

  private endReasoning(output: StreamEvent[]): void {
    output.push({ type: 'reasoning-end' });
    this.reasoningOpen = false;
  }

  /** A chunk after the finish can only add to the usage already reported. */
  private readLateUsage(body: Record<string, unknown>, output: StreamEvent[]): void {
    if (body.usageMetadata === undefined) return;
    const usage = usageFromMetadata(body.usageMetadata);
    if (!usage || (this.usage && sameUsage(usage, this.usage))) return;
    this.usage = usage;
    output.push({ type: 'usage', usage });
  }
}

function sameUsage(first: Usage, second: Usage): boolean {
  return (
    first.inputTokens === second.inputTokens &&
    first.outputTokens === second.outputTokens &&
    first.cachedInputTokens === second.cachedInputTokens &&
    first.reasoningTokens === second.reasoningTokens
  );
}
