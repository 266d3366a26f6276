// Requests and tokens per minute per virtual key. Each limit is a token bucket (kept as a leaky
// bucket of use): it holds one minute's allowance, every request draws from it, and it refills
// continuously at the limit per minute. Chosen over a sliding-window counter because it is exact
// rather than an estimate, needs two numbers per limit, gives a precise wait for a refused request,
// and takes corrections naturally: use can rise above the allowance (a call that ran over its
// estimate), and the key then waits that debt out. Within any minute a key gets at most its
// allowance plus what refills meanwhile: twice the limit when it bursts, the usual edge effect.
// The estimate is counted when the call starts, so concurrent calls cannot all slip under the limit.
import { formatDuration } from './duration.ts';

export interface RateLimits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a request would be allowed (when refused); 0 when allowed. */
  retryAfterSeconds: number;
  /** For the standard headers x-ratelimit-limit-requests / -remaining-requests / -reset-requests and the same for tokens.
   * Only the limits the key has; `retry-after` is left to the caller. */
  headers: Record<string, string>;
  /** Which limit refused it: 'requests' | 'tokens' | null. */
  limitedBy: 'requests' | 'tokens' | null;
}

export interface RateLimiterOptions {
  now?: () => number;
  /** Bound on keys tracked; the least recently active are forgotten, and with them their recent
   * use (default 100_000). Keys without limits are never tracked. */
  maxKeys?: number;
}

/** One limit's state: use not yet refilled, as of `at`, draining at `limit` per minute. */
interface Bucket {
  limit: number;
  used: number;
  at: number;
}

interface KeyState {
  requests: Bucket | null;
  tokens: Bucket | null;
}

const windowMs = 60_000;
/** Slack for floating-point drain, so waiting exactly the advertised time is always enough. */
const slack = 1e-9;

export class RateLimiter {
  private readonly now: () => number;
  private readonly maxKeys: number;
  /** Map order is activity order, oldest first. */
  private readonly keys = new Map<string, KeyState>();

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
    if (!(Number.isInteger(this.maxKeys) && this.maxKeys >= 1)) throw new RangeError(`maxKeys must be a positive integer, got ${this.maxKeys}`);
  }

  /** Number of keys tracked (bounded by maxKeys). */
  get size(): number {
    return this.keys.size;
  }

  /** Checks and, when allowed, counts one request and its estimated tokens. */
  take(keyId: string, limits: RateLimits, estimatedTokens: number): RateDecision {
    checkLimit('requestsPerMinute', limits.requestsPerMinute);
    checkLimit('tokensPerMinute', limits.tokensPerMinute);
    const now = this.now();
    const tokens = tokenCount(estimatedTokens);
    const state = this.touch(keyId, limits, now);
    if (state === null) return { allowed: true, retryAfterSeconds: 0, headers: {}, limitedBy: null };
    const requestsWait = state.requests === null ? 0 : waitMs(state.requests, 1);
    const tokensWait = state.tokens === null ? 0 : waitMs(state.tokens, tokens);
    const allowed = requestsWait === 0 && tokensWait === 0;
    if (allowed) {
      if (state.requests !== null) state.requests.used += 1;
      if (state.tokens !== null) state.tokens.used += tokens;
    }
    const headers: Record<string, string> = {};
    if (state.requests !== null) describe(state.requests, 'requests', headers);
    if (state.tokens !== null) describe(state.tokens, 'tokens', headers);
    if (allowed) return { allowed, retryAfterSeconds: 0, headers, limitedBy: null };
    const wait = Math.max(requestsWait, tokensWait);
    return {
      allowed,
      retryAfterSeconds: Math.max(1, Math.ceil(wait / 1_000)),
      headers,
      limitedBy: requestsWait >= tokensWait ? 'requests' : 'tokens',
    };
  }

  /** After the call: replaces the estimate with the real token count (may go up or down).
   * Only for calls take() allowed. A key no longer tracked, or without a token limit, is left be. */
  correct(keyId: string, estimatedTokens: number, actualTokens: number): void {
    const state = this.keys.get(keyId);
    if (state === undefined || state.tokens === null) return;
    drain(state.tokens, this.now());
    state.tokens.used = Math.max(0, state.tokens.used + tokenCount(actualTokens) - tokenCount(estimatedTokens));
  }

  /** Gives back what take() counted for a call that was then refused before it went anywhere (its
   * budget was spent): a refusal should not use up the allowance. Returns the headers as they stand
   * after. A key no longer tracked is left be. */
  release(keyId: string, estimatedTokens: number): Record<string, string> {
    const state = this.keys.get(keyId);
    const headers: Record<string, string> = {};
    if (state === undefined) return headers;
    const now = this.now();
    if (state.requests !== null) {
      drain(state.requests, now);
      state.requests.used = Math.max(0, state.requests.used - 1);
      describe(state.requests, 'requests', headers);
    }
    if (state.tokens !== null) {
      drain(state.tokens, now);
      state.tokens.used = Math.max(0, state.tokens.used - tokenCount(estimatedTokens));
      describe(state.tokens, 'tokens', headers);
    }
    return headers;
  }

  /** The key's state brought up to `now` under its current limits, marked most recently active;
   * null (and forgotten) when it has no limits. */
  private touch(keyId: string, limits: RateLimits, now: number): KeyState | null {
    let state = this.keys.get(keyId);
    if (limits.requestsPerMinute === null && limits.tokensPerMinute === null) {
      if (state !== undefined) this.keys.delete(keyId);
      return null;
    }
    if (state === undefined) {
      state = { requests: null, tokens: null };
      while (this.keys.size >= this.maxKeys) this.keys.delete(this.keys.keys().next().value!);
    } else {
      this.keys.delete(keyId);
    }
    this.keys.set(keyId, state);
    state.requests = updated(state.requests, limits.requestsPerMinute, now);
    state.tokens = updated(state.tokens, limits.tokensPerMinute, now);
    return state;
  }
}

/** A bucket drained up to `now` at its old limit, then set to the new one. */
function updated(bucket: Bucket | null, limit: number | null, now: number): Bucket | null {
  if (limit === null) return null;
  if (bucket === null) return { limit, used: 0, at: now };
  drain(bucket, now);
  bucket.limit = limit;
  return bucket;
}

function drain(bucket: Bucket, now: number): void {
  // A clock that steps back refills nothing until it catches up.
  if (now <= bucket.at) return;
  bucket.used = Math.max(0, bucket.used - ((now - bucket.at) * bucket.limit) / windowMs);
  bucket.at = now;
}

/** Milliseconds until `cost` fits the bucket; 0 when it fits now. A cost larger than the whole
 * allowance never fits: it is told to wait a full window rather than forever. */
function waitMs(bucket: Bucket, cost: number): number {
  if (cost > bucket.limit * (1 + slack)) return windowMs;
  const excess = bucket.used + cost - bucket.limit;
  if (excess <= bucket.limit * slack) return 0;
  // A zero limit never refills; its use only goes when the limit is raised.
  return bucket.limit === 0 ? windowMs : (excess * windowMs) / bucket.limit;
}

/** OpenAI's headers: the limit, what is left of it, and how long until it is whole again. */
function describe(bucket: Bucket, name: 'requests' | 'tokens', headers: Record<string, string>): void {
  const remaining = Math.max(0, Math.floor(bucket.limit - bucket.used + bucket.limit * slack));
  const resetMs = bucket.limit === 0 ? 0 : (bucket.used * windowMs) / bucket.limit;
  headers[`x-ratelimit-limit-${name}`] = String(bucket.limit);
  headers[`x-ratelimit-remaining-${name}`] = String(remaining);
  headers[`x-ratelimit-reset-${name}`] = formatDuration(resetMs);
}

function checkLimit(name: string, limit: number | null): void {
  if (limit !== null && !(Number.isFinite(limit) && limit >= 0)) throw new RangeError(`${name} must be a non-negative number or null, got ${limit}`);
}

/** An estimate or count; a negative or non-numeric one counts as none. */
function tokenCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
