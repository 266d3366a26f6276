// From a client's body to a route plan: resolve a preset (`@preset/<name>`, `<model>@preset/<name>`
// or `preset` beside the model), take out the routing fields no provider should see (`provider`, `models`, `preset`),
// read what the request needs, and plan. A request no provider can take is refused here, with the
// reason for each provider.
import type { RoutingConfig } from '../routing/config.ts';
import type { Offer } from '../routing/catalog.ts';
import { needsOf } from '../routing/needs.ts';
import type { RequestFormat, RouteNeeds } from '../routing/needs.ts';
import { checkModelName, readFallbackModels, readPreferences } from '../routing/preferences.ts';
import { applyPreset, parsePresetReference } from '../routing/presets.ts';
import type { Preset } from '../routing/presets.ts';
import type { Router, RoutePlan } from '../routing/router.ts';
import { stickyCaller, stickyKey } from '../routing/sticky.ts';
import type { CallContext } from './call.ts';
import { GatewayError, invalidRequest, notFound } from '../errors/gateway-error.ts';
import { unknownModel } from './exchange.ts';

export interface RoutingDependencies {
  router: Router;
  routing: RoutingConfig;
  presets: readonly Preset[];
}

export interface RoutedRequest {
  plan: RoutePlan;
  /** The conversation's sticky-routing key, computed on first use. */
  stickyKey: () => string | null;
  needs: RouteNeeds;
}

export function routeRequest(context: CallContext, dependencies: RoutingDependencies, format: RequestFormat, body: Record<string, unknown>, bytes: number, droppedBy?: (offer: Offer) => string[]): RoutedRequest {
  let model = body.model as string;
  checkModelName(model);
  const reference = parsePresetReference(model);
  const presetName = reference?.preset ?? (typeof body.preset === 'string' ? body.preset : null);
  if (body.preset !== undefined && typeof body.preset !== 'string') throw invalidRequest('`preset` must be the name of a preset (GET /v1/presets lists them)', 'preset');
  delete body.preset;
  if (presetName !== null) {
    const preset = dependencies.presets.find((candidate) => candidate.name === presetName);
    if (!preset) {
      const names = dependencies.presets.map((candidate) => candidate.name).join(', ') || 'none';
      throw notFound(`There is no preset "${presetName}" on this gateway (presets: ${names}). GET /v1/presets lists them.`, 'preset_not_found', 'model');
    }
    if (format === 'embeddings') throw invalidRequest('presets apply to chat, responses and messages requests, not to embeddings', 'model');
    applyPreset(format, body, preset);
    // Only a bare `@preset/<name>` takes the preset's model; a preset named beside a model (in the
    // name or in the body) applies its rules to that model, so it never moves a request elsewhere.
    if (reference !== null) model = reference.model ?? preset.model ?? '';
  }
  const preferences = readPreferences(body.provider);
  let fallbacks = readFallbackModels(body.models);
  delete body.provider;
  delete body.models;
  if (model === '') {
    // A preset that names only a list of models: the first is the model, the rest its fallbacks.
    if (fallbacks.length === 0) throw invalidRequest(`preset "${presetName}" names no model; send "<model>@preset/${presetName}"`, 'model');
    [model, ...fallbacks] = fallbacks;
  }
  context.route = { id: '', attempts: 0, ignored: preferences?.ignored ?? [] };

  let key: string | null | undefined;
  const caller = stickyCaller(context.headers);
  const conversationKey = (): string | null => {
    if (key !== undefined) return key;
    // OpenAI's own cache-routing hint names a conversation as well as a session header does.
    const session = headerText(context, 'x-session-id') ?? (typeof body.prompt_cache_key === 'string' && body.prompt_cache_key !== '' ? body.prompt_cache_key : null);
    const made = format === 'embeddings' || !dependencies.routing.sticky ? null : stickyKey(format, body, caller, session);
    key = made;
    return made;
  };
  const needs = needsOf(format, body, bytes);
  const plan = dependencies.router.plan({
    model,
    fallbacks,
    preferences,
    needs,
    commercialUse: dependencies.routing.commercialUse || context.account.key?.commercialUse === true || headerText(context, 'x-modelmux-commercial-use') === 'true',
    stickyKey: conversationKey,
    droppedBy,
  });
  context.route.id = plan.id;
  // A request refused from here on (no eligible provider; the key's models, limits or budget) is
  // counted, logged and recorded under the model it asked for; each attempt then names its own.
  context.model = plan.requested?.publicId ?? model;
  context.metricsModel = plan.requested?.metricsLabel ?? null;
  if (plan.candidates.length === 0) throw noRoute(model, plan, dependencies.router, reference?.model === null ? presetName : null);
  return { plan, stickyKey: conversationKey, needs };
}

/** `modelPreset`: the preset that chose the model (a bare `@preset/<name>`), if one did. */
function noRoute(model: string, plan: RoutePlan, router: Router, modelPreset: string | null): GatewayError {
  if (plan.excluded.length === 0) {
    if (modelPreset !== null && plan.unknown.length > 0) {
      return new GatewayError(`Preset "${modelPreset}" leads to no model this gateway serves (${plan.unknown.join(', ')}). Send "<model>@preset/${modelPreset}", or set presets.${modelPreset}.model in modelmux.yaml.`, { status: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model' });
    }
    return unknownModel(plan.unknown.length > 1 ? plan.unknown.join('", "') : model, router);
  }
  const reasons = plan.excluded.map((exclusion) => `${exclusion.provider} (${exclusion.model}): ${exclusion.reason}`).join('; ');
  const message = `No provider can take this request for "${model}": ${reasons}.`;
  return invalidRequest(message.length > 2000 ? `${message.slice(0, 1997)}...` : message, 'model', 'no_eligible_provider');
}

function headerText(context: CallContext, name: string): string | null {
  const value = context.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}
