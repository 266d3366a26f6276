// Small pieces every path to a provider shares: the request body as text, the headers that say
// where a request went, the client headers a provider may receive, and the unknown-model error.
import type { ModelTarget } from '../routing/catalog.ts';
import type { Router } from '../routing/router.ts';
import { readBody, upstreamFailure } from '../providers/upstream.ts';
import type { ExchangeOptions, UpstreamExchange } from '../providers/upstream.ts';
import { clientKeyPrefix } from '../providers/registry.ts';
import type { CallContext } from './call.ts';
import { GatewayError, invalidRequest, upstreamFailed } from '../errors/gateway-error.ts';

/** A whole (non-streamed) answer's bytes, with any credential it echoes cut out; every chunk keeps
 * the exchange's timers informed. */
export function readUpstreamBody(context: CallContext, target: ModelTarget, exchange: UpstreamExchange): Promise<Buffer> {
  return readBody(exchange).then(
    (bytes) => exchange.redactor.bytes(bytes),
    (error: unknown) => {
      throw upstreamFailure(target.provider, error, context.controller, exchange.redactor);
    },
  );
}

export function parseUpstreamJson(target: ModelTarget, payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    throw upstreamFailed(`provider "${target.provider.id}" returned a response that is not valid JSON`, 'upstream_malformed_response');
  }
}

export function serialize(body: Record<string, unknown>): string {
  try {
    return JSON.stringify(body);
  } catch {
    // JSON.parse accepts nesting that JSON.stringify cannot recurse through.
    throw invalidRequest('the request body is nested too deeply', null, 'invalid_request');
  }
}

/**
 * A whole answer with the request's cost: `x-modelmux-cost` in the headers and `usage.cost` in the
 * body. The cost is spliced into the bytes as they came when the body has one `"usage":{`, else the
 * body is re-serialized. The body as it came when the request is not billed.
 */
export function pricedBody(context: CallContext, parsed: unknown, payload: Buffer, headers: Record<string, string>): Buffer | string {
  const ledger = context.ledger;
  if (ledger === null || context.usage === null) return payload;
  const cost = ledger.costWith(context.usage);
  headers['x-modelmux-cost'] = costText(cost);
  const usage = (parsed as { usage?: unknown } | null)?.usage;
  if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) return payload;
  // An upstream that reports its own cost (OpenRouter, another gateway) has it replaced, not doubled.
  const spliced = 'cost' in usage ? null : spliceCost(payload, cost);
  if (spliced !== null) return spliced;
  (usage as Record<string, unknown>).cost = cost;
  return JSON.stringify(parsed);
}

const usageKey = Buffer.from('"usage":{');

/** `"cost":<usd>` added first in the body's only usage object; null when there is not exactly one
 * (a raw `"usage":{` can only be a key: inside a JSON string its quotes would be escaped). */
function spliceCost(payload: Buffer, cost: number): Buffer | null {
  const at = payload.indexOf(usageKey);
  if (at === -1 || payload.indexOf(usageKey, at + usageKey.length) !== -1) return null;
  const inside = at + usageKey.length;
  const field = Buffer.from(payload[inside] === 0x7d /* } */ ? `"cost":${cost}` : `"cost":${cost},`);
  return Buffer.concat([payload.subarray(0, inside), field, payload.subarray(inside)]);
}

/** USD as `x-modelmux-cost` shows it: fixed-point to the ledger's grain (1e-8). */
export function costText(usd: number): string {
  return usd.toFixed(8);
}

export function unknownModel(model: string, router: Router): GatewayError {
  const known = router.knownNames(20);
  const listed = known.length > 0 ? ` Available models include: ${known.join(', ')}.` : ' No provider is configured.';
  return new GatewayError(`The model "${model}" does not exist on this gateway.${listed} GET /v1/models lists them all.`, {
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param: 'model',
  });
}

/** Where the answer came from: the provider, its model, and the route (`GET /v1/route` explains one). */
export function routeHeaders(context: CallContext, target: ModelTarget): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': context.requestId, 'x-modelmux-provider': target.provider.id, 'x-modelmux-model': headerValue(target.publicId), ...context.extraHeaders };
  const route = context.route;
  if (route) {
    headers['x-modelmux-route-id'] = route.id;
    headers['x-modelmux-attempts'] = String(route.attempts);
    if (route.ignored.length > 0) headers['x-modelmux-dropped-params'] = droppedHeader(route.ignored);
  }
  return headers;
}

/** Client-chosen text (a model name, field names) made safe for a header: anything outside
 * printable ASCII is percent-encoded as UTF-8 (a lone surrogate as U+FFFD), and the value is kept
 * short enough for any client to read. */
export function headerValue(text: string, limit = 1024): string {
  const safe = text.replace(/[^\x20-\x7e]/gu, (character) => encodeURIComponent(character.toWellFormed()));
  return safe.length <= limit ? safe : `${safe.slice(0, limit - 3)}...`;
}

/** `x-modelmux-dropped-params`: the names once each; repeated array positions are folded
 * (`messages[*].content[*].citations`) when the list would otherwise be long. */
export function droppedHeader(names: string[]): string {
  const unique = [...new Set(names)];
  const folded = unique.join(', ').length > 512 ? [...new Set(unique.map((name) => name.replace(/\[\d+\]/g, '[*]')))] : unique;
  return headerValue(folded.join(', '));
}

/** How every call to a provider is opened for this request: its abort signal and id, the client
 * headers the provider receives, and the caller's own key for it where allowed. */
export function exchangeOptions(context: CallContext, target: ModelTarget): ExchangeOptions {
  return { controller: context.controller, requestId: context.requestId, forwardedHeaders: forwardedHeaders(context, target), clientKey: clientKeyFor(context, target) };
}

/** The caller's key for this provider (`x-modelmux-key-<provider id>`), when the provider takes one. */
export function clientKeyFor(context: CallContext, target: ModelTarget): string | null {
  if (!target.provider.config.clientKeys) return null;
  const value = context.headers[clientKeyPrefix + target.provider.id];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function forwardedHeaders(context: CallContext, target: ModelTarget): Record<string, string> | undefined {
  const forwards = target.provider.forwardsHeader;
  if (!forwards) return undefined;
  const forwarded: Record<string, string> = {};
  const headers = context.headers;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string' && forwards(name)) forwarded[name] = value;
  }
  return forwarded;
}
