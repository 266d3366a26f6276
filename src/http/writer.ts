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
import type { Answer, AnswerMetadata, AnswerSink, AnswerStream, StreamedAnswer, WholeAnswer } from '../engine/answer.ts';
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

function writeStream(context: RequestContext, answer: StreamedAnswer, delivery: Delivery): Promise<void> {
  const { response } = context;
  const { stream, metadata } = answer;
  const rendering = new StreamRendering(metadata, delivery);
  // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
  const streamFailure = (error: GatewayError): string => rendering.fail(error, false);
  context.streamFailure = streamFailure;
  context.streamed = stream.streamed;
  response.writeHead(200, { ...sseHeaders, ...context.extraHeaders, ...metadata.headers });
  context.timeToFirstToken ??= secondsSince(context.startedAt);
  const writing = new StreamWriting(context, stream, rendering);
  stream.start(writing);
  if (context.controller.signal.aborted) writing.handleEvent();
  return writing.done;
}

/**
 * One stream's life on its way to the client: pieces written as they come, the provider held back
 * while the client does not read (and the stream closed once it has not read for the unread limit),
 * the end written once the answer is over, the format's error event on a failure, and the gateway's
 * own end of the request (its shutdown) as a failure. It is the stream's sink, and its listener on
 * the request's abort signal (handleEvent). A class, not closures made per stream: under streamed
 * load V8 compiled those closures again after full collections, every second or so (--trace-opt;
 * BENCHMARKS.md, "2026-12-07 (evening)"); a class's methods are compiled once.
 */
class StreamWriting implements AnswerSink {
  readonly done: Promise<void>;
  private readonly resolveDone: () => void;
  private readonly context: RequestContext;
  private readonly stream: AnswerStream;
  private readonly rendering: StreamRendering;
  /** From the finish on, what the stream still has to say goes out with the response's end, which
   * waits for the ledger: a client that has seen the end of the answer has a row. */
  private readonly tail: (Buffer | string)[] = [];
  /** Made when the client first stops reading (most never do). */
  private unread: UnreadWatch | null = null;
  private settled = false;
  private readonly drained: () => void;
  private readonly closed: () => void;

  constructor(context: RequestContext, stream: AnswerStream, rendering: StreamRendering) {
    this.context = context;
    this.stream = stream;
    this.rendering = rendering;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.done = promise;
    this.resolveDone = resolve;
    this.drained = this.resume.bind(this);
    this.closed = this.left.bind(this);
    context.response.on('drain', this.drained);
    context.response.on('close', this.closed);
    context.controller.signal.addEventListener('abort', this, { once: true });
  }

  piece(bytes: Buffer | string | null, events: readonly StreamEvent[], closing: boolean): boolean {
    if (this.settled) return true;
    try {
      const out = this.rendering.piece(bytes, events);
      this.context.usage = this.stream.usage;
      if (closing) {
        if (out.length > 0) this.tail.push(out);
        return true;
      }
      if (out.length === 0 || this.context.response.write(out)) return true;
      (this.unread ??= new UnreadWatch(this.context, this.stream)).start();
      return false;
    } catch (thrown) {
      this.fail(asGatewayError(thrown), false);
      return true;
    }
  }

  end(): void {
    if (this.settled) return;
    try {
      this.finish(this.rendering.end());
    } catch (thrown) {
      this.fail(asGatewayError(thrown), false);
    }
  }

  fail(error: GatewayError, alreadyRelayed: boolean): void {
    if (this.settled) return;
    try {
      this.failWith(error, alreadyRelayed);
    } catch (thrown) {
      // A fault of the gateway's own while the failure was said is said instead; a second one
      // cuts the connection (after the listeners are gone, so that its close is not handled).
      try {
        this.failWith(asGatewayError(thrown), false);
      } catch {
        this.settle();
        this.context.response.destroy();
      }
    }
  }

  private failWith(error: GatewayError, alreadyRelayed: boolean): void {
    this.context.error ??= error;
    this.stream.cancel();
    this.finish(this.rendering.fail(error, alreadyRelayed));
  }

  /** The gateway ended the request (its shutdown): the stream fails with the reason, whatever
   * model produces it; a client that left is handled by `left`. */
  handleEvent(): void {
    if (!this.context.response.destroyed) this.fail(asGatewayError(this.context.controller.signal.reason), false);
  }

  private finish(last: string): void {
    const { context } = this;
    const { response } = context;
    if (!response.destroyed && !response.writableEnded) {
      context.usage = this.stream.usage;
      // A relayed stream's tail is usually one piece and nothing after it: it goes as it is, uncopied.
      const tail = this.tail;
      context.finish(tail.length === 0 ? last : tail.length === 1 && last.length === 0 ? tail[0] : Buffer.concat([...tail, last].map(toBuffer)));
    }
    this.settle();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    const { context } = this;
    this.unread?.stop();
    context.usage = this.stream.usage;
    context.response.off('drain', this.drained);
    context.response.off('close', this.closed);
    context.controller.signal.removeEventListener('abort', this);
    this.resolveDone();
  }

  private resume(): void {
    this.unread?.stop();
    this.stream.resume();
  }

  private left(): void {
    if (this.context.response.writableFinished) return;
    this.stream.cancel();
    this.settle();
  }
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
