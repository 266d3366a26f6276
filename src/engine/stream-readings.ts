// The two ways a provider's stream is read. A Chat stream for a Chat client is relayed byte for byte,
// looked at only for event boundaries, usage and its end (no event is decoded). Any other stream is
// decoded into events; its bytes are relayed too when the client speaks the provider's format, with
// the gateway's cost put into the final usage event. Either way the answer names the model the
// client asked for.
import type { StreamedOutput } from '../accounts/request-ledger.ts';
import { GatewayError, upstreamFailed } from '../errors/gateway-error.ts';
import { ChatStreamRelay } from '../protocol/openai-chat/stream-relay.ts';
import type { StreamDecoder, StreamEvent, Usage, WireFormat } from '../protocol/ir.ts';
import { markEvent } from '../protocol/signatures.ts';
import type { Provider } from '../providers/registry.ts';
import { createStreamRewriter } from './stream-rewriter.ts';
import type { Piece, StreamReading } from './provider-stream.ts';

/** A relayed Chat stream decodes no event: every piece shares this empty list (never written to). */
const noEvents = Object.freeze([]) as unknown as StreamEvent[];

/** Prices a usage report in USD for `usage.cost`; null when the call is not billed. */
export type Pricing = ((usage: Usage) => number) | null;

/** `usageOnFinish`: the gateway asked for the usage the client did not, which goes on the finish
 * chunk; `choices`: the request's `n`, the choices whose first delta must name the role; `model`:
 * the name the events give the model. */
export function chatRelayReading(provider: Provider, usageOnFinish: boolean, price: Pricing, options: { choices: number; model?: string }): StreamReading {
  const relay = new ChatStreamRelay(usageOnFinish, options);
  relay.priceUsage = price;
  return new ChatRelayReading(provider, relay);
}

/** A class, not an object literal with getters: a literal defines each getter anew, through the
 * runtime, on every request. */
class ChatRelayReading implements StreamReading {
  readonly streamed: StreamedOutput = { events: 0, characters: 0 };
  readonly redactsRawBytes = true;
  private readonly provider: Provider;
  private readonly relay: ChatStreamRelay;

  constructor(provider: Provider, relay: ChatStreamRelay) {
    this.provider = provider;
    this.relay = relay;
  }

  read(chunk: Buffer): Piece {
    return this.bytes(this.relay.push(chunk));
  }

  flush(): Piece {
    return this.bytes(this.relay.flush());
  }

  closing(): Piece | null {
    return this.relay.sawDone ? null : { bytes: 'data: [DONE]\n\n', events: noEvents };
  }

  get committed(): boolean {
    return this.relay.committed;
  }

  get complete(): boolean {
    return this.relay.complete;
  }

  get failure(): { error: GatewayError; relayed: boolean } | null {
    return this.relay.malformed === null ? null : { error: malformedStream(this.provider, this.relay.malformed), relayed: false };
  }

  get usage(): Usage | null {
    return this.relay.usage;
  }

  private bytes(out: Buffer | null): Piece {
    this.streamed.events = this.relay.dataEvents;
    return { bytes: out, events: noEvents };
  }
}

export interface DecodedReadingOptions {
  provider: Provider;
  decoder: StreamDecoder;
  /** The provider's format; for a relayed stream, also the client's. */
  format: WireFormat;
  /** Relay the bytes as they came (the client speaks the provider's format). */
  relay: boolean;
  /** Signatures this provider makes are marked for a client of another format (signatures.ts). */
  markSignatures: boolean;
  price: Pricing;
  /** The name the answer gives the model (the one the client asked for); null: the provider's. */
  model: string | null;
}

export function decodedReading(options: DecodedReadingOptions): StreamReading {
  const { provider, decoder, format, price } = options;
  const rewrites = price !== null || options.model !== null;
  const injector = options.relay && rewrites && (format === 'openai-responses' || format === 'anthropic') ? createStreamRewriter(format, { price, model: options.model }) : null;
  const streamed: StreamedOutput = { events: 0, characters: 0 };
  let usage: Usage | null = null;
  let committed = false;
  let complete = false;

  const look = (events: StreamEvent[]): StreamEvent[] => {
    for (let index = 0; index < events.length; index++) {
      const event = events[index];
      if (event.type === 'start' && options.model !== null) events[index] = { ...event, model: options.model };
      else if (event.type === 'usage') {
        usage = event.usage;
        if (price !== null) events[index] = { type: 'usage', usage: { ...event.usage, cost: price(event.usage) } };
      } else if (event.type === 'finish') complete = true;
      else count(streamed, event);
      if (!committed && carriesContent(event)) committed = true;
      if (options.markSignatures) events[index] = markEvent(events[index], format);
    }
    return events;
  };
  const relayed = (chunk: Buffer): Buffer | string | null => (!options.relay ? null : injector === null ? chunk : injector.push(chunk));
  return {
    read: (chunk) => ({ events: look(decoder.push(chunk)), bytes: relayed(chunk) }),
    flush: () => ({ events: look(decoder.end()), bytes: null }),
    closing: () => (injector === null ? null : { bytes: injector.flush(), events: [] }),
    get committed() {
      return committed;
    },
    get complete() {
      return complete;
    },
    get failure() {
      if (decoder.failure) {
        const failure = decoder.failure;
        const error = new GatewayError(`provider "${provider.id}" reported an error in the stream: ${failure.message}`, { status: failure.status, type: failure.type, code: failure.code, fromUpstream: true });
        return { error, relayed: options.relay };
      }
      return decoder.malformed === null ? null : { error: malformedStream(provider, decoder.malformed), relayed: false };
    },
    get usage() {
      return usage;
    },
    streamed,
    // Relayed bytes are always cut as they come; a binary framing (never relayed) by its decoder.
    redactsRawBytes: options.relay || decoder.filtersPayloads !== true,
  };
}

function malformedStream(provider: Provider, reason: string): GatewayError {
  return upstreamFailed(`provider "${provider.id}": ${reason}; the stream was stopped`, 'upstream_malformed_stream');
}

/** What the provider produced, for billing a stream that ends without its usage report. */
function count(streamed: StreamedOutput, event: StreamEvent): void {
  if (event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'refusal-delta') {
    streamed.events++;
    streamed.characters += event.text.length;
  } else if (event.type === 'tool-call-delta') {
    streamed.events++;
    streamed.characters += event.arguments.length;
  }
}

/** The first event that commits the answer: a token of any kind, a tool call, or the end itself. */
function carriesContent(event: StreamEvent): boolean {
  switch (event.type) {
    case 'text-delta':
    case 'reasoning-delta':
    case 'refusal-delta':
      return event.text !== '';
    case 'tool-call-start':
    case 'redacted-reasoning':
    case 'reasoning-signature':
    case 'finish':
      return true;
    default:
      return false;
  }
}
