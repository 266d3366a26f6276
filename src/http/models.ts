// GET /v1/models and GET /v1/models/{id}: the OpenAI list shape, one entry per model this gateway
// serves that the caller's key may call, with modelmux's own fields under `modelmux`: what the model
// can do, its licence, and every provider offer behind it (name, prices, limits, data policy).
import type { Catalog, ModelEntry, ModelInfo, Offer } from '../routing/catalog.ts';
import { noNeeds } from '../routing/needs.ts';
import type { Router } from '../routing/router.ts';
import type { RequestContext } from './context.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { modelAllowed } from '../accounts/keys.ts';

export function handleListModels(context: RequestContext, catalog: Catalog): void {
  const query = new URLSearchParams((context.request.url ?? '').split('?')[1] ?? '');
  const callable = callableBy(context);
  const data = catalog.served().filter((entry) => callable(entry.model)).map((entry) => describeModel(entry, catalog));
  // `?all=true` adds the catalog's models that no configured provider serves.
  if (query.get('all') === 'true') for (const model of catalog.unservedModels()) if (callable(model)) data.push(describeModel({ model, offers: [] }, catalog));
  sendJson(context, { object: 'list', data });
}

export function handleGetModel(context: RequestContext, catalog: Catalog, router: Router, id: string): void {
  const found = catalog.find(id) ?? pinnedEntry(router, id);
  // A model the key may not call is as unknown to it as one that does not exist.
  const entry = found && callableBy(context)(found.model) ? found : null;
  if (!entry) {
    throw new GatewayError(`The model "${id}" does not exist on this gateway. GET /v1/models lists them all.`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
  }
  sendJson(context, describeModel(entry, catalog, id));
}

/** Whether the caller's key may call a model (as admission judges it, by the model's id). */
function callableBy(context: RequestContext): (model: ModelInfo) => boolean {
  const patterns = context.account.key?.allowedModels ?? [];
  return (model) => modelAllowed(patterns, model.id);
}

/** `<provider>/<name>` for a model that provider is known to serve (not any guess). */
function pinnedEntry(router: Router, id: string): ModelEntry | null {
  const plan = router.plan({ model: id, fallbacks: [], preferences: null, needs: noNeeds, commercialUse: false, stickyKey: () => null });
  const offer = plan.candidates[0]?.offer;
  return offer?.listed ? { model: offer.model, offers: [offer] } : null;
}

export function describeModel(entry: ModelEntry, catalog: Catalog, id = entry.model.id): Record<string, unknown> {
  const { model, offers } = entry;
  return {
    id,
    object: 'model',
    created: 0,
    owned_by: model.vendor ?? offers[0]?.provider.id ?? 'unknown',
    modelmux: {
      name: model.name,
      ...(model.aliases.length > 0 ? { aliases: model.aliases } : {}),
      context_window: model.contextWindow ?? offers[0]?.contextWindow ?? null,
      max_output: model.maxOutput ?? offers[0]?.maxOutput ?? null,
      capabilities: capabilitiesOf(model),
      open_weights: model.openWeights,
      license: model.license ? { name: model.license.name, commercial_use: model.license.commercial, ...(model.license.url ? { url: model.license.url } : {}) } : null,
      providers: offers.map(describeOffer),
      catalog_version: model.catalogued ? catalog.version : null,
      simulated: offers.length > 0 && offers.every((offer) => offer.provider.id === 'sim'),
      ...descriptionOf(offers),
    },
  };
}

export function describeOffer(offer: Offer): Record<string, unknown> {
  return {
    provider: offer.provider.id,
    kind: offer.provider.config.kind,
    upstream: offer.upstream,
    input_price: offer.prices?.input ?? null,
    output_price: offer.prices?.output ?? null,
    cached_input_price: offer.prices?.cachedInput ?? null,
    context_window: offer.contextWindow,
    max_output: offer.maxOutput,
    data_policy: offer.dataPolicy ? { training: offer.dataPolicy.training, retention_days: offer.dataPolicy.retentionDays } : null,
  };
}

function capabilitiesOf(model: ModelInfo): Record<string, boolean | null> {
  const capabilities = model.capabilities;
  return { tools: capabilities.tools ?? null, vision: capabilities.vision ?? null, json_schema: capabilities.jsonSchema ?? null, reasoning: capabilities.reasoning ?? null };
}

function descriptionOf(offers: Offer[]): { description?: string } {
  const description = offers.find((offer) => offer.provider.config.description)?.provider.config.description;
  return description ? { description } : {};
}

export function sendJson(context: RequestContext, value: unknown, status = 200): void {
  const body = JSON.stringify(value);
  context.response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': context.requestId });
  context.finish(body);
}
