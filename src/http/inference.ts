// POST /v1/chat/completions, /v1/responses and /v1/messages: read the request, plan its route, and
// try the candidates in turn; each attempt either relays the request to a provider that speaks the
// client's format or translates it for one that does not.
import type { GatewayConfig } from '../config/types.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { AdmissionSettings } from '../accounts/admission.ts';
import type { AuthSettings } from '../accounts/auth.ts';
import { clientFormats } from '../protocol/formats.ts';
import type { ClientFormat } from '../protocol/formats.ts';
import { validateChatRequest } from '../protocol/openai-chat/validate.ts';
import type { ChatModelDependencies } from '../engine/chat-model.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { readJsonObject } from './body.ts';
import { writeAnswer } from './writer.ts';
import { isFusionModel } from '../fusion/spec.ts';
import type { ModelRunner } from '../engine/runner.ts';
import { resolveResponseItems } from '../engine/response-items.ts';
import type { ResponseItemStore } from '../engine/response-items.ts';
import type { RequestContext } from './context.ts';
import { invalidRequest } from '../errors/gateway-error.ts';

export interface InferenceDependencies extends ChatModelDependencies {
  config: GatewayConfig;
  registry: ProviderRegistry;
  store: Store | null;
  accounts: AdmissionSettings & AuthSettings;
  bodyLimitBytes: number;
  logger: Logger;
  /** Any model by name: a routed one or a fusion (see engine/runner.ts). */
  runner: ModelRunner;
  /** The Responses items the gateway minted, for clients that refer to them. */
  responseItems: ResponseItemStore;
}

export async function handleInference(context: RequestContext, dependencies: InferenceDependencies, format: ClientFormat): Promise<void> {
  const { body, bytes } = await readJsonObject(context, dependencies.bodyLimitBytes);
  // Chat is checked in full here (its same-format path needs it); the others are checked in full by
  // their codec when translated, and by the provider itself when relayed.
  const facts = clientFormats[format];
  const chat = format === 'openai-chat' ? validateChatRequest(body) : null;
  if (!chat) requiredModel(facts.model(body));
  context.stream = facts.stream(body);
  const includeUsage = chat === null || chat.includeUsage || chat.usageInclude;
  // A Responses request may refer to items the gateway minted; its answer may be referred to next.
  const items = format === 'openai-responses' ? await resolveResponseItems(dependencies.responseItems, context, body, (error) => keepFailed(dependencies.logger, context, error)) : null;
  const call = { format, body, bytes: bytes + (items?.addedBytes ?? 0), includeUsage, bodyAsksUsage: chat?.includeUsage ?? true, relayBytes: true };
  const answer = await dependencies.runner.answer(context, call, true);
  await writeAnswer(context, answer, { format, includeUsage, completed: items?.keep });
}

function keepFailed(logger: Logger, context: RequestContext, error: unknown): void {
  logger.error('keeping the response items failed', { request_id: context.requestId, error: error instanceof Error ? error.message : String(error) });
}

function requiredModel(model: unknown): string {
  if (typeof model !== 'string' || model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model', 'missing_required_parameter');
  return model;
}
