// POST /v1/chat/completions, /v1/responses and /v1/messages: read the request, find the model, and
// either relay it to a provider that speaks the client's format or translate it for one that does not.
import { surfaceCodecs } from '../protocol/codecs.ts';
import { hasMarkedSignatures } from '../protocol/signatures.ts';
import { validateChatRequest } from '../protocol/openai-chat/validate.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { readJsonBody } from './body.ts';
import { relayChat } from './chat-completions.ts';
import type { RequestContext } from './context.ts';
import { invalidRequest } from './errors.ts';
import { unknownModel } from './exchange-helpers.ts';
import { relaySameFormat } from './relay.ts';
import { translate } from './translate.ts';

export interface InferenceDependencies {
  registry: ProviderRegistry;
  bodyLimitBytes: number;
  strictParams: boolean;
}

export type SurfaceFormat = keyof typeof surfaceCodecs;

export async function handleInference(context: RequestContext, dependencies: InferenceDependencies, format: SurfaceFormat): Promise<void> {
  const body = await readJsonBody(context.request, dependencies.bodyLimitBytes);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('the request body must be a JSON object');
  const request = body as Record<string, unknown>;
  // Chat is checked in full here (its same-format path needs it); the others are checked in full by
  // their codec when translated, and by the provider itself when relayed.
  const chat = format === 'openai-chat' ? validateChatRequest(request) : null;
  const model = chat?.model ?? requiredModel(request);
  context.stream = chat?.stream ?? optionalStream(request);
  const target = dependencies.registry.resolve(model);
  if (!target) throw unknownModel(model, dependencies.registry);
  context.model = target.publicId;
  context.metricsModel = target.metricsLabel;
  context.provider = target.provider.id;

  const surface = surfaceCodecs[format];
  if (target.provider.config.formats.includes(format)) {
    if (chat) return relayChat(context, target, request, chat);
    // Reasoning another provider signed (in an earlier, translated turn) must not reach this one.
    const history = format === 'anthropic' ? request.messages : request.input;
    if (!hasMarkedSignatures(history)) return relaySameFormat(context, target, surface, request);
  }
  const strict = dependencies.strictParams || context.request.headers['x-modelmux-strict'] === 'true';
  return translate(context, target, surface, request, strict);
}

function requiredModel(body: Record<string, unknown>): string {
  if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model', 'missing_required_parameter');
  return body.model;
}

function optionalStream(body: Record<string, unknown>): boolean {
  if (body.stream === undefined || body.stream === null) return false;
  if (typeof body.stream !== 'boolean') throw invalidRequest('`stream` must be true or false', 'stream');
  return body.stream;
}
