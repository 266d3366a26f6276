// GET /v1/models and GET /v1/models/{id}: the OpenAI list shape, with modelmux's own fields under
// `modelmux` (provider, upstream name, prices, context window, and whether it is simulated).
import type { ProviderRegistry, ModelListing } from '../providers/registry.ts';
import type { RequestContext } from './context.ts';
import { GatewayError } from './errors.ts';

export function handleListModels(context: RequestContext, registry: ProviderRegistry): void {
  const data = registry.list().map(describe);
  sendJson(context, { object: 'list', data });
}

export function handleGetModel(context: RequestContext, registry: ProviderRegistry, id: string): void {
  // A name the gateway knows (configured or listed by its provider), not any `<provider>/<guess>`.
  const target = registry.resolve(id);
  const known = target?.listed ? target : null;
  const listing = registry.list().find((candidate) => candidate.id === id) ??
    (known ? { id, provider: known.provider.id, upstream: known.upstreamModel, model: known.model, description: known.provider.config.description } : null);
  if (!listing) {
    throw new GatewayError(`The model "${id}" does not exist on this gateway. GET /v1/models lists them all.`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
  }
  sendJson(context, describe(listing));
}

function describe(listing: ModelListing): Record<string, unknown> {
  return {
    id: listing.id,
    object: 'model',
    created: 0,
    owned_by: listing.provider,
    modelmux: {
      provider: listing.provider,
      upstream: listing.upstream,
      input_price: listing.model?.inputPrice ?? null,
      output_price: listing.model?.outputPrice ?? null,
      context_window: listing.model?.contextWindow ?? null,
      simulated: listing.provider === 'sim',
      ...(listing.description ? { description: listing.description } : {}),
    },
  };
}

export function sendJson(context: RequestContext, value: unknown, status = 200): void {
  const body = JSON.stringify(value);
  context.response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': context.requestId });
  context.response.end(body);
}
