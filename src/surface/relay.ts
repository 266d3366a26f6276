// The same-format path for Responses and Messages clients: the body goes to a provider that speaks
// it with only the model renamed, and the answer comes back byte for byte. The provider's decoder
// reads along to learn the usage, see the end and catch errors inside the stream.
import { providerCodec } from '../protocol/codecs.ts';
import type { EncodeTarget, SurfaceCodec } from '../protocol/ir.ts';
import type { ModelTarget } from '../providers/registry.ts';
import { openExchange, upstreamErrorResponse } from '../providers/upstream.ts';
import type { RequestContext } from './context.ts';
import { exchangeOptions, parseUpstreamJson, pricedBody, readUpstreamBody, routeHeaders, serialize } from './exchange-helpers.ts';
import { createCostInjector } from './stream-cost.ts';
import { pumpStream } from './stream-pump.ts';

const paths = { 'openai-responses': '/responses', anthropic: '/messages' } as const;

export async function relaySameFormat(context: RequestContext, target: ModelTarget, surface: SurfaceCodec, body: Record<string, unknown>): Promise<void> {
  const format = surface.format as keyof typeof paths;
  body.model = target.upstreamModel;
  const exchange = await openExchange(target.provider, paths[format], serialize(body), exchangeOptions(context, target));
  try {
    if (exchange.status >= 400) throw await upstreamErrorResponse(target.provider, exchange);
    const codec = providerCodec(format);
    const encodeTarget: EncodeTarget = { upstreamModel: target.upstreamModel, quirks: target.provider.config.quirks };
    const headers = routeHeaders(context, target);
    const contentType = String(exchange.headers['content-type'] ?? '');
    if (context.stream && contentType.startsWith('text/event-stream')) {
      const encoder = surface.createStreamEncoder({ model: target.publicId, includeUsage: true });
      context.streamFailure = (error) => encoder.fail(error);
      const ledger = context.ledger;
      const priced = ledger === null ? null : createCostInjector(format, (usage) => ledger.costWith(usage));
      await pumpStream(context, target, exchange, {
        decoder: codec.createStreamDecoder(encodeTarget),
        render: (chunk) => (priced === null ? chunk : priced.push(chunk)),
        end: () => priced?.flush() ?? '',
        fail: (error, relayed) => (relayed ? '' : encoder.fail(error)),
        headers,
      });
      return;
    }
    const payload = await readUpstreamBody(context, target, exchange);
    const parsed = parseUpstreamJson(target, payload);
    context.usage = codec.decodeResponse(parsed, encodeTarget).usage;
    const body = pricedBody(context, parsed, payload, headers);
    context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    context.response.end(body);
  } finally {
    exchange.finish();
  }
}
