// Circuit breakers: when they open, the single probe after a cooldown, the cooldown doubling after
// failed probes up to its cap, closing on success, and the bound on tracked keys. A fake clock
// stands in for time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Breakers } from './breaker.ts';
import type { BreakerOptions } from './breaker.ts';

function setup(options: BreakerOptions = {}): { breakers: Breakers; advance: (ms: number) => void; now: () => number } {
  let time = 5_000_000;
  const now = () => time;
  return { breakers: new Breakers({ now, ...options }), advance: (ms) => { time += ms; }, now };
}

// Long only as a suite: the block groups short tests, each a function of its own.
describe('Breakers', () => {
  test('an unknown key is closed and lets requests through', () => {
    const { breakers } = setup();
    assert.deepEqual(breakers.status('a'), { state: 'closed', failures: 0, cooldownMs: 1_000, retryAt: null });
    assert.equal(breakers.available('a'), true);
    assert.equal(breakers.allow('a'), true);
    assert.equal(breakers.allow('a'), true, 'closed lets every request through, not just one');
  });

  test('by default one failure opens the breaker for one cooldown', () => {
    const { breakers, advance, now } = setup();
    breakers.failure('a');
    assert.deepEqual(breakers.status('a'), { state: 'open', failures: 1, cooldownMs: 1_000, retryAt: now() + 1_000 });
    assert.equal(breakers.available('a'), false);
    assert.equal(breakers.allow('a'), false);
    advance(999);
    assert.equal(breakers.allow('a'), false);
    advance(1);
    assert.equal(breakers.available('a'), true);
  });

  test('a higher threshold opens only after that many consecutive failures', () => {
    const { breakers } = setup({ failureThreshold: 3 });
    breakers.failure('a');
    breakers.failure('a');
    assert.equal(breakers.status('a').state, 'closed');
    assert.equal(breakers.status('a').failures, 2);
    assert.equal(breakers.allow('a'), true);
    breakers.success('a');
    breakers.failure('a');
    breakers.failure('a');
    assert.equal(breakers.status('a').state, 'closed', 'a success in between resets the count');
    breakers.failure('a');
    assert.equal(breakers.status('a').state, 'open');
  });

  test('a fatal failure opens at once, whatever the threshold', () => {
    const { breakers } = setup({ failureThreshold: 5 });
    breakers.failure('a', { fatal: true });
    assert.equal(breakers.status('a').state, 'open');
    assert.equal(breakers.allow('a'), false);
  });

  test('a retry-after opens at once, for at least that long', () => {
    const { breakers, advance, now } = setup({ failureThreshold: 5 });
    breakers.failure('a', { retryAfterMs: 30_000, fatal: false });
    assert.equal(breakers.status('a').state, 'open');
    assert.equal(breakers.status('a').retryAt, now() + 30_000);
    advance(29_999);
    assert.equal(breakers.allow('a'), false);
    advance(1);
    assert.equal(breakers.allow('a'), true);
    breakers.failure('b', { retryAfterMs: 10 });
    assert.equal(breakers.status('b').retryAt, now() + 1_000, 'a short retry-after still waits the cooldown');
  });

  test('a nonsense retry-after counts as absent', () => {
    const { breakers } = setup({ failureThreshold: 2 });
    breakers.failure('a', { retryAfterMs: Number.NaN });
    breakers.failure('b', { retryAfterMs: -1 });
    breakers.failure('c', { retryAfterMs: null });
    for (const key of ['a', 'b', 'c']) assert.equal(breakers.status(key).state, 'closed', key);
  });

  test('a due breaker lets exactly one probe through (half-open)', () => {
    const { breakers, advance, now } = setup();
    breakers.failure('a');
    advance(1_000);
    assert.equal(breakers.allow('a'), true);
    assert.deepEqual(breakers.status('a'), { state: 'half-open', failures: 1, cooldownMs: 1_000, retryAt: now() + 1_000 });
    assert.equal(breakers.allow('a'), false, 'a second request while the probe is out is held back');
    assert.equal(breakers.available('a'), false);
  });

  test('a hung probe does not block the key for ever: another goes one cooldown later', () => {
    const { breakers, advance } = setup();
    breakers.failure('a');
    advance(1_000);
    assert.equal(breakers.allow('a'), true);
    advance(999);
    assert.equal(breakers.allow('a'), false);
    advance(1);
    assert.equal(breakers.allow('a'), true);
    assert.equal(breakers.status('a').cooldownMs, 1_000, 'no answer is not a failure: the cooldown stays');
  });

  test('a failed probe reopens with the cooldown doubled, up to the cap', () => {
    const { breakers, advance, now } = setup({ cooldownMs: 1_000, maxCooldownMs: 5_000 });
    breakers.failure('a');
    const cooldowns: number[] = [];
    for (let round = 0; round < 5; round++) {
      advance(breakers.status('a').retryAt! - now());
      assert.equal(breakers.allow('a'), true);
      breakers.failure('a');
      const status = breakers.status('a');
      assert.equal(status.state, 'open');
      assert.equal(status.retryAt, now() + status.cooldownMs);
      cooldowns.push(status.cooldownMs);
    }
    assert.deepEqual(cooldowns, [2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  test('a failed probe with a retry-after waits for the longer of the two', () => {
    const { breakers, advance, now } = setup();
    breakers.failure('a');
    advance(1_000);
    breakers.allow('a');
    breakers.failure('a', { retryAfterMs: 10_000 });
    assert.equal(breakers.status('a').retryAt, now() + 10_000);
    assert.equal(breakers.status('a').cooldownMs, 2_000);
  });

  test('failures of requests sent before the breaker opened do not push the probe back', () => {
    const { breakers, advance, now } = setup();
    breakers.failure('a');
    const retryAt = breakers.status('a').retryAt;
    advance(500);
    breakers.failure('a');
    breakers.failure('a', { fatal: true });
    assert.equal(breakers.status('a').retryAt, retryAt);
    assert.equal(breakers.status('a').cooldownMs, 1_000);
    assert.equal(breakers.status('a').failures, 3);
    breakers.failure('a', { retryAfterMs: 20_000 });
    assert.equal(breakers.status('a').retryAt, now() + 20_000, 'unless the provider asks for longer');
  });

  test('success closes the breaker and resets failures and cooldown', () => {
    const { breakers, advance } = setup();
    breakers.failure('a');
    for (let round = 0; round < 3; round++) {
      advance(60_000);
      breakers.allow('a');
      breakers.failure('a');
    }
    assert.equal(breakers.status('a').cooldownMs, 8_000);
    advance(60_000);
    assert.equal(breakers.allow('a'), true);
    breakers.success('a');
    assert.deepEqual(breakers.status('a'), { state: 'closed', failures: 0, cooldownMs: 1_000, retryAt: null });
    assert.equal(breakers.allow('a'), true);
    breakers.failure('a');
    assert.equal(breakers.status('a').cooldownMs, 1_000, 'the next outage starts from the first cooldown');
  });

  test('once its cooldown has passed, an open breaker shows as half-open: due for a probe', () => {
    const { breakers, advance, now } = setup();
    breakers.failure('a');
    advance(1_000);
    assert.deepEqual(breakers.status('a'), { state: 'half-open', failures: 1, cooldownMs: 1_000, retryAt: now() });
    assert.equal(breakers.available('a'), true);
  });

  test('available has no side effects', () => {
    const { breakers, advance } = setup({ maxKeys: 2 });
    breakers.failure('a');
    advance(1_000);
    const before = breakers.status('a');
    for (let index = 0; index < 5; index++) assert.equal(breakers.available('a'), true);
    assert.deepEqual(breakers.status('a'), before);
    assert.equal(breakers.allow('a'), true, 'the probe is still there to take');
    // Nor does it count as a touch for the key bound.
    breakers.failure('b');
    breakers.available('a');
    breakers.failure('c');
    assert.equal(breakers.status('a').failures, 0, 'a was forgotten: available did not refresh it');
  });

  test('keys are bounded: the least recently touched are forgotten', () => {
    const { breakers } = setup({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) breakers.failure(key);
    breakers.failure('a');
    breakers.failure('d');
    assert.equal(breakers.size, 3);
    assert.equal(breakers.status('b').state, 'closed', 'b was touched least recently');
    for (const key of ['a', 'c', 'd']) assert.equal(breakers.status(key).state, 'open', key);
    breakers.success('a');
    assert.equal(breakers.size, 2, 'a closed breaker holds no memory');
  });

  test('nonsensical options are refused', () => {
    assert.throws(() => new Breakers({ failureThreshold: 0 }), RangeError);
    assert.throws(() => new Breakers({ cooldownMs: -1 }), RangeError);
    assert.throws(() => new Breakers({ cooldownMs: 5_000, maxCooldownMs: 1_000 }), RangeError);
    assert.throws(() => new Breakers({ maxKeys: 0 }), RangeError);
  });
});
