// POST /v1/embeddings: relayed to providers that speak OpenAI's format. Embeddings are not
// translated: the other formats' embedding APIs differ in what they can return, and a client
// asking for OpenAI's shape is told plainly which providers can serve it.
import { openExchange, upstreamErrorResponse } from '../providers/upstream.ts';
import type { ModelTarget } from '../providers/registry.ts';
import { runRoute } from '../routing/failover.ts';
import { readJsonObject } from './body.ts';
import type { RequestContext } from './context.ts';
import { GatewayError, invalidRequest } from './errors.ts';
import { relayWhole } from './chat-completions.ts';
import { exchangeOptions, serialize } from './exchange-helpers.ts';
import { admitRequest } from './inference.ts';
import type { InferenceDependencies } from './inference.ts';
import { routeRequest } from './route-request.ts';

export async function handleEmbeddings(context: RequestContext, dependencies: InferenceDependencies): Promise<void> {
  const { body: request, bytes } = await readJsonObject(context.request, dependencies.bodyLimitBytes);
  if (typeof request.model !== 'string' || request.model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model', 'missing_required_parameter');
  const input = request.input;
  const validInput = typeof input === 'string' || (Array.isArray(input) && input.length > 0);
  if (!validInput) throw invalidRequest('`input` is required: a string or a non-empty list of strings (or token arrays)', 'input', 'missing_required_parameter');
  const { plan, stickyKey, needs } = routeRequest(context, dependencies, 'embeddings', request, bytes);
  admitRequest(context, dependencies, plan, needs, request);
  await runRoute(context, dependencies.router, plan, dependencies.routing, stickyKey, (target) => embed(context, target, { ...request }));
}

async function embed(context: RequestContext, target: ModelTarget, request: Record<string, unknown>): Promise<void> {
  const formats = target.provider.config.formats;
  if (!formats.includes('openai-chat') && !formats.includes('openai-responses')) {
    throw new GatewayError(`provider "${target.provider.id}" (${formats[0]}) does not serve embeddings through modelmux; use a model of an OpenAI-compatible provider`, {
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_endpoint',
      param: 'model',
    });
  }
  request.model = target.upstreamModel;
  const exchange = await openExchange(target.provider, '/embeddings', serialize(request), exchangeOptions(context, target));
  try {
    if (exchange.status >= 400) throw await upstreamErrorResponse(target.provider, exchange);
    await relayWhole(context, target, exchange);
  } finally {
    exchange.finish();
  }
}
