// A client and a provider that speak different formats (or the same one, when the request carries
// another provider's reasoning signatures): decode the client's request into the internal form,
// encode it for the provider, and carry the answer back the other way, streamed or whole. What the provider cannot honour is named in `x-modelmux-dropped-params`, or refused in
// strict mode.
import { eventsOf } from '../protocol/events.ts';
import { providerCodec } from '../protocol/codecs.ts';
import type { EncodeTarget, StreamEvent, SurfaceCodec } from '../protocol/ir.ts';
import { keepOwnSignatures, markEvent, markResponse } from '../protocol/signatures.ts';
import type { ModelTarget } from '../providers/registry.ts';
import { openExchange, upstreamErrorResponse } from '../providers/upstream.ts';
import type { UpstreamExchange } from '../providers/upstream.ts';
import type { RequestContext } from './context.ts';
import { GatewayError, invalidRequest } from './errors.ts';
import { costText, droppedHeader, exchangeOptions, parseUpstreamJson, readUpstreamBody, routeHeaders, serialize } from './exchange-helpers.ts';
import { pumpStream } from './stream-pump.ts';

export async function translate(context: RequestContext, target: ModelTarget, surface: SurfaceCodec, body: Record<string, unknown>, strict: boolean): Promise<void> {
  const request = withinDepth(() => surface.decodeRequest(body));
  const format = target.provider.config.formats.includes(surface.format) ? surface.format : target.provider.config.formats[0];
  const codec = providerCodec(format);
  keepOwnSignatures(request, format);
  // Signatures this provider makes are marked for a client of another format (see signatures.ts).
  const foreign = format !== surface.format;
  const encodeTarget: EncodeTarget = { upstreamModel: target.upstreamModel, quirks: target.provider.config.quirks };
  const encoded = withinDepth(() => codec.encodeRequest(request, encodeTarget));
  const dropped = [...new Set(encoded.dropped)];
  if (dropped.length > 0 && strict) {
    throw new GatewayError(
      `provider "${target.provider.id}" (${format}) cannot honour: ${dropped.join(', ')}. Remove ${dropped.length === 1 ? 'it' : 'them'}, choose another model, or turn strict mode off (x-modelmux-strict) to have ${dropped.length === 1 ? 'it' : 'them'} dropped and named in x-modelmux-dropped-params.`,
      { status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param: dropped[0] },
    );
  }
  const headers = routeHeaders(context, target);
  if (dropped.length > 0) headers['x-modelmux-dropped-params'] = droppedHeader([...(context.route?.ignored ?? []), ...dropped]);

  const exchange = await openExchange(target.provider, encoded.path, serialize(encoded.body), { ...exchangeOptions(context, target), headers: encoded.headers });
  try {
    if (exchange.status >= 400) throw await upstreamErrorResponse(target.provider, exchange);
    const encodeContext = { model: target.publicId, includeUsage: request.includeUsage };
    const parsedAnswer = request.stream && streamedType(exchange) ? null : parseUpstreamJson(target, await readUpstreamBody(context, target, exchange));
    if (request.stream && streamedType(exchange)) {
      const encoder = surface.createStreamEncoder(encodeContext);
      context.streamFailure = (error) => encoder.fail(error);
      await pumpStream(context, target, exchange, {
        decoder: codec.createStreamDecoder(encodeTarget),
        render: (_chunk, events) => {
          let out = '';
          for (const event of events) out += encoder.push(foreign ? markEvent(priced(context, event), format) : priced(context, event));
          return out;
        },
        end: () => encoder.end(),
        fail: (error) => encoder.fail(error),
        headers,
      });
      return;
    }
    const answer = redacted(exchange, () => codec.decodeResponse(parsedAnswer, encodeTarget));
    context.usage = answer.usage;
    if (context.ledger !== null && answer.usage !== null) {
      answer.usage.cost = context.ledger.costWith(answer.usage);
      headers['x-modelmux-cost'] = costText(answer.usage.cost);
    }
    if (foreign) markResponse(answer, format);
    if (request.stream) {
      // The provider answered whole; the client still gets the stream it asked for.
      const encoder = surface.createStreamEncoder(encodeContext);
      let out = '';
      for (const event of eventsOf(answer)) out += encoder.push(event);
      out += encoder.end();
      context.response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
      context.response.end(out);
      return;
    }
    const payload = JSON.stringify(surface.encodeResponse(answer, encodeContext));
    context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
    context.response.end(payload);
  } finally {
    exchange.finish();
  }
}

/** A usage report carries the request's cost to the client's encoder. */
function priced(context: RequestContext, event: StreamEvent): StreamEvent {
  if (event.type !== 'usage' || context.ledger === null) return event;
  return { type: 'usage', usage: { ...event.usage, cost: context.ledger.costWith(event.usage) } };
}

function streamedType(exchange: UpstreamExchange): boolean {
  const contentType = String(exchange.headers['content-type'] ?? '');
  return contentType.startsWith('text/event-stream') || contentType.startsWith('application/vnd.amazon.eventstream');
}

/** JSON nested deeper than the stack allows is the client's mistake (400), not a crash (500). */
function withinDepth<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError) throw invalidRequest('the request is nested too deeply to translate', null, 'invalid_request');
    throw error;
  }
}

/** A provider's words inside an answer (an error it wrapped in a 200) never carry its credentials. */
function redacted<T>(exchange: UpstreamExchange, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof GatewayError) error.message = exchange.redactor.text(error.message);
    throw error;
  }
}
