// POST /v1/messages/count_tokens (Anthropic's shape): asked of Anthropic itself when it serves the
// model, estimated otherwise (and marked `x-modelmux-estimate: true`). A count is admitted as
// inference is (the key's models, licences, rate limits and budget; tokenCountShape says what it
// draws) and leaves $0 ledger rows marked `count_tokens`. It goes to the first provider the route
// would try, without failover: a provider that cannot count must not open a breaker that would then
// keep inference away from it.
import { admit, tokenCountShape } from '../accounts/admission.ts';
import { estimateTokens, tokenizerFamily } from '../protocol/estimate.ts';
import { openExchange, upstreamErrorResponse } from '../providers/upstream.ts';
import type { RouteNeeds } from '../routing/needs.ts';
import type { RoutePlan } from '../routing/router.ts';
import { readJsonObject } from './body.ts';
import type { RequestContext } from './context.ts';
import { invalidRequest, upstreamFailed } from '../errors/gateway-error.ts';
import { clientKeyFor, exchangeOptions, parseUpstreamJson, readUpstreamBody, routeHeaders, serialize } from '../engine/exchange.ts';
import { routeRequest } from '../engine/route-request.ts';
import type { InferenceDependencies } from './inference.ts';

export async function handleCountTokens(context: RequestContext, dependencies: InferenceDependencies): Promise<void> {
  // Every row of a count says so, a refused one's included.
  if (context.ledger !== null) context.ledger.operation = 'count_tokens';
  const { body: request, bytes } = await readJsonObject(context, dependencies.bodyLimitBytes);
  if (typeof request.model !== 'string' || request.model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model');
  if (!Array.isArray(request.messages)) throw invalidRequest('`messages` is required: a list of {role, content} objects', 'messages');
  // Counted where the messages would go: the first provider the route would try (a preset's
  // instructions count too).
  const { plan, needs } = routeRequest(context, dependencies, 'anthropic', request, bytes);
  admitCount(context, dependencies, plan, needs, request.model);
  const { target } = plan.candidates[0];
  context.model = target.publicId;
  context.provider = target.provider.id;

  if (target.provider.config.formats.includes('anthropic')) {
    request.model = target.upstreamModel;
    context.route!.attempts = 1;
    context.ledger?.beginAttempt(target, 1, clientKeyFor(context, target) !== null);
    const headers = routeHeaders(context, target);
    const exchange = await openExchange(target.provider, '/messages/count_tokens', serialize(request), exchangeOptions(context, target));
    try {
      if (exchange.status >= 400) throw await upstreamErrorResponse(target.provider, exchange);
      const payload = await readUpstreamBody(context, target, exchange);
      // Relayed as it came, once it is known to be a count: a provider's garbage is its failure, not an answer.
      const count = (parseUpstreamJson(target, payload) as { input_tokens?: unknown } | null)?.input_tokens;
      if (typeof count !== 'number' || !Number.isFinite(count)) throw upstreamFailed(`provider "${target.provider.id}" answered the token count without a number of input_tokens`, 'upstream_malformed_response');
      context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length, ...headers });
      context.finish(payload);
    } finally {
      exchange.finish();
    }
    return;
  }
  const headers = routeHeaders(context, target);
  const payload = JSON.stringify({ input_tokens: estimateTokens({ system: request.system, messages: request.messages, tools: request.tools }, tokenizerFamily(target.offer.model.id, target.upstreamModel)) });
  context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-modelmux-estimate': 'true', ...headers });
  context.finish(payload);
}

/** The key's admission, as inference.ts admitRequest does it, with a count's shape. */
function admitCount(context: RequestContext, dependencies: InferenceDependencies, plan: RoutePlan, needs: RouteNeeds, model: string): void {
  const ledger = context.ledger;
  if (ledger === null) return;
  ledger.routeId = plan.id;
  const headers = admit(ledger, plan, needs, tokenCountShape, model, dependencies.accounts);
  if (Object.keys(headers).length > 0) context.extraHeaders = { ...context.extraHeaders, ...headers };
}
