// The one writer: delivers any model's answer (a provider's, relayed or translated; a fusion's) to a
// client in the client's format. A whole answer goes out as it came (bytes relayed) or encoded, or
// as a stream when the client asked for one. A stream's 200 goes out with its first piece (the answer
// is committed by then); the client's pace holds the provider back (and stops its idle clock); a
// stream left unread too long is closed; what follows the answer's finish leaves with the response's
// end, which waits for the ledger (billing.ts); a failure after the start, or the request ended by
// the gateway (its shutdown), ends the stream with the format's error event. SSE headers are written
// here and nowhere else.
import { asGatewayError } from '../errors/gateway-error.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Answer, AnswerMetadata, AnswerSink, StreamedAnswer, WholeAnswer } from '../engine/answer.ts';
import { surfaceCodecs } from '../protocol/codecs.ts';
import { eventsOf } from '../protocol/events.ts';
import type { EncodeContext, RelayedStream, StreamEncoder, StreamEvent } from '../protocol/ir.ts';
import { secondsSince } from './context.ts';
import type { RequestContext } from './context.ts';
import { UnreadWatch } from './unread-watch.ts';

export type ClientFormat = keyof typeof surfaceCodecs;

export interface Delivery {
  format: ClientFormat;
  /** Chat's `stream_options.include_usage`: whether the client sees the usage chunk. */
  includeUsage: boolean;
  /** Receives an answer the gateway encoded (not one relayed as it came), as the client's whole
   * response object, once complete (see EncodeContext.completed). */
  completed?: ((response: Record<string, unknown>) => void) | null;
}

export const sseHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } as const;

export function writeAnswer(context: RequestContext, answer: Answer, delivery: Delivery): Promise<void> {
  if (context.response.destroyed) {
    if (answer.kind === 'stream') answer.stream.cancel();
    return Promise.resolve();
  }
  if (answer.kind === 'whole') return Promise.resolve(writeWhole(context, answer, delivery));
  // A fault of the writer's own before the stream is under way stops it: nothing else would.
  let written: Promise<void>;
  try {
    written = writeStream(context, answer, delivery);
  } catch (error) {
    answer.stream.cancel();
    throw error;
  }
  return written.catch((error: unknown) => {
    answer.stream.cancel();
    throw error;
  });
}

function writeWhole(context: RequestContext, answer: WholeAnswer, delivery: Delivery): void {
  const { response } = context;
  context.usage = answer.usage;
  const headers = { ...context.extraHeaders, ...answer.metadata.headers };
  if (answer.bytes !== null) {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer.bytes), ...headers });
    context.finish(answer.bytes);
    return;
  }
  const codec = surfaceCodecs[delivery.format];
  const encodeContext = encodeContextOf(answer.metadata, delivery);
  if (context.stream) {
    // The provider answered whole; the client still gets the stream it asked for.
    const encoder = codec.createStreamEncoder(encodeContext);
    let out = '';
    for (const event of eventsOf(answer.response!)) out += encoder.push(event);
    response.writeHead(200, { ...sseHeaders, ...headers });
    context.timeToFirstToken ??= secondsSince(context.startedAt);
    context.finish(out + encoder.end());
    return;
  }
  const encoded = { ...codec.encodeResponse(answer.response!, encodeContext), ...answer.response!.extra };
  const payload = JSON.stringify(encoded);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  context.finish(payload);
  delivery.completed?.(encoded);
}

// Long by design: one stream's life (start, pieces, pacing, unread limit, shutdown, end, failure) read in order.
function writeStream(context: RequestContext, answer: StreamedAnswer, delivery: Delivery): Promise<void> {
  const { response } = context;
  const { stream, metadata } = answer;
  const rendering = new StreamRendering(metadata, delivery);
  /** From the finish on, what the stream still has to say goes out with the response's end, which
   * waits for the ledger: a client that has seen the end of the answer has a row. */
  const tail: (Buffer | string)[] = [];
  // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
  const streamFailure = (error: GatewayError): string => rendering.fail(error, false);
  context.streamFailure = streamFailure;
  context.streamed = stream.streamed;
  response.writeHead(200, { ...sseHeaders, ...context.extraHeaders, ...metadata.headers });
  context.timeToFirstToken ??= secondsSince(context.startedAt);

  return new Promise<void>((resolve) => {
    let settled = false;
    const unread = new UnreadWatch(context, () => stream.cancel());
    const signal = context.controller.signal;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      unread.stop();
      context.usage = stream.usage;
      response.off('drain', resume);
      response.off('close', left);
      signal.removeEventListener('abort', stopped);
      resolve();
    };
    const finish = (last: string): void => {
      if (!response.destroyed && !response.writableEnded) {
        context.usage = stream.usage;
        // A relayed stream's tail is usually one piece and nothing after it: it goes as it is, uncopied.
        context.finish(tail.length === 0 ? last : tail.length === 1 && last.length === 0 ? tail[0] : Buffer.concat([...tail, last].map(toBuffer)));
      }
      settle();
    };
    const resume = (): void => {
      unread.stop();
      stream.resume();
    };
    const left = (): void => {
      if (response.writableFinished) return;
      stream.cancel();
      settle();
    };
    response.on('drain', resume);
    response.on('close', left);
    const fail = (error: GatewayError, alreadyRelayed: boolean): void => {
      if (settled) return;
      stream.cancel();
      context.error ??= error;
      let last = '';
      try {
        last = rendering.fail(error, alreadyRelayed);
      } finally {
        finish(last);
      }
    };
    // The gateway ending the request (its shutdown) fails the stream with the reason, whatever model
    // produces it; a client that left is handled by `left`.
    const stopped = (): void => {
      if (!response.destroyed) fail(asGatewayError(signal.reason), false);
    };
    signal.addEventListener('abort', stopped, { once: true });
    stream.start(guarded((error) => fail(error, false), {
      piece(bytes, events, closing) {
        if (settled) return true;
        const out = rendering.piece(bytes, events);
        context.usage = stream.usage;
        if (closing) {
          if (out.length > 0) tail.push(out);
          return true;
        }
        if (out.length === 0 || response.write(out)) return true;
        unread.start();
        return false;
      },
      end() {
        if (!settled) finish(rendering.end());
      },
      fail,
    }));
    if (signal.aborted) stopped();
  });
}

/** What a stream's pieces become for its client: its bytes as they came (a relayed stream), or the
 * client's format encoded from its events; and that format's end and failure. A relayed stream
 * needs an encoder only to say a failure, and that one is told of the answer's opening (its id, its
 * model), so it ends that answer rather than opening another (Responses: no second
 * `response.created`); a format that numbers its events follows the relayed stream as it goes
 * (SurfaceCodec.followRelayed), so the failure continues the numbering. */
class StreamRendering {
  private readonly relayed: boolean;
  private readonly metadata: AnswerMetadata;
  private readonly delivery: Delivery;
  private encoder: StreamEncoder | null = null;
  private opening: StreamEvent | null = null;
  private readonly follower: RelayedStream | null = null;

  constructor(metadata: AnswerMetadata, delivery: Delivery) {
    this.metadata = metadata;
    this.delivery = delivery;
    this.relayed = metadata.bytesFormat === delivery.format;
    if (!this.relayed) this.encoder = this.created();
    else this.follower = surfaceCodecs[delivery.format].followRelayed?.(encodeContextOf(metadata, delivery)) ?? null;
  }

  piece(bytes: Buffer | string | null, events: readonly StreamEvent[]): Buffer | string {
    if (!this.relayed) return encode(this.encoder!, events);
    if (this.follower !== null) {
      if (bytes !== null) this.follower.relayed(bytes, events);
    } else if (this.opening === null && events.length > 0) this.opening = events.find((event) => event.type === 'start') ?? null;
    return bytes ?? '';
  }

  /** What the format says at the end: nothing more for a relayed stream, whose end it carried. */
  end(): string {
    return this.relayed ? '' : this.encoder!.end();
  }

  /** The format's error event; nothing when the provider's own was among the relayed bytes. */
  fail(error: GatewayError, alreadyRelayed: boolean): string {
    if (alreadyRelayed && this.relayed) return '';
    if (this.follower !== null) return this.follower.fail(error);
    if (this.encoder === null) {
      this.encoder = this.created();
      // What it would say of the opening was relayed already.
      if (this.opening !== null) this.encoder.push(this.opening);
    }
    return this.encoder.fail(error);
  }

  private created(): StreamEncoder {
    return surfaceCodecs[this.delivery.format].createStreamEncoder(encodeContextOf(this.metadata, this.delivery));
  }
}

/** A sink whose exceptions (a fault of the gateway's own while writing) fail the stream alone. */
function guarded(fail: (error: GatewayError) => void, sink: AnswerSink): AnswerSink {
  const guard = <Arguments extends unknown[], Result>(fallback: Result, handler: (...args: Arguments) => Result) => (...args: Arguments): Result => {
    try {
      return handler(...args);
    } catch (thrown) {
      fail(asGatewayError(thrown));
      return fallback;
    }
  };
  return { piece: guard(true, sink.piece), end: guard(undefined, sink.end), fail: guard(undefined, sink.fail) };
}

function encodeContextOf(metadata: AnswerMetadata, delivery: Delivery): EncodeContext {
  return { model: metadata.model, includeUsage: delivery.includeUsage, promptEstimate: metadata.promptEstimate, request: metadata.request, completed: delivery.completed ?? undefined };
}

function encode(encoder: StreamEncoder, events: readonly StreamEvent[]): string {
  let out = '';
  for (const event of events) out += event.type === 'comment' ? `: ${event.text.replace(/[\r\n]+/g, ' ')}\n\n` : encoder.push(event);
  return out;
}

function toBuffer(piece: Buffer | string): Buffer {
  return typeof piece === 'string' ? Buffer.from(piece) : piece;
}
