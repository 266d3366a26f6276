// A model name as a model: a chat call is planned (presets, preferences, what it needs), admitted on
// the caller's key (models, rate limits, budget), and tried on the plan's providers in turn until one
// commits to an answer. Clients' requests and the calls a fusion or a comparison makes take this same
// path, so each is routed, failed over, limited and billed alike.
import { admit, requestShape } from '../accounts/admission.ts';
import type { AdmissionSettings } from '../accounts/admission.ts';
import type { Offer } from '../routing/catalog.ts';
import type { RoutingConfig } from '../routing/config.ts';
import { providerCodec, surfaceCodecs } from '../protocol/codecs.ts';
import type { ClientFormat } from '../protocol/formats.ts';
import { settleReasoningObject } from '../protocol/openai-chat/reasoning-object.ts';
import type { RequestFormat, RouteNeeds } from '../routing/needs.ts';
import type { Preset } from '../routing/presets.ts';
import type { Router, RoutePlan } from '../routing/router.ts';
import type { Answer } from './answer.ts';
import type { CallContext } from './call.ts';
import { runRoute } from './failover.ts';
import { callProvider } from './provider-model.ts';
import { routeRequest } from './route-request.ts';

export interface ChatModelDependencies {
  router: Router;
  routing: RoutingConfig;
  presets: readonly Preset[];
  accounts: AdmissionSettings;
  strictParams: boolean;
  now: () => number;
}

/** A chat call in the caller's own format. */
export interface ChatCall {
  format: ClientFormat;
  body: Record<string, unknown>;
  /** The body's size in bytes (a bound on its prompt). */
  bytes: number;
  /** The client wants the usage chunk of a Chat stream (`stream_options.include_usage`, or
   * OpenRouter's `usage: {include: true}`). */
  includeUsage: boolean;
  /** The body itself asks a Chat provider for it (`stream_options.include_usage`). */
  bodyAsksUsage?: boolean;
  /** The caller writes bytes in `format`, so a provider of that format is relayed byte for byte;
   * false: events only. */
  relayBytes: boolean;
}

export function answerChat(context: CallContext, dependencies: ChatModelDependencies, call: ChatCall): Promise<Answer> {
  const { format, body } = call;
  const strict = dependencies.strictParams || context.headers['x-modelmux-strict'] === 'true';
  const { plan, stickyKey, needs } = routeRequest(context, dependencies, format, body, call.bytes, (offer) => droppedFor(format, body, offer));
  // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
  const promptEstimate = (): number => needs.promptTokens;
  context.promptEstimate = promptEstimate;
  admitCall(context, dependencies.accounts, format, plan, needs, body);
  const failover = { router: dependencies.router, config: dependencies.routing, now: dependencies.now };
  // Each attempt gets its own copy: the paths rename the model and adjust fields in place.
  return runRoute(context, plan, failover, stickyKey, (target, controller) =>
    callProvider({ context, format, body: { ...body }, stream: context.stream, includeUsage: call.includeUsage, bodyAsksUsage: call.bodyAsksUsage ?? call.includeUsage, strict, relayBytes: call.relayBytes }, target, controller),
  );
}

/** The key's models, rate limits and budget (accounts/admission.ts); the answer carries the headers. */
export function admitCall(context: CallContext, accounts: AdmissionSettings, format: RequestFormat, plan: RoutePlan, needs: RouteNeeds, body: Record<string, unknown>): void {
  const ledger = context.ledger;
  if (ledger === null) return;
  ledger.routeId = plan.id;
  // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
  const promptTokens = (): number => needs.promptTokens;
  ledger.promptTokens = promptTokens;
  const headers = admit(ledger, plan, needs, requestShape(format, body), body.model as string, accounts);
  if (Object.keys(headers).length > 0) context.extraHeaders = { ...context.extraHeaders, ...headers };
}

/** For `provider.require_parameters`: what this offer's provider would not receive. */
function droppedFor(format: ClientFormat, body: Record<string, unknown>, offer: Offer): string[] {
  const formats = offer.provider.config.formats;
  try {
    // A Chat provider is relayed the body but for the parts of OpenRouter's reasoning object it cannot take.
    if (format === 'openai-chat' && formats.includes(format)) {
      const reasoning = { reasoning: body.reasoning, reasoning_effort: body.reasoning_effort };
      return settleReasoningObject(reasoning, { quirks: offer.provider.config.quirks, reasons: offer.capabilities.reasoning }).dropped;
    }
    if (formats.includes(format)) return [];
    const request = surfaceCodecs[format].decodeRequest(body);
    return providerCodec(formats[0]).encodeRequest(request, { upstreamModel: offer.upstream, quirks: offer.provider.config.quirks }).dropped;
  } catch {
    // A request its own codec cannot read fails on the attempt, with the codec's message.
    return [];
  }
}
