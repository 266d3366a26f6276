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
}

export interface Piece {
  bytes: Buffer | string | null;
  events: StreamEvent[];
}

/** Resolves at the commit point with the answer; rejects when the provider fails before it. */
export function openAnswerStream(provider: Provider, exchange: UpstreamExchange, reading: StreamReading, metadata: AnswerMetadata, controller: AbortController): Promise<StreamedAnswer> {
  const upstream = exchange.body;
  const redaction = exchange.redactor.stream();
  /** Pieces not yet delivered: all of them until the commit, then those that came before start(). */
  const held: { piece: Piece; closing: boolean }[] = [];
  let sink: AnswerSink | null = null;
  let settled = false;
  let ended = false;
  let failed: { error: GatewayError; relayed: boolean } | null = null;

  return new Promise<StreamedAnswer>((resolve, reject) => {
    let committed = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      exchange.finish();
    };
    const commit = (): void => {
      if (committed) return;
      committed = true;
      resolve({ kind: 'stream', metadata, stream });
    };
    /** Before the commit a failure is the attempt's; after it, the stream's. */
    const fail = (error: GatewayError, relayed: boolean): void => {
      if (settled) return;
      upstream.destroy();
      settle();
      if (!committed) return reject(error);
      failed = { error, relayed };
      if (sink) sink.fail(error, relayed);
    };
    const deliver = (piece: Piece): void => {
      if (isEmpty(piece)) return;
      const closing = reading.complete;
      if (sink === null) {
        held.push({ piece, closing });
        return;
      }
      if (!sink.piece(piece.bytes, piece.events, closing)) {
        upstream.pause();
        exchange.holdIdle();
      }
    };
    const guard = <Arguments extends unknown[]>(handler: (...args: Arguments) => void) => (...args: Arguments): void => {
      try {
        handler(...args);
      } catch (thrown) {
        fail(asGatewayError(thrown), false);
      }
    };
    const checkFailure = (): boolean => {
      const failure = reading.failure;
      if (failure === null) return false;
      fail(failure.error, failure.relayed);
      return true;
    };

    upstream.on('data', guard((chunk: Buffer) => {
      if (settled) return;
      exchange.sawData();
      // What came before an in-stream error still goes out (relayed, with the provider's own error
      // event among them) when the answer had begun; before the commit the error is the answer.
      deliver(reading.read(toBuffer(redaction.push(chunk))));
      if (reading.committed) commit();
      checkFailure();
    }));
    upstream.on('end', guard(() => {
      if (settled) return;
      const rest = reading.read(toBuffer(redaction.flush()));
      const flushed = reading.flush();
      if (checkFailure()) return;
      if (!reading.complete) {
        return fail(upstreamFailed(`provider "${provider.id}" ended the stream before it was complete`, 'upstream_stream_incomplete'), false);
      }
      // A complete stream with no content at all (an empty answer) commits at its end.
      for (const piece of [rest, flushed, reading.closing()]) if (piece !== null && !isEmpty(piece)) held.push({ piece, closing: true });
      if (sink) drainHeld();
      ended = true;
      settle();
      commit();
      if (sink) sink.end();
    }));
    upstream.on('error', guard((error: unknown) => {
      if (settled) return;
      fail(upstreamFailure(provider, error, controller, exchange.redactor), false);
    }));

    const drainHeld = (): void => {
      for (const { piece, closing } of held.splice(0)) sink!.piece(piece.bytes, piece.events, closing);
    };
    const stream: AnswerStream = {
      start(target) {
        sink = target;
        drainHeld();
        if (failed) target.fail(failed.error, failed.relayed);
        else if (ended) target.end();
      },
      pause() {
        upstream.pause();
        exchange.holdIdle();
      },
      resume() {
        if (settled) return;
        exchange.releaseIdle();
        upstream.resume();
      },
      cancel() {
        upstream.destroy();
        settle();
      },
      get usage() {
        return reading.usage;
      },
      get streamed() {
        return reading.streamed;
      },
    };
  });
}



function isEmpty(piece: Piece): boolean {
  return (piece.bytes === null || piece.bytes.length === 0) && piece.events.length === 0;
}

function toBuffer(piece: Buffer | string): Buffer {
  return typeof piece === 'string' ? Buffer.from(piece) : piece;
}
