// What a model hands back once its answer is committed: its first content has arrived (a stream) or
// the whole of it (a whole answer). Before that point a model may still fail, and the request may go
// elsewhere; after it, the answer is the client's. The same shape comes from a provider (relayed or
// translated), a fusion, or anything else that behaves like a model, so one writer delivers any of
// them in any client format.
import type { StreamedOutput } from '../accounts/request-ledger.ts';
import type { ChatRequest, ChatResponse, StreamEvent, Usage, WireFormat } from '../protocol/ir.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

export interface AnswerMetadata {
  /** Headers the client's answer carries (`x-modelmux-provider`, `-model`, `-route-id`, `-cost`,
   * `-dropped-params`, `-fusion-id`, rate-limit state). */
  headers: Record<string, string>;
  /** The format of the answer's bytes when they are relayed as they came; null: events only, which
   * the writer encodes for the client. */
  bytesFormat: WireFormat | null;
  /** The model name to report when the answer does not say one. */
  model: string;
  /** For the client's encoder, when the answer is encoded rather than relayed: the request as the
   * client's codec decoded it, and the prompt's estimated size (see EncodeContext). */
  request?: ChatRequest;
  promptEstimate?: () => number;
}

export interface WholeAnswer {
  kind: 'whole';
  metadata: AnswerMetadata;
  /** The answer in the client's format as the provider sent it (cost already spliced in), or null. */
  bytes: Buffer | string | null;
  /** The answer in the internal form, for the writer to encode; null when `bytes` is the answer. */
  response: ChatResponse | null;
  usage: Usage | null;
}

export interface StreamedAnswer {
  kind: 'stream';
  metadata: AnswerMetadata;
  stream: AnswerStream;
}

export type Answer = WholeAnswer | StreamedAnswer;

/** Receives a stream's pieces, in order, starting with those that came before the commit point. */
export interface AnswerSink {
  /** `bytes`: the relayed bytes (with `bytesFormat`), else null; `events`: the same piece in the
   * internal form (may be empty when only bytes are known); `closing`: the answer has finished, so
   * this is what the stream still has to say after it. Returns false when the client is not keeping
   * up: the stream then waits for resume(). */
  piece(bytes: Buffer | string | null, events: readonly StreamEvent[], closing: boolean): boolean;
  /** The stream completed. */
  end(): void;
  /** The stream failed after it began; `relayed`: the provider's own error event already went out
   * among the relayed bytes. A failure after the end (a fault while the end was delivered) is
   * ignored when the end went through. */
  fail(error: GatewayError, relayed: boolean): void;
}

export interface AnswerStream {
  /** Starts delivery to the sink (once). */
  start(sink: AnswerSink): void;
  /** The client is not reading: stop reading upstream, and stop blaming it for silence. */
  pause(): void;
  resume(): void;
  /** The client left (or never read): stop, releasing the upstream call. */
  cancel(): void;
  /** The usage reported so far (final once the stream ended). */
  readonly usage: Usage | null;
  /** Content delivered so far, for billing a stream that ends without a usage report. */
  readonly streamed: StreamedOutput;
}
