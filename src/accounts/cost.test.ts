// Costs against figures worked out by hand: OpenAI-style cached discounts, Anthropic's dearer cache
// writes and cheap cache reads, reasoning counted once, inconsistent usage, and worst-case
// reservations. Amounts are compared in micro-cents, where hand figures are exact integers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Prices } from '../catalog/types.ts';
import type { Usage } from '../protocol/ir.ts';
import { costOf, fromMicroCents, toMicroCents, worstCaseCost } from './cost.ts';
import type { CostBreakdown } from './cost.ts';

/** gpt-4.1: $2 in, $0.50 cached, $8 out per million. */
const openAiPrices: Prices = { input: 2, output: 8, cachedInput: 0.5, cacheWrite: null };
/** Claude Sonnet: $3 in, $15 out; cache writes 1.25x ($3.75), cache reads 0.1x ($0.30). */
const anthropicPrices: Prices = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
const plainPrices: Prices = { input: 1, output: 4, cachedInput: null, cacheWrite: null };

function usage(fields: Partial<Usage>): Usage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...fields };
}

/** The breakdown in micro-cents, so hand figures compare exactly. */
function inMicroCents(cost: CostBreakdown | null): Record<keyof CostBreakdown, number> | null {
  if (cost === null) return null;
  return {
    input: toMicroCents(cost.input),
    cachedInput: toMicroCents(cost.cachedInput),
    cacheWrite: toMicroCents(cost.cacheWrite),
    output: toMicroCents(cost.output),
    total: toMicroCents(cost.total),
  };
}

describe('costOf', () => {
  test('OpenAI-style cached discount', () => {
    // 4,000 uncached x $2 = $0.008; 6,000 cached x $0.50 = $0.003; 500 out x $8 = $0.004.
    const cost = costOf(usage({ inputTokens: 10_000, cachedInputTokens: 6_000, outputTokens: 500 }), openAiPrices);
    assert.deepEqual(inMicroCents(cost), { input: 800_000, cachedInput: 300_000, cacheWrite: 0, output: 400_000, total: 1_500_000 });
  });

  test('Anthropic cache write at 1.25x and cache read at 0.1x', () => {
    // 1,000 uncached x $3 = $0.003; 5,000 read x $0.30 = $0.0015; 4,000 written x $3.75 = $0.015;
    // 1,000 out x $15 = $0.015; total $0.0345.
    const cost = costOf(
      usage({ inputTokens: 10_000, cachedInputTokens: 5_000, cacheWriteTokens: 4_000, outputTokens: 1_000 }),
      anthropicPrices,
    );
    assert.deepEqual(inMicroCents(cost), { input: 300_000, cachedInput: 150_000, cacheWrite: 1_500_000, output: 1_500_000, total: 3_450_000 });
  });

  test('reasoning tokens are part of the output and not counted again', () => {
    // 1,000 out (800 of them reasoning) x $8 = $0.008.
    const cost = costOf(usage({ outputTokens: 1_000, reasoningTokens: 800 }), openAiPrices);
    assert.equal(toMicroCents(cost!.output), 800_000);
    assert.equal(toMicroCents(cost!.total), 800_000);
  });

  test('no cached or cache-write price means those tokens cost plain input', () => {
    // 10,000 prompt tokens at $1, however they split; 100 out x $4 = $0.0004.
    const cost = costOf(
      usage({ inputTokens: 10_000, cachedInputTokens: 3_000, cacheWriteTokens: 2_000, outputTokens: 100 }),
      plainPrices,
    );
    assert.deepEqual(inMicroCents(cost), { input: 500_000, cachedInput: 300_000, cacheWrite: 200_000, output: 40_000, total: 1_040_000 });
  });

  test('cached tokens beyond inputTokens leave uncached input at zero and are still charged', () => {
    // 150 cached x $0.50 = $0.000075; nothing uncached.
    const cost = costOf(usage({ inputTokens: 100, cachedInputTokens: 150 }), openAiPrices);
    assert.deepEqual(inMicroCents(cost), { input: 0, cachedInput: 7_500, cacheWrite: 0, output: 0, total: 7_500 });
  });

  test('zero usage costs nothing', () => {
    assert.deepEqual(costOf(usage({}), anthropicPrices), { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, total: 0 });
  });

  test('negative or non-numeric counts count as none', () => {
    const cost = costOf(usage({ inputTokens: -5, outputTokens: Number.NaN, cachedInputTokens: -1 }), openAiPrices);
    assert.deepEqual(cost, { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, total: 0 });
  });

  test('unknown prices give null', () => {
    assert.equal(costOf(usage({ inputTokens: 10, outputTokens: 10 }), null), null);
  });
});

describe('worstCaseCost', () => {
  test('prompt at the input price plus the whole output allowance', () => {
    // 1,000 x $2 + 500 x $8 = $0.006.
    assert.equal(toMicroCents(worstCaseCost(1_000, 500, openAiPrices)!), 600_000);
  });

  test('prices the prompt at the cache-write price when that is dearer than input', () => {
    // 1,000 x $3.75 + 500 x $15 = $0.01125: the prompt might all be written to the cache.
    assert.equal(toMicroCents(worstCaseCost(1_000, 500, anthropicPrices)!), 1_125_000);
  });

  test('is never below the cost of any usage within its bounds', () => {
    const worst = worstCaseCost(10_000, 1_000, anthropicPrices)!;
    for (const split of [
      usage({ inputTokens: 10_000, outputTokens: 1_000 }),
      usage({ inputTokens: 10_000, cacheWriteTokens: 10_000, outputTokens: 1_000 }),
      usage({ inputTokens: 10_000, cachedInputTokens: 9_000, outputTokens: 1_000, reasoningTokens: 900 }),
    ]) {
      assert.ok(costOf(split, anthropicPrices)!.total <= worst);
    }
  });

  test('unknown prices give null; zero tokens cost nothing', () => {
    assert.equal(worstCaseCost(1_000, 500, null), null);
    assert.equal(worstCaseCost(0, 0, openAiPrices), 0);
  });
});

describe('micro-cents', () => {
  test('are integers in units of 1e-8 USD, round trip', () => {
    assert.equal(toMicroCents(1), 100_000_000);
    assert.equal(toMicroCents(0.015), 1_500_000);
    assert.equal(toMicroCents(0.000_000_01), 1);
    assert.equal(toMicroCents(0.000_000_004), 0, 'below half a unit rounds away');
    assert.equal(fromMicroCents(1_500_000), 0.015);
  });

  test('sum exactly where USD floats do not', () => {
    assert.notEqual(0.1 + 0.2, 0.3);
    assert.equal(toMicroCents(0.1) + toMicroCents(0.2), toMicroCents(0.3));
    let total = 0;
    for (let index = 0; index < 1_000; index++) total += toMicroCents(0.000_123_45);
    assert.equal(total, 12_345_000);
  });

  test('a refund rounds as the charge it undoes, and zero is never negative', () => {
    for (const amount of [0.000_000_015, 0.123_456_789, 2.5e-8, 7.777e-5]) {
      assert.equal(toMicroCents(-amount), -toMicroCents(amount));
    }
    assert.ok(Object.is(toMicroCents(-1e-12), 0));
  });

  test('refuses amounts that are not numbers', () => {
    assert.throws(() => toMicroCents(Number.NaN), RangeError);
    assert.throws(() => toMicroCents(Number.POSITIVE_INFINITY), RangeError);
  });
});
