// POST /v1/embeddings: relayed to providers that speak OpenAI's format. Embeddings are not
// translated: the other formats' embedding APIs differ in what they can return, and a client
// asking for OpenAI's shape is told plainly which providers can serve it.
import { runRoute } from '../engine/failover.ts';
import { callEmbeddings } from '../engine/provider-model.ts';
import { readJsonObject } from './body.ts';
import type { RequestContext } from './context.ts';
import { invalidRequest } from '../errors/gateway-error.ts';
import { writeAnswer } from './writer.ts';
import { admitCall } from '../engine/chat-model.ts';
import type { InferenceDependencies } from './inference.ts';
import { routeRequest } from '../engine/route-request.ts';

export async function handleEmbeddings(context: RequestContext, dependencies: InferenceDependencies): Promise<void> {
  const { body: request, bytes } = await readJsonObject(context, dependencies.bodyLimitBytes);
  if (typeof request.model !== 'string' || request.model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model', 'missing_required_parameter');
  const input = request.input;
  const validInput = typeof input === 'string' || (Array.isArray(input) && input.length > 0);
  if (!validInput) throw invalidRequest('`input` is required: a string or a non-empty list of strings (or token arrays)', 'input', 'missing_required_parameter');
  const { plan, stickyKey, needs } = routeRequest(context, dependencies, 'embeddings', request, bytes);
  admitCall(context, dependencies.accounts, 'embeddings', plan, needs, request);
  const failover = { router: dependencies.router, config: dependencies.routing, now: dependencies.now };
  const answer = await runRoute(context, plan, failover, stickyKey, (target, controller) => callEmbeddings(context, target, { ...request }, controller));
  await writeAnswer(context, answer, { format: 'openai-chat', includeUsage: false });
}
