// What a call cost, in USD, from the usage the provider reported and the offer's prices; and the
// most it could cost, for reserving budget before the call. Ledger amounts are integers in units of
// 1e-8 USD (micro-cents), so sums in storage add up exactly, whatever the order.
import type { Prices } from '../catalog/types.ts';
import type { Usage } from '../protocol/ir.ts';
import type { TokenCounts } from '../store/store.ts';

export interface CostBreakdown {
  /** Prompt tokens neither read from nor written to a cache. */
  input: number;
  cachedInput: number;
  cacheWrite: number;
  /** Reasoning included: it is part of outputTokens. */
  output: number;
  total: number;
}

const tokensPerPriceUnit = 1_000_000;
const microCentsPerUsd = 100_000_000;

/** USD for a call's usage at the given prices. Uncached input = inputTokens - cachedInputTokens - cacheWriteTokens (never below 0); cached input at prices.cachedInput ?? prices.input; cache writes at prices.cacheWrite ?? prices.input; output (reasoning included, it is part of outputTokens) at prices.output. Null prices → null.
 * Cached and cache-written tokens are charged as reported even when they add up to more than
 * inputTokens (a provider's inconsistency): the caller is never charged for fewer tokens than the
 * provider billed. */
export function costOf(usage: Usage, prices: Prices | null): CostBreakdown | null {
  if (prices === null) return null;
  const inputTokens = tokenCount(usage.inputTokens);
  const cachedTokens = tokenCount(usage.cachedInputTokens);
  const cacheWriteTokens = tokenCount(usage.cacheWriteTokens);
  const uncachedTokens = Math.max(0, inputTokens - cachedTokens - cacheWriteTokens);
  const input = priced(uncachedTokens, prices.input);
  const cachedInput = priced(cachedTokens, prices.cachedInput ?? prices.input);
  const cacheWrite = priced(cacheWriteTokens, prices.cacheWrite ?? prices.input);
  const output = priced(tokenCount(usage.outputTokens), prices.output);
  return { input, cachedInput, cacheWrite, output, total: input + cachedInput + cacheWrite + output };
}

/** Worst case before the call, for budget reservations: promptTokens at the input price plus maxOutputTokens at the output price.
 * "The input price" is the dearest price a prompt token can be billed at: a prompt written to a
 * cache costs more than plain input (Anthropic: 1.25x), and a reservation below the real cost
 * would let a budget be overspent. */
export function worstCaseCost(promptTokens: number, maxOutputTokens: number, prices: Prices | null): number | null {
  if (prices === null) return null;
  const dearestInput = Math.max(prices.input, prices.cachedInput ?? prices.input, prices.cacheWrite ?? prices.input);
  return priced(tokenCount(promptTokens), dearestInput) + priced(tokenCount(maxOutputTokens), prices.output);
}

/** Adds one row's token counts and cost into a running total. */
export function addCounts(total: TokenCounts, counts: TokenCounts): void {
  total.inputTokens += counts.inputTokens;
  total.cachedInputTokens += counts.cachedInputTokens;
  total.cacheWriteTokens += counts.cacheWriteTokens;
  total.outputTokens += counts.outputTokens;
  total.reasoningTokens += counts.reasoningTokens;
  total.costUnits += counts.costUnits;
}

/** USD as an integer count of 1e-8 USD (micro-cents), rounded to the nearest. At that grain one
 * token at $0.01 per million is still one unit, and 2^53 units are some 90 million USD. */
export function toMicroCents(usd: number): number {
  if (!Number.isFinite(usd)) throw new RangeError(`not a USD amount: ${usd}`);
  // Rounds halves away from zero, so a refund rounds exactly as the charge it undoes.
  const units = Math.sign(usd) * Math.round(Math.abs(usd) * microCentsPerUsd);
  return units === 0 ? 0 : units;
}

/** USD from an integer count of 1e-8 USD, for display and for comparing with prices. */
export function fromMicroCents(microCents: number): number {
  return microCents / microCentsPerUsd;
}

function priced(tokens: number, pricePerMillion: number): number {
  return (tokens * pricePerMillion) / tokensPerPriceUnit;
}

/** A count a provider reported; a missing, negative or non-numeric one counts as none. */
function tokenCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
