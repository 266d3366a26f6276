// A provider as a model: codec + transport. The caller's request goes to the provider as it came
// (only the model renamed) when the provider speaks the caller's format, or translated through the
// internal form when it does not (or when the conversation carries another provider's reasoning
// signatures). The answer resolves at its commit point: streamed from the first content, whole once
// read. What the provider cannot honour is named in `x-modelmux-dropped-params`, or refused in strict
// mode.
import { countsTokens } from '../accounts/request-ledger.ts';
import { GatewayError, invalidRequest } from '../errors/gateway-error.ts';
import { providerCodec, surfaceCodecs } from '../protocol/codecs.ts';
import { clientFormats } from '../protocol/formats.ts';
import type { ClientFormat } from '../protocol/formats.ts';
import type { ChatRequest, EncodeTarget, SurfaceCodec, Usage, WireFormat } from '../protocol/ir.ts';
import { renameWholeModel } from '../protocol/model-field.ts';
import { takeOutAnswered } from '../protocol/openai-responses/echo.ts';
import { carriesForeignReasoning } from '../protocol/openai-responses/foreign-reasoning.ts';
import { unresolvedReference } from '../protocol/openai-responses/references.ts';
import { hasMarkedSignatures, keepOwnSignatures, markResponse } from '../protocol/signatures.ts';
import { normalizeCompletion } from '../protocol/openai-chat/normalize.ts';
import { hidesReasoning, settleReasoningObject } from '../protocol/openai-chat/reasoning-object.ts';
import type { ReasoningTarget, SettledReasoning } from '../protocol/openai-chat/reasoning-object.ts';
import { readUsageObject } from '../protocol/openai-chat/response.ts';
import type { ModelTarget } from '../routing/catalog.ts';
import { openExchange, upstreamErrorResponse } from '../providers/upstream.ts';
import type { UpstreamExchange } from '../providers/upstream.ts';
import type { Answer, AnswerMetadata } from './answer.ts';
import type { CallContext } from './call.ts';
import { costText, droppedHeader, exchangeOptions, parseUpstreamJson, pricedBody, readUpstreamBody, routeHeaders, serialize } from './exchange.ts';
import { openAnswerStream } from './provider-stream.ts';
import { chatRelayReading, decodedReading } from './stream-readings.ts';
import type { Pricing } from './stream-readings.ts';

export interface ProviderRequest {
  context: CallContext;
  /** The caller's format, and its body for this attempt (a copy: paths rename the model in place). */
  format: ClientFormat;
  body: Record<string, unknown>;
  stream: boolean;
  /** The client wants Chat's usage chunk; the other formats always report usage. */
  includeUsage: boolean;
  /** The body already asks a Chat provider for usage (`stream_options.include_usage`). */
  bodyAsksUsage: boolean;
  strict: boolean;
  /** The caller writes bytes in its own format, so a provider of that format is relayed byte for
   * byte; false: the answer comes as events only (a fusion reading its members). */
  relayBytes: boolean;
}

const relayPaths = { 'openai-chat': '/chat/completions', 'openai-responses': '/responses', anthropic: '/messages' } as const;

export function callProvider(request: ProviderRequest, target: ModelTarget, controller: AbortController): Promise<Answer> {
  if (request.relayBytes && target.provider.config.formats.includes(request.format)) {
    if (request.format === 'openai-chat') {
      // Reasoning the client asked not to see (OpenRouter's `reasoning.exclude`) is left out of the
      // answer by writing it again, unless the provider leaves it out itself.
      if (!hidesReasoning(request.body, target.provider.config.quirks)) return relayChat(request, target, controller);
    } else if (!holdsForeignReasoning(request)) {
      return relaySameFormat(request, target, controller);
    }
  }
  return translate(request, target, controller);
}

async function relayChat(request: ProviderRequest, target: ModelTarget, controller: AbortController): Promise<Answer> {
  const { context, body } = request;
  body.model = target.upstreamModel;
  const { dropped } = settleReasoningObject(body, reasoningTarget(target));
  if (dropped.length > 0 && request.strict) throw cannotHonour(target, 'openai-chat', dropped);
  const streamUsage = target.provider.config.streamUsage;
  // Usage is asked for on the client's behalf (for the bill); a client that did not ask for the usage
  // chunk gets the usage on the finish chunk instead (protocol/openai-chat/usage-on-finish.ts).
  const askedForUsage = request.stream && streamUsage && !request.bodyAsksUsage;
  if (askedForUsage) body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };
  if (!streamUsage) delete body.stream_options;
  const usageOnFinish = askedForUsage && !request.includeUsage;
  // OpenRouter's `usage: {include}` is the gateway's to honour (above); OpenAI refuses a field it does
  // not know, and OpenRouter no longer reads it.
  delete body.usage;
  const exchange = await open(context, target, relayPaths['openai-chat'], serialize(body), controller);
  return withExchange(exchange, target, async () => {
    const metadata = metadataOf(context, target, 'openai-chat');
    nameDropped(metadata, context, dropped);
    const choices = typeof body.n === 'number' && body.n > 1 ? body.n : 1;
    if (request.stream && isStream(exchange)) {
      const reading = chatRelayReading(target.provider, usageOnFinish, pricing(context), { choices, model: renamed(target) ?? undefined });
      return openAnswerStream(target.provider, exchange, reading, metadata, controller);
    }
    if (request.stream) return streamAskedWholeGiven(request, target, exchange, metadata);
    return countedWithoutUsage(context, await wholeRelayed(context, target, exchange, metadata, usageOfChat, normalizeCompletion));
  });
}

async function relaySameFormat(request: ProviderRequest, target: ModelTarget, controller: AbortController): Promise<Answer> {
  const { context, body } = request;
  const format = request.format as 'openai-responses' | 'anthropic';
  body.model = target.upstreamModel;
  const exchange = await open(context, target, relayPaths[format], serialize(body), controller);
  return withExchange(exchange, target, async () => {
    const codec = providerCodec(format);
    const encodeTarget = encodeTargetOf(target);
    const metadata = metadataOf(context, target, format);
    if (request.stream && isStream(exchange)) {
      const reading = decodedReading({ provider: target.provider, decoder: codec.createStreamDecoder(encodeTarget), format, relay: true, markSignatures: false, price: pricing(context), model: renamed(target) });
      return openAnswerStream(target.provider, exchange, reading, metadata, controller);
    }
    if (request.stream) return streamAskedWholeGiven(request, target, exchange, metadata);
    return countedWithoutUsage(context, await wholeRelayed(context, target, exchange, metadata, (parsed) => codec.decodeResponse(parsed, encodeTarget).usage));
  });
}

/** A whole answer relayed as it came, naming the model the client asked for; its usage is read on
 * the way and its cost spliced in. What a client could not read (`normalize` says it changed
 * something) is re-serialized. */
async function wholeRelayed(context: CallContext, target: ModelTarget, exchange: UpstreamExchange, metadata: AnswerMetadata, usageOf: (parsed: unknown) => Usage | null, normalize?: (parsed: unknown) => boolean): Promise<Answer> {
  let payload = await readUpstreamBody(context, target, exchange);
  const parsed = parseUpstreamJson(target, payload);
  const usage = usageOf(parsed);
  context.usage = usage;
  if (normalize?.(parsed)) payload = Buffer.from(JSON.stringify(parsed));
  const model = renamed(target);
  if (model !== null) payload = renameWholeModel(parsed, payload, model);
  const bytes = pricedBody(context, parsed, payload, metadata.headers);
  return { kind: 'whole', metadata, bytes, response: null, usage };
}

async function translate(request: ProviderRequest, target: ModelTarget, controller: AbortController): Promise<Answer> {
  const { context } = request;
  const surface: SurfaceCodec = surfaceCodecs[request.format];
  const formats = target.provider.config.formats;
  const format: WireFormat = formats.includes(request.format) ? request.format : formats[0];
  if (request.format === 'openai-responses' && format !== 'openai-responses') {
    // References the gateway could resolve are resolved by now (engine/response-items.ts), and
    // `store` is the gateway's to honour there: it is not a parameter this provider drops.
    const unresolved = unresolvedReference(request.body);
    if (unresolved !== null) throw unresolved;
    takeOutAnswered(request.body, 'store');
  }
  // A Chat body for a Chat provider is settled as a relayed one is; the answer's encoder honours `exclude`.
  const settled: SettledReasoning | null = request.format === 'openai-chat' && format === 'openai-chat' ? settleReasoningObject(request.body, reasoningTarget(target)) : null;
  const decoded = withinDepth(() => surface.decodeRequest(request.body));
  if (settled?.exclude) decoded.reasoning = { ...decoded.reasoning, exclude: true };
  const codec = providerCodec(format);
  keepOwnSignatures(decoded, format);
  const encodeTarget = encodeTargetOf(target);
  const encoded = withinDepth(() => codec.encodeRequest(decoded, encodeTarget));
  const dropped = [...new Set([...(settled?.dropped ?? []), ...encoded.dropped])];
  if (dropped.length > 0 && request.strict) throw cannotHonour(target, format, dropped);
  const metadata: AnswerMetadata = { ...metadataOf(context, target, null), request: decoded, promptEstimate: context.promptEstimate };
  nameDropped(metadata, context, dropped);
  // Signatures this provider makes are marked for a client of another format (see signatures.ts).
  const foreign = format !== request.format;
  const exchange = await open(context, target, encoded.path, serialize(encoded.body), controller, encoded.headers);
  return withExchange(exchange, target, async () => {
    if (decoded.stream && isStream(exchange)) {
      // A binary framing (Bedrock's) is cut clear of credentials message by message, not byte by byte.
      const decoder = codec.createStreamDecoder(encodeTarget, { payloads: (payload) => exchange.redactor.bytes(payload) });
      const reading = decodedReading({ provider: target.provider, decoder, format, relay: false, markSignatures: foreign, price: pricing(context), model: renamed(target) });
      return openAnswerStream(target.provider, exchange, reading, metadata, controller);
    }
    return wholeDecoded(context, target, exchange, format, metadata, foreign);
  });
}

/** A whole answer in the internal form, named and priced, for the writer to encode in the client's
 * format (as a stream when the client asked for one). `foreign`: the provider's format is not the
 * client's, so the signatures it makes are marked (see signatures.ts). */
async function wholeDecoded(context: CallContext, target: ModelTarget, exchange: UpstreamExchange, format: WireFormat, metadata: AnswerMetadata, foreign: boolean): Promise<Answer> {
  const parsed = parseUpstreamJson(target, await readUpstreamBody(context, target, exchange));
  const response = providerCodec(format).decodeResponse(parsed, encodeTargetOf(target));
  response.model = renamed(target) ?? response.model;
  context.usage = response.usage;
  if (context.ledger !== null && response.usage !== null) {
    response.usage.cost = context.ledger.costWith(response.usage);
    metadata.headers['x-modelmux-cost'] = costText(response.usage.cost);
  }
  if (foreign) markResponse(response, format);
  return countedWithoutUsage(context, { kind: 'whole', metadata, bytes: null, response, usage: response.usage });
}

/** A whole answer that came without its usage is billed as a stream cut short is: the prompt's
 * estimate, and the output by its size, at four characters a token (the relayed bytes, envelope
 * included, so never less than it said). Without this it was free. */
function countedWithoutUsage(context: CallContext, answer: Answer): Answer {
  if (answer.kind === 'whole' && !countsTokens(answer.usage)) {
    context.streamed = { events: 0, characters: answer.bytes !== null ? answer.bytes.length : JSON.stringify(answer.response?.content ?? '').length };
  }
  return answer;
}

/** A provider of the client's own format that answered a request for a stream with a whole answer
 * (some servers ignore `stream`): relayed as it came, it would break a client reading a stream, so
 * it is decoded and goes out as the stream the client asked for. What the internal form does not
 * hold is lost on the way: Chat choices past the first (named in x-modelmux-dropped-params as `n`),
 * logprobs, annotations, the Responses items of OpenAI's own tools. */
function streamAskedWholeGiven(request: ProviderRequest, target: ModelTarget, exchange: UpstreamExchange, metadata: AnswerMetadata): Promise<Answer> {
  const { context, body } = request;
  let decoded: ChatRequest | undefined;
  try {
    // The encoders read it: what a Responses answer echoes, which tools are the client's own.
    decoded = surfaceCodecs[request.format].decodeRequest(body);
  } catch {
    decoded = undefined;
  }
  const streamed: AnswerMetadata = { ...metadata, headers: { ...metadata.headers }, bytesFormat: null, request: decoded, promptEstimate: context.promptEstimate };
  if (request.format === 'openai-chat' && typeof body.n === 'number' && body.n > 1) {
    const named = streamed.headers['x-modelmux-dropped-params'];
    streamed.headers['x-modelmux-dropped-params'] = named === undefined ? droppedHeader([...(context.route?.ignored ?? []), 'n']) : `${named}, n`;
  }
  return wholeDecoded(context, target, exchange, request.format as WireFormat, streamed, false);
}

/** Embeddings are relayed to providers that speak OpenAI's format, never translated: the other
 * formats' embedding APIs differ in what they can return. */
export async function callEmbeddings(context: CallContext, target: ModelTarget, body: Record<string, unknown>, controller: AbortController): Promise<Answer> {
  const formats = target.provider.config.formats;
  if (!formats.includes('openai-chat') && !formats.includes('openai-responses')) {
    throw new GatewayError(`provider "${target.provider.id}" (${formats[0]}) does not serve embeddings through modelmux; use a model of an OpenAI-compatible provider`, {
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_endpoint',
      param: 'model',
    });
  }
  body.model = target.upstreamModel;
  const exchange = await open(context, target, '/embeddings', serialize(body), controller);
  return withExchange(exchange, target, async () => inputByEstimate(context, await wholeRelayed(context, target, exchange, metadataOf(context, target, 'openai-chat'), usageOfChat)));
}

/** Embeddings that came without their usage (or with one that counts nothing) are billed for their
 * input's estimate; they have no output. Without this they were free. */
function inputByEstimate(context: CallContext, answer: Answer): Answer {
  if (answer.kind !== 'whole' || context.ledger === null || countsTokens(answer.usage)) return answer;
  const estimated: Usage = { inputTokens: context.ledger.promptTokens(), outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  context.usage = estimated;
  return { ...answer, usage: estimated };
}

function usageOfChat(parsed: unknown): Usage | null {
  const usage = (parsed as { usage?: unknown } | null)?.usage;
  return usage !== null && typeof usage === 'object' ? readUsageObject(usage as Record<string, unknown>) : null;
}

/** Opens the exchange with the caller's headers and key for this provider, on this attempt's signal. */
function open(context: CallContext, target: ModelTarget, path: string, body: string, controller: AbortController, headers?: Record<string, string>): Promise<UpstreamExchange> {
  return openExchange(target.provider, path, body, { ...exchangeOptions(context, target), controller, headers });
}

/** An error status becomes the attempt's failure; a whole answer ends the exchange once read; a
 * stream ends it itself, when it ends. */
async function withExchange(exchange: UpstreamExchange, target: ModelTarget, read: () => Promise<Answer>): Promise<Answer> {
  let streaming = false;
  try {
    if (exchange.status >= 400) throw await upstreamErrorResponse(target.provider, exchange);
    const answer = await read();
    streaming = answer.kind === 'stream';
    return answer;
  } finally {
    if (!streaming) exchange.finish();
  }
}

function metadataOf(context: CallContext, target: ModelTarget, bytesFormat: WireFormat | null): AnswerMetadata {
  return { headers: routeHeaders(context, target), bytesFormat, model: target.publicId };
}

/** The name an answer gives its model in place of the provider's: the one the client asked for,
 * unless that is the provider's own name, when the provider's answer (which may name a dated
 * snapshot, `gpt-4o-2024-08-06`) is what the client would have had from it directly. */
function renamed(target: ModelTarget): string | null {
  return target.publicId === target.upstreamModel ? null : target.publicId;
}

/** Reasoning another provider made (in an earlier, translated turn) must not reach this one: such a
 * request is translated, which leaves it out. */
function holdsForeignReasoning(request: ProviderRequest): boolean {
  const history = clientFormats[request.format].history(request.body);
  return hasMarkedSignatures(history) || (request.format === 'openai-responses' && carriesForeignReasoning(history));
}

/** `x-modelmux-dropped-params`: what routing ignored, then what this provider does not receive. */
function nameDropped(metadata: AnswerMetadata, context: CallContext, dropped: string[]): void {
  if (dropped.length > 0) metadata.headers['x-modelmux-dropped-params'] = droppedHeader([...(context.route?.ignored ?? []), ...dropped]);
}

function reasoningTarget(target: ModelTarget): ReasoningTarget {
  return { quirks: target.provider.config.quirks, reasons: target.offer.capabilities.reasoning };
}

function encodeTargetOf(target: ModelTarget): EncodeTarget {
  return { upstreamModel: target.upstreamModel, quirks: target.provider.config.quirks };
}

function pricing(context: CallContext): Pricing {
  const ledger = context.ledger;
  return ledger === null ? null : (usage) => ledger.costWith(usage);
}

function isStream(exchange: UpstreamExchange): boolean {
  const contentType = String(exchange.headers['content-type'] ?? '');
  return contentType.startsWith('text/event-stream') || contentType.startsWith('application/vnd.amazon.eventstream');
}

function cannotHonour(target: ModelTarget, format: WireFormat, dropped: string[]): GatewayError {
  const them = dropped.length === 1 ? 'it' : 'them';
  return new GatewayError(
    `provider "${target.provider.id}" (${format}) cannot honour: ${dropped.join(', ')}. Remove ${them}, choose another model, or turn strict mode off (x-modelmux-strict) to have ${them} dropped and named in x-modelmux-dropped-params.`,
    { status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param: dropped[0] },
  );
}

/** JSON nested deeper than the stack allows is the client's mistake (400), not a crash (500). */
function withinDepth<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError) throw invalidRequest('the request is nested too deeply to translate', null, 'invalid_request');
    throw error;
  }
}
