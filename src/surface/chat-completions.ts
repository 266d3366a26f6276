// The same-format path for Chat Completions: the body goes to an OpenAI-compatible provider with the
// model renamed (and usage requested for streams), and the answer is relayed byte for byte.
import { readUsageObject, ChatStreamRelay } from '../protocol/openai-chat/stream-relay.ts';
import type { ChatRequestSummary } from '../protocol/openai-chat/validate.ts';
import type { ModelTarget } from '../providers/registry.ts';
import { openExchange, upstreamErrorResponse, upstreamFailure } from '../providers/upstream.ts';
import type { UpstreamExchange } from '../providers/upstream.ts';
import { secondsSince } from './context.ts';
import type { RequestContext } from './context.ts';
import { GatewayError, openAIErrorBody } from './errors.ts';
import { exchangeOptions, parseUpstreamJson, pricedBody, readUpstreamBody, routeHeaders, serialize } from './exchange-helpers.ts';
import { guarded, UnreadWatch } from './stream-safety.ts';

export async function relayChat(context: RequestContext, target: ModelTarget, body: Record<string, unknown>, summary: ChatRequestSummary): Promise<void> {
  body.model = target.upstreamModel;
  const askedForUsage = summary.stream && target.provider.config.streamUsage && !summary.includeUsage;
  if (askedForUsage) body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };
  if (!target.provider.config.streamUsage) delete body.stream_options;
  const exchange = await openExchange(target.provider, '/chat/completions', serialize(body), exchangeOptions(context, target));
  try {
    if (exchange.status >= 400) throw await upstreamErrorResponse(target.provider, exchange);
    const contentType = String(exchange.headers['content-type'] ?? '');
    if (summary.stream && contentType.startsWith('text/event-stream')) await relayStream(context, target, exchange, !askedForUsage);
    else await relayWhole(context, target, exchange);
  } finally {
    exchange.finish();
  }
}

/** A whole JSON answer relayed as it came; its usage is read on the way (embeddings share this). */
export async function relayWhole(context: RequestContext, target: ModelTarget, exchange: UpstreamExchange): Promise<void> {
  const payload = await readUpstreamBody(context, target, exchange);
  const parsed = parseUpstreamJson(target, payload) as { usage?: Record<string, unknown> } | null;
  if (parsed?.usage && typeof parsed.usage === 'object') context.usage = readUsageObject(parsed.usage);
  const headers = routeHeaders(context, target);
  const body = pricedBody(context, parsed, payload, headers);
  context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  context.response.end(body);
}

// The 200 and its headers go out with the first relayed bytes, so a provider that fails before its
// first token still gets a proper error status (and, later, failover) instead of a broken stream.
function relayStream(context: RequestContext, target: ModelTarget, exchange: UpstreamExchange, keepUsageChunk: boolean): Promise<void> {
  const { response } = context;
  const upstream = exchange.body;
  const relay = new ChatStreamRelay(!keepUsageChunk);
  const ledger = context.ledger;
  if (ledger !== null) relay.priceUsage = (usage) => ledger.costWith(usage);
  /** Events before the answer's first token (the role chunk, say) wait, so that a provider failing
   * before it leaves the client untouched and the request can go elsewhere. */
  const held: (Buffer | string)[] = [];
  /** The relay hands over whole events, so a credential the provider echoes is found whole. */
  const redactor = exchange.redactor;
  const send = (output: Buffer | string): boolean => {
    const bytes = typeof output === 'string' ? output : redactor.bytes(output);
    if (!response.headersSent) {
      if (!relay.committed) {
        held.push(bytes);
        return true;
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        ...routeHeaders(context, target),
      });
      context.timeToFirstToken = secondsSince(context.startedAt);
      for (const piece of held.splice(0)) response.write(piece);
    }
    return response.write(bytes);
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
      context.usage = relay.usage;
      if (error && !response.headersSent) reject(error);
      else resolve();
    };
    const endWithError = (error: GatewayError): void => {
      upstream.destroy();
      if (!response.headersSent) return settle(error);
      context.error = error;
      context.usage = relay.usage;
      if (!response.destroyed && !response.writableEnded) response.end(`data: ${openAIErrorBody(error)}\n\n`);
      settle();
    };
    /** A fault of the gateway's own while handling an event fails this request alone. */
    const fail = (error: GatewayError): void => {
      if (!settled) endWithError(error);
    };
    const resume = guarded(context, fail, (): void => {
      unread.stop();
      exchange.releaseIdle();
      upstream.resume();
    });
    response.on('drain', resume);

    /** The stream's last events ([DONE] and what came with it) go out with the response's end, which
     * waits for the ledger: a client that has seen [DONE] has a row. */
    const tail: (Buffer | string)[] = [];
    upstream.on('data', guarded(context, fail, (chunk: Buffer) => {
      // A destroyed stream may still deliver chunks it had buffered; the response is over by then.
      if (settled) return;
      exchange.sawData();
      const out = relay.push(chunk);
      context.streamed.events = relay.dataEvents;
      // Kept current, so a client leaving after the usage chunk is billed by the provider's counts.
      context.usage = relay.usage;
      if (out && relay.sawDone && relay.committed) {
        tail.push(redactor.bytes(out));
        return;
      }
      if (out && !send(out)) {
        upstream.pause();
        exchange.holdIdle();
        unread.start();
      }
      if (relay.malformed) endWithError(malformed(target, relay.malformed));
    }));
    upstream.on('end', guarded(context, fail, () => {
      if (settled) return;
      const out = relay.flush();
      if (out) (relay.sawDone && relay.committed ? tail.push(redactor.bytes(out)) : send(out));
      if (relay.malformed) return endWithError(malformed(target, relay.malformed));
      if (!relay.complete) {
        return endWithError(
          new GatewayError(`provider "${target.provider.id}" ended the stream before it was complete`, { status: 502, type: 'upstream_error', code: 'upstream_stream_incomplete' }),
        );
      }
      // A complete stream with no token at all (an empty answer) still goes out whole.
      relay.committed = true;
      send('');
      if (!relay.sawDone) tail.push('data: [DONE]\n\n');
      // The ledger reads the usage as the response ends.
      context.usage = relay.usage;
      response.end(Buffer.concat(tail.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece))));
      settle();
    }));
    upstream.on('error', guarded(context, fail, (error: unknown) => {
      if (settled) return;
      if (response.destroyed) return settle();
      endWithError(upstreamFailure(target.provider, error, context.controller, exchange.redactor));
    }));
  });
}

function malformed(target: ModelTarget, reason: string): GatewayError {
  return new GatewayError(`provider "${target.provider.id}": ${reason}; the stream was stopped`, { status: 502, type: 'upstream_error', code: 'upstream_malformed_stream' });
}
