// The pricing read of a compared answer: the price per 1M tokens of the offer that answered it (the
// provider named by x-modelmux-provider), and sums of costs that stay honest when a cost is unknown.
import type { Router } from '../routing/router.ts';
import { statedNeeds } from '../routing/needs.ts';

export interface Pricing {
  /** USD per 1M tokens. */
  inputPerMillion: number;
  outputPerMillion: number;
}

/** The price of `model` at `provider` (or, when no provider answered, at the first provider routing
 * would try); null when the catalog and config give none (a local model, a fusion, a guessed name). */
export function pricingOf(router: Router, model: string, provider: string | null): Pricing | null {
  const plan = router.plan({ model, fallbacks: [], preferences: null, needs: statedNeeds({}), commercialUse: false, stickyKey: () => null });
  const candidate = provider === null ? plan.candidates[0] : plan.candidates.find((entry) => entry.offer.provider.id === provider);
  const prices = candidate?.offer.prices;
  return prices ? { inputPerMillion: prices.input, outputPerMillion: prices.output } : null;
}

/** What tokens at these prices cost, USD; null without both. */
export function estimatedCost(pricing: Pricing | null, usage: { inputTokens: number; outputTokens: number } | null): number | null {
  if (pricing === null || usage === null) return null;
  return (usage.inputTokens * pricing.inputPerMillion + usage.outputTokens * pricing.outputPerMillion) / 1e6;
}

export interface CostSum {
  /** The sum of the known costs; null when none is known. */
  usd: number | null;
  /** Some cost that should be there is unknown, so `usd` is a lower bound. */
  partial: boolean;
}

/** Sums costs where null means unknown: the known part, flagged partial when something is missing. */
export function sumCosts(costs: readonly (number | null)[]): CostSum {
  const known = costs.filter((cost): cost is number => cost !== null);
  return { usd: known.length === 0 ? null : roundUsd(known.reduce((sum, cost) => sum + cost, 0)), partial: known.length < costs.length };
}

/** To the 1e-8 USD the ledger counts in, so float sums do not print as 0.30000000000000004. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}
