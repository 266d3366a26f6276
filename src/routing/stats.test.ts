// Live statistics: the prior before data, convergence to what a provider does, fading back to the
// prior once it goes quiet, and the bound on tracked keys. A fake clock drives all decay.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveStats } from './stats.ts';

const prior = { ttftMs: 800, tokensPerSecond: 60, errorRate: 0.02, weight: 1 };

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => { time += ms; } };
}

function near(actual: number, expected: number, tolerance: number, message?: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message ?? 'value'}: expected ${expected} ± ${tolerance}, got ${actual}`);
}

// Long only as a suite: the block groups short tests, each a function of its own.
describe('LiveStats', () => {
  test('an unknown key gets the pure prior, with no samples and no last observation', () => {
    const stats = new LiveStats({ now: clock().now });
    assert.deepEqual(stats.get('openai/gpt'), { ...withoutWeight(prior), samples: 0, lastAt: null });
    const custom = new LiveStats({ prior: { ttftMs: 100, tokensPerSecond: 10, errorRate: 0.5, weight: 3 } });
    assert.equal(custom.get('x').ttftMs, 100);
    assert.equal(custom.get('x').errorRate, 0.5);
  });

  test('one observation blends with the prior by weight', () => {
    const time = clock();
    const stats = new LiveStats({ now: time.now });
    stats.record('a', { ok: true, ttftMs: 200, tokensPerSecond: 100 });
    const snapshot = stats.get('a');
    assert.equal(snapshot.ttftMs, (800 + 200) / 2);
    assert.equal(snapshot.tokensPerSecond, (60 + 100) / 2);
    assert.equal(snapshot.errorRate, 0.02 / 2);
    assert.equal(snapshot.samples, 1);
    assert.equal(snapshot.lastAt, time.now());
  });

  test('many observations converge to what the provider does', () => {
    const time = clock();
    const stats = new LiveStats({ now: time.now });
    for (let index = 0; index < 200; index++) {
      stats.record('a', { ok: true, ttftMs: 150, tokensPerSecond: 200 });
      time.advance(100);
    }
    const snapshot = stats.get('a');
    // Steady state: observations weigh 1 / (1 - 0.95) = 20 against the prior's 1, so within ~5%.
    near(snapshot.ttftMs, 150, 0.06 * (800 - 150), 'ttft');
    near(snapshot.tokensPerSecond, 200, 0.06 * (200 - 60), 'tokens per second');
    assert.ok(snapshot.errorRate < 0.002);
    assert.ok(snapshot.samples > 15 && snapshot.samples <= 20);
  });

  test('heavy traffic follows recent behaviour rather than the all-time average', () => {
    const stats = new LiveStats({ now: clock().now });
    for (let index = 0; index < 100; index++) stats.record('a', { ok: true, ttftMs: 100 });
    for (let index = 0; index < 100; index++) stats.record('a', { ok: true, ttftMs: 2_000 });
    assert.ok(stats.get('a').ttftMs > 1_800, 'the recent slowness should dominate');
  });

  test('after many half-lives a quiet key drifts back to the prior', () => {
    const time = clock();
    const stats = new LiveStats({ now: time.now, halfLifeMs: 1_000 });
    for (let index = 0; index < 50; index++) stats.record('a', { ok: false });
    assert.ok(stats.get('a').errorRate > 0.9);
    time.advance(1_000);
    const oneHalfLife = stats.get('a');
    assert.ok(oneHalfLife.errorRate > 0.85, 'one half-life leaves most of the evidence');
    near(oneHalfLife.samples, 20 * (1 - 0.95 ** 50) / 2, 1e-9, 'samples after one half-life');
    time.advance(30_000);
    const stale = stats.get('a');
    near(stale.errorRate, prior.errorRate, 1e-6, 'error rate');
    near(stale.ttftMs, prior.ttftMs, 1e-6, 'ttft');
    assert.ok(stale.samples < 1e-6);
    assert.equal(stale.lastAt, time.now() - 31_000, 'lastAt is the last observation, not the last read');
  });

  test('decay is applied on record as well: new data outweighs stale data', () => {
    const time = clock();
    const stats = new LiveStats({ now: time.now, halfLifeMs: 1_000 });
    for (let index = 0; index < 50; index++) stats.record('a', { ok: true, ttftMs: 5_000 });
    time.advance(20_000);
    stats.record('a', { ok: true, ttftMs: 100 });
    near(stats.get('a').ttftMs, (800 + 100) / 2, 1, 'ttft');
  });

  test('error rate counts every observation; figures only those that carry them', () => {
    const stats = new LiveStats({ now: clock().now, prior: { ...prior, weight: 0 }, sampleDecay: 1 });
    stats.record('a', { ok: true, ttftMs: 300, tokensPerSecond: 50 });
    stats.record('a', { ok: false });
    stats.record('a', { ok: false, ttftMs: null, tokensPerSecond: null });
    stats.record('a', { ok: true, ttftMs: 500 });
    const snapshot = stats.get('a');
    assert.equal(snapshot.errorRate, 0.5);
    assert.equal(snapshot.ttftMs, 400);
    assert.equal(snapshot.tokensPerSecond, 50);
    assert.equal(snapshot.samples, 4);
  });

  test('non-finite and negative measurements are ignored, the outcome still counts', () => {
    const stats = new LiveStats({ now: clock().now });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -5]) stats.record('a', { ok: true, ttftMs: bad, tokensPerSecond: bad });
    const snapshot = stats.get('a');
    assert.equal(snapshot.ttftMs, prior.ttftMs);
    assert.equal(snapshot.tokensPerSecond, prior.tokensPerSecond);
    assert.ok(snapshot.errorRate < prior.errorRate);
    assert.ok(snapshot.samples > 2);
  });

  test('reading does not change the figures', () => {
    const time = clock();
    const stats = new LiveStats({ now: time.now, halfLifeMs: 1_000 });
    stats.record('a', { ok: true, ttftMs: 100 });
    time.advance(500);
    const first = stats.get('a');
    assert.deepEqual(stats.get('a'), first);
    time.advance(500);
    stats.get('a');
    time.advance(-500);
    assert.deepEqual(stats.get('a'), first, 'a get in between must not have decayed the stored sums');
  });

  test('a clock stepping back decays nothing rather than inflating the weights', () => {
    const time = clock();
    const stats = new LiveStats({ now: time.now, sampleDecay: 1 });
    stats.record('a', { ok: true, ttftMs: 100 });
    time.advance(-60_000);
    assert.equal(stats.get('a').samples, 1);
    stats.record('a', { ok: true, ttftMs: 100 });
    assert.equal(stats.get('a').samples, 2);
  });

  test('keys are bounded: the least recently updated are forgotten', () => {
    const stats = new LiveStats({ now: clock().now, maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) stats.record(key, { ok: true, ttftMs: 100 });
    stats.get('a');
    stats.record('b', { ok: true, ttftMs: 100 });
    stats.record('d', { ok: true, ttftMs: 100 });
    assert.equal(stats.size, 3);
    assert.equal(stats.get('a').samples, 0, 'a was updated least recently (a read does not count)');
    for (const key of ['b', 'c', 'd']) assert.ok(stats.get(key).samples > 0, key);
  });

  test('nonsensical options are refused', () => {
    assert.throws(() => new LiveStats({ halfLifeMs: 0 }), RangeError);
    assert.throws(() => new LiveStats({ sampleDecay: 1.5 }), RangeError);
    assert.throws(() => new LiveStats({ maxKeys: 0 }), RangeError);
    assert.throws(() => new LiveStats({ prior: { ...prior, weight: -1 } }), RangeError);
  });
});

function withoutWeight(value: typeof prior): Omit<typeof prior, 'weight'> {
  const { weight: _weight, ...rest } = value;
  return rest;
}
