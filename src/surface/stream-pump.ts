// Carries a provider's stream to the client for the translated and the same-format (non-Chat)
// paths: the provider's decoder reads every chunk (usage, completeness, in-stream errors), and the
// plan decides what the client receives (re-encoded events, or the bytes as they came).
// The 200 and its headers are sent only once the first piece of content arrives, so a provider
// that fails before its first token still yields a proper error status (and, later, failover).
import type { StreamDecoder, StreamEvent } from '../protocol/ir.ts';
import type { ModelTarget } from '../providers/registry.ts';
import { upstreamFailure } from '../providers/upstream.ts';
import type { UpstreamExchange } from '../providers/upstream.ts';
import { secondsSince } from './context.ts';
import type { RequestContext } from './context.ts';
import { GatewayError } from './errors.ts';
import { guarded, UnreadWatch } from './stream-safety.ts';

export interface StreamPlan {
  decoder: StreamDecoder;
  /** What the client receives for one upstream chunk, given the events decoded from it. */
  render(chunk: Buffer, events: StreamEvent[]): string | Buffer;
  /** Written after a complete stream. */
  end(): string;
  /** Written when the stream fails after it started; `relayed` says the provider's own error
   * event already reached the client among the relayed bytes. */
  fail(error: GatewayError, relayed: boolean): string;
  headers: Record<string, string>;
}

export function pumpStream(context: RequestContext, target: ModelTarget, exchange: UpstreamExchange, plan: StreamPlan): Promise<void> {
  const { response } = context;
  const upstream = exchange.body;
  const { decoder } = plan;
  const held: (string | Buffer)[] = [];
  /** Every piece for the client passes here: no credential the provider echoes gets through. */
  const redaction = exchange.redactor.stream();
  /** From the finish on, what the stream still has to say goes out with the response's end, which
   * waits for the ledger: a client that has seen the end of the answer has a row. */
  const tail: (string | Buffer)[] = [];
  const takeTail = (more = ''): Buffer =>
    Buffer.concat([...tail.splice(0), redaction.push(more), redaction.flush()].map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
  let finished = false;
  let started = false;

  const start = (): void => {
    started = true;
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...plan.headers });
    context.timeToFirstToken ??= secondsSince(context.startedAt);
  };
  /** Returns false when the client is not keeping up. */
  const deliver = (output: string | Buffer, events: StreamEvent[]): boolean => {
    for (const event of events) {
      if (event.type === 'usage') context.usage = event.usage;
      else if (event.type === 'finish') finished = true;
      else countOutput(context, event);
      if (!started && carriesContent(event)) start();
    }
    if (!started) {
      if (output.length > 0) held.push(redaction.push(output));
      return true;
    }
    // Held bytes go out as soon as the stream starts, even when this step adds nothing.
    if (held.length > 0) {
      for (const piece of held.splice(0)) response.write(piece);
    }
    if (finished) {
      if (output.length > 0) tail.push(redaction.push(output));
      return true;
    }
    return output.length === 0 ? true : response.write(redaction.push(output));
  };

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const unread = new UnreadWatch(context, () => {
      upstream.destroy();
      settle();
    });
    const settle = (error?: GatewayError): void => {
      if (settled) return;
      settled = true;
      unread.stop();
      response.off('drain', resume);
      if (error && !started) reject(error);
      else resolve();
    };
    const stop = (error: GatewayError, relayed: boolean): void => {
      upstream.destroy();
      if (!started) return settle(error);
      context.error = error;
      if (!response.destroyed && !response.writableEnded) response.end(takeTail(plan.fail(error, relayed)));
      settle();
    };
    /** An in-stream provider error or unreadable bytes end the stream; true when they did. */
    const checkDecoder = (): boolean => {
      if (decoder.failure) {
        const failure = decoder.failure;
        const message = exchange.redactor.text(failure.message);
        stop(new GatewayError(`provider "${target.provider.id}" reported an error in the stream: ${message}`, { status: failure.status, type: failure.type, code: failure.code, fromUpstream: true }), true);
        return true;
      }
      if (decoder.malformed) {
        const reason = exchange.redactor.text(decoder.malformed);
        stop(new GatewayError(`provider "${target.provider.id}": ${reason}; the stream was stopped`, { status: 502, type: 'upstream_error', code: 'upstream_malformed_stream' }), false);
        return true;
      }
      return false;
    };
    /** A fault of the gateway's own while handling an event fails this request alone. */
    const fail = (error: GatewayError): void => {
      if (settled) return;
      if (response.headersSent) stop(error, false);
      else {
        upstream.destroy();
        settle(error);
      }
    };
    const resume = guarded(context, fail, (): void => {
      unread.stop();
      exchange.releaseIdle();
      upstream.resume();
    });
    response.on('drain', resume);

    upstream.on('data', guarded(context, fail, (chunk: Buffer) => {
      if (settled) return;
      exchange.sawData();
      const events = decoder.push(chunk);
      // The events before an in-stream error still go out (on a relayed stream, with the provider's
      // own error event among them); before the first token nothing is sent and the error is the answer.
      if (decoder.failure && started) deliver(plan.render(chunk, events), events);
      if (checkDecoder()) return;
      if (!deliver(plan.render(chunk, events), events)) {
        upstream.pause();
        exchange.holdIdle();
        unread.start();
      }
    }));
    upstream.on('end', guarded(context, fail, () => {
      if (settled) return;
      const events = decoder.end();
      if (checkDecoder()) return;
      deliver(plan.render(Buffer.alloc(0), events), events);
      if (!finished) {
        return stop(new GatewayError(`provider "${target.provider.id}" ended the stream before it was complete`, { status: 502, type: 'upstream_error', code: 'upstream_stream_incomplete' }), false);
      }
      if (!started) start();
      deliver(plan.end(), []);
      response.end(takeTail());
      settle();
    }));
    upstream.on('error', guarded(context, fail, (error: unknown) => {
      if (settled) return;
      if (response.destroyed) return settle();
      stop(upstreamFailure(target.provider, error, context.controller, exchange.redactor), false);
    }));
  });
}

/** What the provider produced, for billing a stream that ends without its usage report. */
function countOutput(context: RequestContext, event: StreamEvent): void {
  if (event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'refusal-delta') {
    context.streamed.events++;
    context.streamed.characters += event.text.length;
  } else if (event.type === 'tool-call-delta') {
    context.streamed.events++;
    context.streamed.characters += event.arguments.length;
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
