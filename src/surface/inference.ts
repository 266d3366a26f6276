// POST /v1/chat/completions, /v1/responses and /v1/messages: read the request, plan its route, and
// try the candidates in turn; each attempt either relays the request to a provider that speaks the
// client's format or translates it for one that does not.
import type { Offer } from '../catalog/catalog.ts';
import type { GatewayConfig } from '../config/types.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import { admit, requestShape } from '../accounts/admission.ts';
import type { AdmissionSettings } from '../accounts/admission.ts';
import type { AuthSettings } from '../accounts/auth.ts';
import { providerCodec, surfaceCodecs } from '../protocol/codecs.ts';
import { validateChatRequest } from '../protocol/openai-chat/validate.ts';
import { runRoute } from '../engine/failover.ts';
import { callProvider } from '../engine/provider-model.ts';
import type { RouteNeeds } from '../routing/needs.ts';
import type { RoutePlan } from '../routing/router.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { readJsonObject } from './body.ts';
import { writeAnswer } from './writer.ts';
import { handleFusion, isFusionModel } from './fusion.ts';
import type { RequestContext } from './context.ts';
import { invalidRequest } from './errors.ts';
import { routeRequest } from './route-request.ts';
import type { RoutingDependencies } from './route-request.ts';

export interface InferenceDependencies extends RoutingDependencies {
  config: GatewayConfig;
  registry: ProviderRegistry;
  store: Store | null;
  accounts: AdmissionSettings & AuthSettings;
  bodyLimitBytes: number;
  strictParams: boolean;
  /** The gateway's own base URL (http://127.0.0.1:PORT), once it listens. */
  selfUrl: () => string;
  logger: Logger;
  /** Sent as `x-modelmux-internal` on the gateway's calls to itself; only then is their
   * `x-modelmux-fusion-id` recorded as the ledger group. */
  internalToken: string;
}

export type SurfaceFormat = keyof typeof surfaceCodecs;

export async function handleInference(context: RequestContext, dependencies: InferenceDependencies, format: SurfaceFormat): Promise<void> {
  const { body, bytes } = await readJsonObject(context.request, dependencies.bodyLimitBytes);
  // Chat is checked in full here (its same-format path needs it); the others are checked in full by
  // their codec when translated, and by the provider itself when relayed.
  const chat = format === 'openai-chat' ? validateChatRequest(body) : null;
  if (!chat) requiredModel(body);
  context.stream = chat?.stream ?? optionalStream(body);
  if (isFusionModel(body.model)) return handleFusion(context, dependencies, format, body);
  const strict = dependencies.strictParams || context.request.headers['x-modelmux-strict'] === 'true';
  const { plan, stickyKey, needs } = routeRequest(context, dependencies, format, body, bytes, (offer) => droppedFor(format, body, offer));
  admitRequest(context, dependencies, plan, needs, body);
  const includeUsage = chat?.includeUsage ?? true;
  const failover = { router: dependencies.router, config: dependencies.routing, now: Date.now };
  // Each attempt gets its own copy: the paths rename the model and adjust fields in place.
  const answer = await runRoute(context, plan, failover, stickyKey, (target, controller) =>
    callProvider({ context, format, body: { ...body }, stream: context.stream, includeUsage, strict, relayBytes: true }, target, controller),
  );
  await writeAnswer(context, answer, { format, includeUsage });
}

/** The key's models, rate limits and budget (accounts/admission.ts); the answer carries the headers. */
export function admitRequest(context: RequestContext, dependencies: InferenceDependencies, plan: RoutePlan, needs: RouteNeeds, body: Record<string, unknown>): void {
  const ledger = context.ledger;
  if (ledger === null) return;
  ledger.routeId = plan.id;
  ledger.promptTokens = () => needs.promptTokens;
  const headers = admit(ledger, plan, needs, requestShape(body), body.model as string, dependencies.accounts);
  if (Object.keys(headers).length > 0) context.extraHeaders = { ...context.extraHeaders, ...headers };
}

/** For `provider.require_parameters`: what this offer's provider would not receive. */
function droppedFor(format: SurfaceFormat, body: Record<string, unknown>, offer: Offer): string[] {
  const formats = offer.provider.config.formats;
  if (formats.includes(format)) return [];
  try {
    const request = surfaceCodecs[format].decodeRequest(body);
    return providerCodec(formats[0]).encodeRequest(request, { upstreamModel: offer.upstream, quirks: offer.provider.config.quirks }).dropped;
  } catch {
    // A request its own codec cannot read fails on the attempt, with the codec's message.
    return [];
  }
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
