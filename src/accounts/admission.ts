// Before a request goes upstream, what its key allows: the models it may call, its rate limits, and
// the worst-case cost held against its budget and credits. A refusal is a 403, 429 or 402 that says
// which limit, how much and until when; nothing is sent upstream.
import { defaultMaxTokens as anthropicDefaultMaxTokens, thinkingBudget } from '../protocol/anthropic/encode-request.ts';
import { clientFormats } from '../protocol/formats.ts';
import type { WireFormat } from '../protocol/ir.ts';
import type { RequestFormat, RouteNeeds } from '../routing/needs.ts';
import type { Candidate, RoutePlan } from '../routing/router.ts';
import type { ReserveResult, Store } from '../store/store.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { fromMicroCents, toMicroCents, worstCaseCost } from './cost.ts';
import { modelAllowed } from './keys.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { RequestLedger } from './request-ledger.ts';

export interface AdmissionSettings {
  store: Store | null;
  limiter: RateLimiter;
  now: () => number;
}

/** Output tokens assumed for a reservation when neither the request nor the offer bounds them. */
const defaultMaxOutput = 4_096;

/** What a request asks for beyond its prompt, as far as its cost goes. */
export interface RequestShape {
  /** Answers asked for (Chat's `n`): each is billed. */
  choices: number;
  /** The prompt includes context stored at the provider (`previous_response_id`, `conversation`,
   * a stored `prompt`): its size is unknown here, so the whole context window is reserved. */
  storedContext: boolean;
  /** The client's format, and the thinking budget a translation to Anthropic would add to the
   * request's max tokens when they do not exceed it (null: it asks for none that would). */
  format: RequestFormat | null;
  thinkingBudget: number | null;
  /** Nothing is generated and nothing is charged (a token count). Such a call still draws one request
   * from the rate limit, since it still costs the gateway and the provider a call, but no tokens: a
   * client counting a prompt before sending it would otherwise spend its allowance on it twice, and
   * Anthropic limits its own token counting by requests alone. Budgets hold the least amount, so a
   * key with nothing left is refused, as a hard budget of $0 refuses everything. */
  free: boolean;
}

export function requestShape(format: RequestFormat, body: Record<string, unknown>): RequestShape {
  if (format === 'embeddings') return embeddingsShape;
  const facts = clientFormats[format];
  const reasoning = facts.reasoningAsked(body);
  return { choices: facts.choices(body), storedContext: facts.usesStoredContext(body), format, thinkingBudget: reasoning === null ? null : thinkingBudget(reasoning), free: false };
}

/** Embeddings: one vector per input, nothing stored at the provider. */
const embeddingsShape: RequestShape = Object.freeze({ choices: 1, storedContext: false, format: 'embeddings', thinkingBudget: null, free: false });

/** A token count's shape (see RequestShape.free). */
export const tokenCountShape: RequestShape = Object.freeze({ choices: 1, storedContext: false, format: null, thinkingBudget: null, free: true });

/**
 * Filters the plan to the key's models, takes its rate limits and reserves its worst case. Returns
 * headers for the answer (rate-limit state, a soft-budget warning). Throws the refusal.
 */
export function admit(ledger: RequestLedger, plan: RoutePlan, needs: RouteNeeds, shape: RequestShape, requested: string, settings: AdmissionSettings): Record<string, string> {
  const key = ledger.account.key;
  const headers: Record<string, string> = {};
  if (key === null) return headers;
  if (key.allowedModels.length > 0) {
    plan.candidates = plan.candidates.filter((candidate) => modelAllowed(key.allowedModels, candidate.target.publicId));
    if (plan.candidates.length === 0) {
      throw new GatewayError(`this key may not use "${requested}"; it may use: ${key.allowedModels.join(', ')}`, { status: 403, type: 'permission_error', code: 'model_not_allowed', param: 'model' });
    }
  }
  let taken: number | null = null;
  if (key.requestsPerMinute !== null || key.tokensPerMinute !== null) {
    const estimate = key.tokensPerMinute === null || shape.free ? 0 : needs.promptTokens + (needs.maxTokens ?? 0) * shape.choices;
    if (key.tokensPerMinute !== null && estimate > key.tokensPerMinute) {
      throw new GatewayError(`this request (an estimated ${estimate} tokens) is larger than the key's whole allowance of ${key.tokensPerMinute} tokens per minute, so it can never pass: lower max_tokens or shorten the prompt`, {
        status: 429,
        type: 'rate_limit_error',
        code: 'request_too_large',
      });
    }
    const decision = settings.limiter.take(key.id, { requestsPerMinute: key.requestsPerMinute, tokensPerMinute: key.tokensPerMinute }, estimate);
    Object.assign(headers, decision.headers);
    if (!decision.allowed) {
      const limit = decision.limitedBy === 'tokens' ? `${key.tokensPerMinute} tokens per minute (this request is estimated at ${estimate})` : `${key.requestsPerMinute} requests per minute`;
      throw new GatewayError(`rate limit reached for this key: ${limit}; retry after ${decision.retryAfterSeconds} s`, {
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        headers: { ...decision.headers, 'retry-after': String(decision.retryAfterSeconds) },
      });
    }
    ledger.estimatedTokens = estimate;
    taken = estimate;
  }
  if ((key.budget !== null || key.creditsUnits !== null) && settings.store !== null) {
    // Every candidate: breakers and fallbacks can send failover past the first few.
    const amount = shape.free ? 1 : reservationUnits(plan.candidates, needs, shape);
    const result = settings.store.reserve(key.id, amount, settings.now());
    if (!result.ok) {
      // Refused before going anywhere: the rate limit gets back what it counted for this call (and the
      // ledger has no estimate left to correct when the request settles).
      if (taken !== null) {
        Object.assign(headers, settings.limiter.release(key.id, taken));
        ledger.estimatedTokens = 0;
      }
      throw overBudget(result, shape.free ? null : amount, key.budget?.period ?? null, headers);
    }
    ledger.reservationId = result.reservationId;
    if (result.overSoftBudget) headers['x-modelmux-budget-warning'] = 'this key is over its soft budget';
  }
  return headers;
}

/**
 * The most the request can cost at any provider it may reach: its prompt at the dearest input price
 * plus its longest possible answers. The prompt is counted at the larger of the estimate and the
 * body's size in bytes (no token is shorter than a byte, whatever the script), up to the context
 * window. At least one unit, so a hard $0 budget refuses everything.
 */
function reservationUnits(candidates: Candidate[], needs: RouteNeeds, shape: RequestShape): number {
  const bounded = Math.max(needs.promptTokens, needs.promptTokensAtMost);
  let most = 0;
  for (const { offer } of candidates) {
    const window = offer.contextWindow;
    // Context the body does not show (stored at the provider, a document by URL) may fill the window.
    const unseen = shape.storedContext || needs.remoteDocuments;
    const prompt = unseen && window !== null ? window : window === null ? bounded : Math.min(bounded, window);
    const room = window === null ? defaultMaxOutput : Math.max(1, window - Math.min(prompt, needs.promptTokens));
    let output = needs.maxTokens ?? offer.maxOutput ?? room;
    // Translated to Anthropic, max_tokens are always sent (4,096 when the client named none), and a
    // thinking budget is added to them when they do not exceed it (anthropic/encode-request.ts):
    // the answer may take all of it. An Anthropic client's own request goes with its own.
    if (translatesToAnthropic(offer.provider.config.formats, shape.format)) {
      const sent = needs.maxTokens ?? anthropicDefaultMaxTokens;
      const budget = shape.thinkingBudget;
      output = Math.max(output, budget !== null && sent <= budget ? sent + budget : sent);
    }
    output *= shape.choices;
    most = Math.max(most, worstCaseCost(prompt, output, offer.prices) ?? 0);
  }
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, toMicroCents(most)));
}

/** The provider does not speak the client's format, and takes the request in Anthropic's. */
function translatesToAnthropic(formats: readonly WireFormat[], format: RequestFormat | null): boolean {
  return formats[0] === 'anthropic' && !(formats as readonly string[]).includes(format ?? '');
}

/** The 402. `amount` is what the request may cost; null for a free one. */
function overBudget(result: Extract<ReserveResult, { ok: false }>, amount: number | null, period: string | null, rateHeaders: Record<string, string>): GatewayError {
  const dollars = (units: number): string => `$${fromMicroCents(units).toFixed(units % 1_000_000 === 0 ? 2 : 6)}`;
  const inFlight = result.reservedUnits > 0 ? `, ${dollars(result.reservedUnits)} held by requests in flight` : '';
  const asked = amount === null ? 'this call is free, but a key with nothing left is refused every call' : `this request may cost up to ${dollars(amount)}`;
  const message =
    result.reason === 'credits'
      ? `insufficient credits: ${dollars(result.limitUnits)} left${inFlight}; ${asked}. Add credits${amount === null ? '' : ', or lower max_tokens'}.`
      : `budget exceeded: the limit is ${dollars(result.limitUnits)} ${period === 'total' ? 'in total' : `per ${period}`}, ${dollars(result.spentUnits)} is spent${inFlight}; ${asked}.${result.resetAt === null ? '' : ` The budget resets at ${new Date(result.resetAt).toISOString()}.`}`;
  const headers: Record<string, string> = {
    ...rateHeaders,
    'x-modelmux-budget-limit': fromMicroCents(result.limitUnits).toFixed(8),
    'x-modelmux-budget-spent': fromMicroCents(result.spentUnits).toFixed(8),
    'x-modelmux-budget-reserved': fromMicroCents(result.reservedUnits).toFixed(8),
  };
  if (result.resetAt !== null) headers['x-modelmux-budget-reset'] = new Date(result.resetAt).toISOString();
  return new GatewayError(message, { status: 402, type: 'insufficient_quota', code: result.reason === 'credits' ? 'insufficient_credits' : 'budget_exceeded', headers });
}
