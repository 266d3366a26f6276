// A provider's streamed answer as a model's answer: its bytes are read as they come (credentials cut
// out first), each chunk is read by the path's reading (relayed bytes, decoded events, or both), and
// nothing leaves before the first piece of content: until then a failure rejects, and the request
// may go to another provider. From that commit point the pieces flow to whoever started the stream,
// at the pace the client reads them.
import type { StreamedOutput } from '../accounts/request-ledger.ts';
import { asGatewayError, upstreamFailed } from '../errors/gateway-error.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { StreamEvent, Usage } from '../protocol/ir.ts';
import { upstreamFailure } from '../providers/upstream.ts';
import type { UpstreamExchange } from '../providers/upstream.ts';
import type { Provider } from '../providers/registry.ts';
import type { AnswerMetadata, AnswerSink, AnswerStream, StreamedAnswer } from './answer.ts';

/** How one path reads a provider's stream (see relay and translation). */
export interface StreamReading {
  /** One upstream chunk: what to relay as bytes (or null), and the events it carried. */
  read(chunk: Buffer): Piece;
  /** The upstream ended: what was still buffered. */
  flush(): Piece;
  /** Bytes that close a complete stream (e.g. a missing `[DONE]`); null for none. */
  closing(): Piece | null;
  /** Content has begun: the answer is committed. */
  readonly committed: boolean;
  /** The provider finished the answer properly. */
  readonly complete: boolean;
  /** The provider's error inside the stream, or unreadable bytes; `relayed`: its bytes went out. */
  readonly failure: { error: GatewayError; relayed: boolean } | null;
  readonly usage: Usage | null;
  readonly streamed: StreamedOutput;
  /** Credentials are cut out of the raw bytes as they come; false when the decoder cuts them out of
   * each framed message's payload instead (a binary framing, whose bytes must stay as they came). */
  readonly redactsRawBytes: boolean;
}

export interface Piece {
  bytes: Buffer | string | null;
  events: StreamEvent[];
}

/** Resolves at the commit point with the answer; rejects when the provider fails before it. */
export function openAnswerStream(provider: Provider, exchange: UpstreamExchange, reading: StreamReading, metadata: AnswerMetadata, controller: AbortController): Promise<StreamedAnswer> {
  return new Promise<StreamedAnswer>((resolve, reject) => {
    new ProviderStream(provider, exchange, reading, controller, {
      commit: (stream) => resolve({ kind: 'stream', metadata, stream }),
      reject,
    });
  });
}

interface Outcome {
  commit(stream: AnswerStream): void;
  reject(error: GatewayError): void;
}

class ProviderStream implements AnswerStream {
  private readonly upstream: UpstreamExchange['body'];
  /** Null when the reading cuts credentials out itself (see StreamReading.redactsRawBytes). */
  private readonly redaction: ReturnType<UpstreamExchange['redactor']['stream']> | null;
  /** Pieces not yet delivered: all of them until the commit, then those that came before start(). */
  private readonly held: { piece: Piece; closing: boolean }[] = [];
  private sink: AnswerSink | null = null;
  private committed = false;
  /** The exchange is over (ended, failed or cancelled); its timers are cleared. */
  private settled = false;
  private ended = false;
  private failed: { error: GatewayError; relayed: boolean } | null = null;
  private readonly provider: Provider;
  private readonly exchange: UpstreamExchange;
  private readonly reading: StreamReading;
  private readonly outcome: Outcome;

  constructor(provider: Provider, exchange: UpstreamExchange, reading: StreamReading, controller: AbortController, outcome: Outcome) {
    this.provider = provider;
    this.exchange = exchange;
    this.reading = reading;
    this.outcome = outcome;
    this.upstream = exchange.body;
    this.redaction = reading.redactsRawBytes ? exchange.redactor.stream() : null;
    this.upstream.on('data', this.guard((chunk: Buffer) => this.onData(chunk)));
    this.upstream.on('end', this.guard(() => this.onEnd()));
    this.upstream.on('error', this.guard((error: unknown) => {
      if (!this.settled) this.fail(upstreamFailure(provider, error, controller, exchange.redactor), false);
    }));
  }

  start(sink: AnswerSink): void {
    this.sink = sink;
    this.drainHeld();
    if (this.failed) sink.fail(this.failed.error, this.failed.relayed);
    else if (this.ended) sink.end();
  }

  pause(): void {
    this.upstream.pause();
    this.exchange.holdIdle();
  }

  resume(): void {
    if (this.settled) return;
    this.exchange.releaseIdle();
    this.upstream.resume();
  }

  cancel(): void {
    this.upstream.destroy();
    this.settle();
  }

  get usage(): Usage | null {
    return this.reading.usage;
  }

  get streamed(): StreamedOutput {
    return this.reading.streamed;
  }

  private onData(chunk: Buffer): void {
    if (this.settled) return;
    this.exchange.sawData();
    // What came before an in-stream error still goes out (relayed, with the provider's own error
    // event among them) when the answer had begun; before the commit the error is the answer.
    this.deliver(this.reading.read(this.redaction === null ? chunk : toBuffer(this.redaction.push(chunk))));
    if (this.reading.committed) this.commit();
    this.checkFailure();
  }

  private onEnd(): void {
    if (this.settled) return;
    const { reading } = this;
    const rest = reading.read(this.redaction === null ? noBytes : toBuffer(this.redaction.flush()));
    const flushed = reading.flush();
    // A provider's error event in the stream's last, unterminated event is read only now; what the
    // reading still holds carries it, and goes out before the failure (the client sees the error).
    if (reading.failure?.relayed) for (const piece of [rest, flushed, reading.closing()]) if (piece !== null) this.deliver(piece);
    if (this.checkFailure()) return;
    if (!reading.complete) return this.fail(upstreamFailed(`provider "${this.provider.id}" ended the stream before it was complete`, 'upstream_stream_incomplete'), false);
    // A complete stream with no content at all (an empty answer) commits at its end.
    for (const piece of [rest, flushed, reading.closing()]) if (piece !== null && !isEmpty(piece)) this.held.push({ piece, closing: true });
    if (this.sink) this.drainHeld();
    this.ended = true;
    this.settle();
    this.commit();
    this.sink?.end();
  }

  private deliver(piece: Piece): void {
    if (isEmpty(piece)) return;
    const closing = this.reading.complete;
    if (this.sink === null) this.held.push({ piece, closing });
    else if (!this.sink.piece(piece.bytes, piece.events, closing)) this.pause();
  }

  private drainHeld(): void {
    for (const { piece, closing } of this.held.splice(0)) this.sink!.piece(piece.bytes, piece.events, closing);
  }

  private commit(): void {
    if (this.committed) return;
    this.committed = true;
    this.outcome.commit(this);
  }

  private checkFailure(): boolean {
    const failure = this.reading.failure;
    if (failure === null) return false;
    this.fail(failure.error, failure.relayed);
    return true;
  }

  /** Before the commit a failure is the attempt's; after it, the stream's. */
  private fail(error: GatewayError, relayed: boolean): void {
    if (this.settled) return;
    this.upstream.destroy();
    this.settle();
    if (!this.committed) return this.outcome.reject(error);
    this.failed = { error, relayed };
    this.sink?.fail(error, relayed);
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.exchange.finish();
  }

  /** An exception while handling an event fails this stream alone. */
  private guard<Arguments extends unknown[]>(handler: (...args: Arguments) => void): (...args: Arguments) => void {
    return (...args) => {
      try {
        handler(...args);
      } catch (thrown) {
        this.fault(asGatewayError(thrown));
      }
    };
  }

  /** A fault of the gateway's own. Once the stream has settled it came while its end was delivered
   * (say, from a wrapper of the sink): the sink still hears of it, or it would wait for an end that
   * never comes. A sink ignores a failure after its end. */
  private fault(error: GatewayError): void {
    if (!this.settled) return this.fail(error, false);
    if (this.failed !== null) return;
    this.failed = { error, relayed: false };
    if (!this.committed) return this.outcome.reject(error);
    this.sink?.fail(error, false);
  }
}

const noBytes = Buffer.alloc(0);

function isEmpty(piece: Piece): boolean {
  return (piece.bytes === null || piece.bytes.length === 0) && piece.events.length === 0;
}

function toBuffer(piece: Buffer | string): Buffer {
  return typeof piece === 'string' ? Buffer.from(piece) : piece;
}
