// GET /v1/route?model=...: a dry run of routing. The ranked candidates with the figures behind the
// ranking, and why each excluded provider was excluded; nothing is sent to any provider. What a real
// request would carry is given as query parameters (tools=true, vision=true, prompt_tokens=N, ...).
import type { RouteSort } from '../config/types.ts';
import { statedNeeds } from '../routing/needs.ts';
import { checkModelName, readFallbackModels, readPreferences } from '../routing/preferences.ts';
import type { Candidate, RoutePlan } from '../routing/router.ts';
import { stickyCaller, stickyKey } from '../routing/sticky.ts';
import type { RequestContext } from './context.ts';
import { invalidRequest } from '../errors/gateway-error.ts';
import { unknownModel } from '../engine/exchange.ts';
import { sendJson } from './models.ts';
import type { RoutingDependencies } from '../engine/route-request.ts';

export function handleExplainRoute(context: RequestContext, dependencies: RoutingDependencies): void {
  const query = new URLSearchParams((context.request.url ?? '').split('?')[1] ?? '');
  const header = context.request.headers['x-session-id'];
  if (!query.has('session') && typeof header === 'string') query.set('session', header);
  // A session is the caller's own: the same session id under another key is another conversation.
  sendJson(context, explainQuery(query, dependencies, stickyCaller(context.request.headers)));
}

/** The dry run for the question in `query` (also what `modelmux route` asks, or computes offline),
 * as asked by `caller` (see stickyCaller). */
export function explainQuery(query: URLSearchParams, dependencies: RoutingDependencies, caller = ''): Record<string, unknown> {
  const model = query.get('model');
  if (!model) throw invalidRequest('`model` is required: GET /v1/route?model=<name>', 'model', 'missing_required_parameter');
  checkModelName(model);
  const list = (name: string): string[] | undefined => query.get(name)?.split(',').map((item) => item.trim()).filter(Boolean);
  const flag = (name: string): boolean | undefined => (query.has(name) ? query.get(name) === 'true' || query.get(name) === '1' : undefined);
  const count = (name: string): number | undefined => {
    const value = query.get(name);
    if (value === null) return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) throw invalidRequest(`\`${name}\` must be a whole number`, name);
    return number;
  };
  const price = (name: string): number | undefined => (query.has(name) ? Number(query.get(name)) : undefined);
  const hasPreferences = ['order', 'only', 'ignore', 'sort', 'allow_fallbacks', 'max_price_prompt', 'max_price_completion', 'data_collection'].some((name) => query.has(name));
  const preferences = hasPreferences
    ? readPreferences({
        order: list('order'),
        only: list('only'),
        ignore: list('ignore'),
        sort: query.get('sort') ?? undefined,
        allow_fallbacks: flag('allow_fallbacks'),
        max_price: query.has('max_price_prompt') || query.has('max_price_completion') ? { prompt: price('max_price_prompt'), completion: price('max_price_completion') } : undefined,
        data_collection: query.get('data_collection') ?? undefined,
      })
    : null;
  const session = query.get('session');
  const plan = dependencies.router.plan({
    model,
    fallbacks: readFallbackModels(list('models')),
    preferences,
    needs: statedNeeds({ promptTokens: count('prompt_tokens'), maxTokens: count('max_tokens'), tools: flag('tools'), vision: flag('vision'), jsonSchema: flag('json_schema') }),
    commercialUse: dependencies.routing.commercialUse || flag('commercial_use') === true,
    stickyKey: () => (session && dependencies.routing.sticky ? stickyKey('openai-chat', {}, caller, session) : null),
  });
  if (plan.candidates.length === 0 && plan.excluded.length === 0) throw unknownModel(model, dependencies.router);
  return explain(model, plan);
}

export function explain(model: string, plan: RoutePlan): Record<string, unknown> {
  return {
    object: 'route',
    model,
    route_id: plan.id,
    policy: { sort: plan.sort, description: policyText[plan.sort] },
    candidates: plan.candidates.map((candidate, index) => describeCandidate(candidate, index + 1)),
    excluded: plan.excluded,
    unknown: plan.unknown,
  };
}

const policyText: Record<RouteSort, string> = {
  throughput: 'fastest first: highest measured output tokens per second (discounted by error rate); within 10% counts as a tie, broken on price',
  latency: 'quickest first: lowest measured time to first token (discounted by error rate); within 10% counts as a tie, broken on price',
  price: 'cheapest first: input and output price blended 3:1; ties broken on expected speed',
  order: 'in the order given (provider.order, a pinned provider, or the configuration)',
};

function describeCandidate(candidate: Candidate, rank: number): Record<string, unknown> {
  const { offer, figures, breaker } = candidate;
  return {
    rank,
    provider: offer.provider.id,
    kind: offer.provider.config.kind,
    model: candidate.target.publicId,
    upstream: offer.upstream,
    input_price: offer.prices?.input ?? null,
    output_price: offer.prices?.output ?? null,
    blended_price: figures.price,
    context_window: offer.contextWindow,
    ttft_ms: Math.round(figures.ttftMs),
    tokens_per_second: Math.round(figures.tokensPerSecond * 10) / 10,
    error_rate: Math.round(figures.errorRate * 1000) / 1000,
    samples: Math.round(figures.samples * 10) / 10,
    measured: figures.samples > 0,
    // probe_due: the next request goes through to probe it (its retry_at has passed).
    breaker: { state: breaker.state, retry_at: breaker.retryAt === null ? null : new Date(breaker.retryAt).toISOString(), probe_due: breaker.state !== 'closed' && candidate.available },
    sticky: candidate.sticky,
  };
}
