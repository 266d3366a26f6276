// Live figures per provider-model (time to first token, output speed, error rate) that the router
// ranks by. Old observations fade, both with time and with newer traffic, so the figures follow what a
// provider does now; a key nobody has used for a while drifts back to the prior, which makes the
// router give a once-slow provider another try.

export interface Measurement {
  ok: boolean;
  /** Time to first token of a successful attempt (ms). */
  ttftMs?: number | null;
  /** Output tokens per second after the first token (successful attempts with usage). */
  tokensPerSecond?: number | null;
}

export interface StatsSnapshot {
  ttftMs: number;
  tokensPerSecond: number;
  /** 0..1 */
  errorRate: number;
  /** Decayed weight of real observations behind the figures (0 before any data). */
  samples: number;
  /** Epoch ms of the last observation, or null. */
  lastAt: number | null;
}

export interface Prior {
  ttftMs: number;
  tokensPerSecond: number;
  errorRate: number;
  weight: number;
}

export interface StatsOptions {
  /** Observations lose half their weight in this time (default 300_000). */
  halfLifeMs?: number;
  /** Each new observation also shrinks the old ones by this factor, so heavy traffic tracks recent behaviour (default 0.95). */
  sampleDecay?: number;
  /** What is assumed before data exists, and its weight in pseudo-observations (default ttftMs 800, tokensPerSecond 60, errorRate 0.02, weight 1). */
  prior?: Prior;
  /** Bound on tracked keys; least recently updated are forgotten (default 10_000). */
  maxKeys?: number;
  now?: () => number;
}

export const defaultPrior: Readonly<Prior> = { ttftMs: 800, tokensPerSecond: 60, errorRate: 0.02, weight: 1 };

/** A decayed sum of observed values and the decayed weight behind it. */
interface Accumulator {
  sum: number;
  weight: number;
}

interface Entry {
  ttft: Accumulator;
  speed: Accumulator;
  errors: Accumulator;
  /** When the accumulators were last brought up to date (decay is applied lazily from here). */
  decayedAt: number;
}

export class LiveStats {
  private readonly halfLifeMs: number;
  private readonly sampleDecay: number;
  private readonly prior: Readonly<Prior>;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** Map order is update order, so the first key is the least recently updated. */
  private readonly entries = new Map<string, Entry>();

  constructor(options: StatsOptions = {}) {
    this.halfLifeMs = options.halfLifeMs ?? 300_000;
    this.sampleDecay = options.sampleDecay ?? 0.95;
    this.prior = options.prior ?? defaultPrior;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
    if (!(this.halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${this.halfLifeMs}`);
    if (!(this.sampleDecay > 0 && this.sampleDecay <= 1)) throw new RangeError(`sampleDecay must be in (0, 1], got ${this.sampleDecay}`);
    if (!(this.prior.weight >= 0)) throw new RangeError(`prior.weight must be non-negative, got ${this.prior.weight}`);
    if (!(Number.isInteger(this.maxKeys) && this.maxKeys >= 1)) throw new RangeError(`maxKeys must be a positive integer, got ${this.maxKeys}`);
  }

  /** Number of keys tracked (bounded by maxKeys). */
  get size(): number {
    return this.entries.size;
  }

  record(key: string, measurement: Measurement): void {
    const now = this.now();
    let entry = this.entries.get(key);
    if (entry) {
      const factor = this.timeFactor(entry, now);
      for (const accumulator of [entry.ttft, entry.speed, entry.errors]) scale(accumulator, factor);
      entry.decayedAt = Math.max(entry.decayedAt, now);
      this.entries.delete(key);
    } else {
      entry = { ttft: empty(), speed: empty(), errors: empty(), decayedAt: now };
      while (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, entry);

    this.observe(entry.errors, measurement.ok ? 0 : 1);
    const ttft = measurement.ttftMs;
    if (usable(ttft)) this.observe(entry.ttft, ttft);
    const speed = measurement.tokensPerSecond;
    if (usable(speed)) this.observe(entry.speed, speed);
  }

  /** Figures for a key: the prior blended with decayed observations; the pure prior for an unknown key. */
  get(key: string): StatsSnapshot {
    const prior = this.prior;
    const entry = this.entries.get(key);
    if (!entry) {
      return { ttftMs: prior.ttftMs, tokensPerSecond: prior.tokensPerSecond, errorRate: prior.errorRate, samples: 0, lastAt: null };
    }
    const factor = this.timeFactor(entry, this.now());
    return {
      ttftMs: this.estimate(entry.ttft, factor, prior.ttftMs),
      tokensPerSecond: this.estimate(entry.speed, factor, prior.tokensPerSecond),
      errorRate: this.estimate(entry.errors, factor, prior.errorRate),
      samples: entry.errors.weight * factor,
      lastAt: entry.decayedAt,
    };
  }

  /** Weight left after the time since the entry was last decayed; a clock that steps back decays nothing. */
  private timeFactor(entry: Entry, now: number): number {
    const elapsed = Math.max(0, now - entry.decayedAt);
    return Math.pow(0.5, elapsed / this.halfLifeMs);
  }

  private observe(accumulator: Accumulator, value: number): void {
    accumulator.sum = accumulator.sum * this.sampleDecay + value;
    accumulator.weight = accumulator.weight * this.sampleDecay + 1;
  }

  private estimate(accumulator: Accumulator, factor: number, priorValue: number): number {
    const priorWeight = this.prior.weight;
    const weight = priorWeight + accumulator.weight * factor;
    // With a zero-weight prior and every observation decayed to nothing, the prior is all there is.
    if (!(weight > 0)) return priorValue;
    return (priorWeight * priorValue + accumulator.sum * factor) / weight;
  }
}

function empty(): Accumulator {
  return { sum: 0, weight: 0 };
}

function scale(accumulator: Accumulator, factor: number): void {
  accumulator.sum *= factor;
  accumulator.weight *= factor;
}

/** A measured figure worth keeping: a clock glitch or a division by zero upstream must not skew the figures. */
function usable(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
