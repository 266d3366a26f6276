// Rate limits per key: each limit at its edge, refilling over time, corrections after the call,
// a request bigger than the whole limit, unlimited keys, the bound on tracked keys, and OpenAI's
// headers. A fake clock stands in for time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateLimiter } from './rate-limit.ts';
import type { RateLimiterOptions, RateLimits } from './rate-limit.ts';

function setup(options: RateLimiterOptions = {}): { limiter: RateLimiter; advance: (ms: number) => void } {
  let time = 1_700_000_000_000;
  return { limiter: new RateLimiter({ now: () => time, ...options }), advance: (ms) => { time += ms; } };
}

const fiveRequests: RateLimits = { requestsPerMinute: 5, tokensPerMinute: null };
const thousandTokens: RateLimits = { requestsPerMinute: null, tokensPerMinute: 1_000 };

describe('RateLimiter requests per minute', () => {
  test('exactly the limit is allowed at once, the next is refused with a sane wait', () => {
    const { limiter } = setup();
    for (let index = 0; index < 5; index++) assert.equal(limiter.take('key', fiveRequests, 0).allowed, true, `request ${index + 1}`);
    const refused = limiter.take('key', fiveRequests, 0);
    assert.equal(refused.allowed, false);
    assert.equal(refused.limitedBy, 'requests');
    assert.equal(refused.retryAfterSeconds, 12, 'one request refills every 12 seconds');
  });

  test('refills continuously: one request after its share of the minute, all after a minute', () => {
    const { limiter, advance } = setup();
    for (let index = 0; index < 5; index++) limiter.take('key', fiveRequests, 0);
    advance(11_999);
    const early = limiter.take('key', fiveRequests, 0);
    assert.equal(early.allowed, false);
    assert.equal(early.retryAfterSeconds, 1);
    advance(1);
    assert.equal(limiter.take('key', fiveRequests, 0).allowed, true);
    assert.equal(limiter.take('key', fiveRequests, 0).allowed, false);
    advance(60_000);
    for (let index = 0; index < 5; index++) assert.equal(limiter.take('key', fiveRequests, 0).allowed, true);
    assert.equal(limiter.take('key', fiveRequests, 0).allowed, false);
  });

  test('waiting exactly the advertised time is always enough', () => {
    const { limiter, advance } = setup();
    const sevenRequests: RateLimits = { requestsPerMinute: 7, tokensPerMinute: null };
    for (let round = 0; round < 50; round++) {
      let decision = limiter.take('key', sevenRequests, 0);
      while (decision.allowed) decision = limiter.take('key', sevenRequests, 0);
      advance(decision.retryAfterSeconds * 1_000);
      assert.equal(limiter.take('key', sevenRequests, 0).allowed, true, `round ${round}`);
    }
  });

  test('within any minute a key never gets more than twice its limit', () => {
    const { limiter, advance } = setup();
    const allowedAt: number[] = [];
    for (let second = 0; second < 300; second++) {
      while (limiter.take('key', fiveRequests, 0).allowed) allowedAt.push(second);
      advance(1_000);
    }
    for (let start = 0; start < 240; start++) {
      const inWindow = allowedAt.filter((second) => second >= start && second < start + 60).length;
      assert.ok(inWindow <= 10, `${inWindow} requests in the minute from second ${start}`);
    }
    assert.equal(allowedAt.length, 5 + Math.floor(299 / 12), 'a full minute at once, then one every 12 seconds');
  });

  test('keys are limited independently', () => {
    const { limiter } = setup();
    for (let index = 0; index < 5; index++) limiter.take('one', fiveRequests, 0);
    assert.equal(limiter.take('one', fiveRequests, 0).allowed, false);
    assert.equal(limiter.take('two', fiveRequests, 0).allowed, true);
  });
});

describe('RateLimiter tokens per minute', () => {
  test('exactly the limit is allowed, one more token is refused', () => {
    const { limiter } = setup();
    assert.equal(limiter.take('key', thousandTokens, 400).allowed, true);
    assert.equal(limiter.take('key', thousandTokens, 600).allowed, true);
    const refused = limiter.take('key', thousandTokens, 1);
    assert.equal(refused.allowed, false);
    assert.equal(refused.limitedBy, 'tokens');
    assert.equal(refused.retryAfterSeconds, 1);
    const bigger = limiter.take('key', thousandTokens, 500);
    assert.equal(bigger.retryAfterSeconds, 30, 'half the limit refills in half a minute');
  });

  test('a refused request counts nothing', () => {
    const { limiter, advance } = setup();
    const both: RateLimits = { requestsPerMinute: 5, tokensPerMinute: 1_000 };
    limiter.take('key', both, 900);
    assert.equal(limiter.take('key', both, 200).allowed, false);
    advance(6_000);
    const decision = limiter.take('key', both, 200);
    assert.equal(decision.allowed, true);
    assert.equal(decision.headers['x-ratelimit-remaining-requests'], '3');
  });

  test('a correction down gives the difference back', () => {
    const { limiter } = setup();
    limiter.take('key', thousandTokens, 1_000);
    limiter.correct('key', 1_000, 200);
    assert.equal(limiter.take('key', thousandTokens, 800).allowed, true);
    assert.equal(limiter.take('key', thousandTokens, 1).allowed, false);
  });

  test('a correction up puts the key in debt, which it waits out', () => {
    const { limiter, advance } = setup();
    limiter.take('key', thousandTokens, 100);
    limiter.correct('key', 100, 2_500);
    const refused = limiter.take('key', thousandTokens, 1);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 91, '1,501 tokens over, at 1,000 a minute');
    assert.equal(refused.headers['x-ratelimit-remaining-tokens'], '0');
    assert.equal(refused.headers['x-ratelimit-reset-tokens'], '2m30s');
    advance(91_000);
    assert.equal(limiter.take('key', thousandTokens, 1).allowed, true);
  });

  test('corrections for an untracked key or one without a token limit change nothing', () => {
    const { limiter } = setup();
    limiter.correct('never-seen', 0, 5_000);
    assert.equal(limiter.size, 0);
    limiter.take('key', fiveRequests, 100);
    limiter.correct('key', 100, 5_000);
    assert.equal(limiter.take('key', { requestsPerMinute: 5, tokensPerMinute: 1_000 }, 1_000).allowed, true);
  });

  test('a request above the whole limit is refused with a one-minute wait, not forever', () => {
    const { limiter } = setup();
    const both: RateLimits = { requestsPerMinute: 5, tokensPerMinute: 1_000 };
    const refused = limiter.take('key', both, 1_001);
    assert.equal(refused.allowed, false);
    assert.equal(refused.limitedBy, 'tokens');
    assert.equal(refused.retryAfterSeconds, 60);
    assert.equal(refused.headers['x-ratelimit-remaining-requests'], '5', 'the refused request was not counted');
  });

  test('when both limits refuse, the longer wait is reported', () => {
    const { limiter } = setup();
    const both: RateLimits = { requestsPerMinute: 1, tokensPerMinute: 1_000 };
    limiter.take('key', both, 100);
    const refused = limiter.take('key', both, 1_000);
    assert.equal(refused.limitedBy, 'requests');
    assert.equal(refused.retryAfterSeconds, 60);
    const roomier: RateLimits = { requestsPerMinute: 2, tokensPerMinute: 1_000 };
    assert.equal(limiter.take('other', roomier, 100).allowed, true);
    assert.equal(limiter.take('other', roomier, 1_001).limitedBy, 'tokens');
  });
});

describe('RateLimiter limits and keys', () => {
  test('null limits are unlimited and keep no state', () => {
    const { limiter } = setup();
    const none: RateLimits = { requestsPerMinute: null, tokensPerMinute: null };
    for (let index = 0; index < 10_000; index++) {
      assert.deepEqual(limiter.take('key', none, 1_000_000), { allowed: true, retryAfterSeconds: 0, headers: {}, limitedBy: null });
    }
    assert.equal(limiter.size, 0);
  });

  test('only the limits a key has are reported', () => {
    const { limiter } = setup();
    assert.deepEqual(Object.keys(limiter.take('key', fiveRequests, 10).headers), [
      'x-ratelimit-limit-requests',
      'x-ratelimit-remaining-requests',
      'x-ratelimit-reset-requests',
    ]);
  });

  test('headers in OpenAI format', () => {
    const { limiter } = setup();
    const both: RateLimits = { requestsPerMinute: 5, tokensPerMinute: 1_000 };
    assert.deepEqual(limiter.take('key', both, 250).headers, {
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '4',
      'x-ratelimit-reset-requests': '12s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '750',
      'x-ratelimit-reset-tokens': '15s',
    });
  });

  test('a changed limit applies at once, to the use already counted', () => {
    const { limiter } = setup();
    for (let index = 0; index < 3; index++) limiter.take('key', fiveRequests, 0);
    assert.equal(limiter.take('key', { requestsPerMinute: 3, tokensPerMinute: null }, 0).allowed, false);
    assert.equal(limiter.take('key', { requestsPerMinute: 10, tokensPerMinute: null }, 0).allowed, true);
  });

  test('a zero limit refuses everything with a one-minute wait', () => {
    const { limiter } = setup();
    const refused = limiter.take('key', { requestsPerMinute: 0, tokensPerMinute: null }, 0);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 60);
  });

  test('forgets the least recently active keys beyond maxKeys', () => {
    const { limiter } = setup({ maxKeys: 2 });
    const one: RateLimits = { requestsPerMinute: 1, tokensPerMinute: null };
    limiter.take('a', one, 0);
    limiter.take('b', one, 0);
    assert.equal(limiter.take('a', one, 0).allowed, false, 'a is still tracked, and now most recent');
    limiter.take('c', one, 0);
    assert.equal(limiter.size, 2);
    assert.equal(limiter.take('a', one, 0).allowed, false, 'a was kept');
    assert.equal(limiter.take('b', one, 0).allowed, true, 'b was forgotten, and its use with it');
  });

  test('a clock stepping back refills nothing', () => {
    const { limiter, advance } = setup();
    for (let index = 0; index < 5; index++) limiter.take('key', fiveRequests, 0);
    advance(-30_000);
    assert.equal(limiter.take('key', fiveRequests, 0).allowed, false);
    advance(30_000 + 12_000);
    assert.equal(limiter.take('key', fiveRequests, 0).allowed, true);
  });

  test('refuses invalid limits and bounds', () => {
    const { limiter } = setup();
    assert.throws(() => limiter.take('key', { requestsPerMinute: -1, tokensPerMinute: null }, 0), RangeError);
    assert.throws(() => limiter.take('key', { requestsPerMinute: null, tokensPerMinute: Number.NaN }, 0), RangeError);
    assert.throws(() => new RateLimiter({ maxKeys: 0 }), RangeError);
    assert.throws(() => new RateLimiter({ maxKeys: 1.5 }), RangeError);
  });
});
