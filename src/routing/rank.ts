// Orders the offers that may take a request. "Fastest" is measured (decayed live figures, a prior
// before data); near-equal figures count as a tie, broken on price, so providers a few percent apart
// do not flip order on noise.
import type { Offer } from './catalog.ts';
import type { RouteSort } from './config.ts';
import type { StatsSnapshot } from './stats.ts';

export interface Figures extends StatsSnapshot {
  /** USD per 1M tokens, input and output blended 3:1 (a typical chat's mix); null: unknown. */
  price: number | null;
}

export interface Ranked {
  offer: Offer;
  figures: Figures;
}

/** Figures within this factor of each other tie. */
const tieFactor = 1.1;

export function blendedPrice(offer: Offer): number | null {
  return offer.prices ? (3 * offer.prices.input + offer.prices.output) / 4 : null;
}

/** Sorts in place (stable): best first. `order` keeps the given order. */
export function rank(items: Ranked[], sort: RouteSort): Ranked[] {
  if (sort === 'order' || items.length < 2) return items;
  const price = (item: Ranked): number => item.figures.price ?? Number.POSITIVE_INFINITY;
  if (sort === 'price') return items.sort((a, b) => price(a) - price(b) || bucket(expectedSeconds(a)) - bucket(expectedSeconds(b)));
  const measure = sort === 'throughput' ? (item: Ranked) => -item.figures.tokensPerSecond * (1 - item.figures.errorRate) : (item: Ranked) => item.figures.ttftMs / Math.max(0.05, 1 - item.figures.errorRate);
  return items.sort((a, b) => bucketSigned(measure(a)) - bucketSigned(measure(b)) || price(a) - price(b));
}

/** Seconds for a typical answer (first token, then 500 tokens): the tie-break of a price sort. */
function expectedSeconds(item: Ranked): number {
  return item.figures.ttftMs / 1000 + 500 / Math.max(1, item.figures.tokensPerSecond);
}

function bucket(value: number): number {
  return value <= 0 ? 0 : Math.round(Math.log(value) / Math.log(tieFactor));
}

function bucketSigned(value: number): number {
  return value < 0 ? -bucket(-value) : bucket(value);
}
