// POST /v1/messages/count_tokens (Anthropic's shape): asked of Anthropic itself when it serves the
// model, estimated otherwise (and marked `x-modelmux-estimate: true`).
import { estimateTokens } from '../protocol/estimate.ts';
import { openExchange, upstreamErrorResponse } from '../providers/upstream.ts';
import { readJsonObject } from './body.ts';
import type { RequestContext } from './context.ts';
import { invalidRequest } from './errors.ts';
import { exchangeOptions, readUpstreamBody, routeHeaders, serialize } from './exchange-helpers.ts';
import { routeRequest } from './route-request.ts';
import type { InferenceDependencies } from './inference.ts';

export async function handleCountTokens(context: RequestContext, dependencies: InferenceDependencies): Promise<void> {
  const { body: request, bytes } = await readJsonObject(context.request, dependencies.bodyLimitBytes);
  if (typeof request.model !== 'string' || request.model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model');
  if (!Array.isArray(request.messages)) throw invalidRequest('`messages` is required: a list of {role, content} objects', 'messages');
  // Counted where the messages would go: the first provider the route would try (a preset's
  // instructions count too).
  const { target } = routeRequest(context, dependencies, 'anthropic', request, bytes).plan.candidates[0];
  context.model = target.publicId;
  context.provider = target.provider.id;
  const headers = routeHeaders(context, target);

  if (target.provider.config.formats.includes('anthropic')) {
    request.model = target.upstreamModel;
    const exchange = await openExchange(target.provider, '/messages/count_tokens', serialize(request), exchangeOptions(context, target));
    try {
      if (exchange.status >= 400) throw await upstreamErrorResponse(target.provider, exchange);
      const payload = await readUpstreamBody(context, target, exchange);
      context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length, ...headers });
      context.response.end(payload);
    } finally {
      exchange.finish();
    }
    return;
  }
  const payload = JSON.stringify({ input_tokens: estimateTokens({ system: request.system, messages: request.messages, tools: request.tools }) });
  context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-modelmux-estimate': 'true', ...headers });
  context.response.end(payload);
}
