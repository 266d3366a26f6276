// POST /v1/embeddings: relayed to providers that speak OpenAI's format. Embeddings are not
// translated: the other formats' embedding APIs differ in what they can return, and a client
// asking for OpenAI's shape is told plainly which providers can serve it.
import { readUsageObject } from '../protocol/openai-chat/stream-relay.ts';
import { openExchange, upstreamErrorResponse, upstreamFailure } from '../providers/upstream.ts';
import { readJsonBody } from './body.ts';
import type { RequestContext } from './context.ts';
import { GatewayError, invalidRequest } from './errors.ts';
import { forwardedHeaders, routeHeaders, serialize, unknownModel } from './exchange-helpers.ts';
import type { InferenceDependencies } from './inference.ts';

export async function handleEmbeddings(context: RequestContext, dependencies: InferenceDependencies): Promise<void> {
  const body = await readJsonBody(context.request, dependencies.bodyLimitBytes);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('the request body must be a JSON object');
  const request = body as Record<string, unknown>;
  if (typeof request.model !== 'string' || request.model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model', 'missing_required_parameter');
  const input = request.input;
  const validInput = typeof input === 'string' || (Array.isArray(input) && input.length > 0);
  if (!validInput) throw invalidRequest('`input` is required: a string or a non-empty list of strings (or token arrays)', 'input', 'missing_required_parameter');
  const target = dependencies.registry.resolve(request.model);
  if (!target) throw unknownModel(request.model, dependencies.registry);
  context.model = target.publicId;
  context.metricsModel = target.metricsLabel;
  context.provider = target.provider.id;
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
  const exchange = await openExchange(target.provider, '/embeddings', serialize(request), {
    controller: context.controller,
    requestId: context.requestId,
    forwardedHeaders: forwardedHeaders(context, target),
  });
  try {
    if (exchange.status >= 400) throw await upstreamErrorResponse(target.provider, exchange);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of exchange.body) {
        exchange.sawData();
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw upstreamFailure(target.provider, error, context.controller);
    }
    const payload = Buffer.concat(chunks);
    try {
      const usage = (JSON.parse(payload.toString('utf8')) as { usage?: Record<string, unknown> }).usage;
      if (usage && typeof usage === 'object') context.usage = readUsageObject(usage);
    } catch {
      throw new GatewayError(`provider "${target.provider.id}" returned a response that is not valid JSON`, { status: 502, type: 'upstream_error', code: 'upstream_malformed_response' });
    }
    context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length, ...routeHeaders(context, target) });
    context.response.end(payload);
  } finally {
    exchange.finish();
  }
}
