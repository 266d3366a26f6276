// Latency summaries: percentiles over samples kept in microseconds, reported in milliseconds.

export type Percentiles = {
  samples: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
};

/** Nearest-rank percentile of an ascending-sorted array. */
function rank(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}

/** Summarises samples given in microseconds; the result is in milliseconds. */
export function summarise(microseconds: Float64Array, count: number = microseconds.length): Percentiles {
  const sorted = microseconds.slice(0, count).sort();
  let total = 0;
  for (const value of sorted) total += value;
  const toMs = (value: number): number => value / 1000;
  return {
    samples: count,
    meanMs: count === 0 ? Number.NaN : toMs(total / count),
    p50Ms: toMs(rank(sorted, 0.5)),
    p90Ms: toMs(rank(sorted, 0.9)),
    p99Ms: toMs(rank(sorted, 0.99)),
    maxMs: toMs(count === 0 ? Number.NaN : sorted[count - 1]),
  };
}

/** A growable sample buffer with a hard cap, so a run can never hold more than `capacity` values. */
export class SampleBuffer {
  readonly values: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    if (this.length < this.values.length) this.values[this.length++] = value;
  }
}
