// How requests are routed by default: the sort, the attempts and deadline, backoff, breakers,
// stickiness and the licence rule. Read from `routing:` in modelmux.yaml by the configuration loader.

/** How a request without preferences is routed: highest measured throughput, lowest time to first
 * token, lowest price, or the configured order of providers. */
export type RouteSort = 'throughput' | 'latency' | 'price' | 'order';

export interface RoutingConfig {
  sort: RouteSort;
  /** Attempts per request, across providers and rounds. */
  maxAttempts: number;
  /** Time allowed to find a provider that answers; no attempt starts after it. */
  deadlineMs: number;
  /** Backoff before a round that retries providers already tried: full jitter, doubling, capped. */
  backoffMs: number;
  maxBackoffMs: number;
  breaker: { failureThreshold: number; cooldownMs: number; maxCooldownMs: number };
  /** Keep a conversation on the provider holding its prompt cache. */
  sticky: boolean;
  stickyTtlMs: number;
  /** Callers use the answers commercially: models whose licence forbids it are never chosen. */
  commercialUse: boolean;
  /** Use the built-in catalog (false: only models from `providers[].models` and discovery). */
  builtinCatalog: boolean;
}

export const defaultRouting: RoutingConfig = {
  sort: 'throughput',
  maxAttempts: 6,
  deadlineMs: 60_000,
  backoffMs: 100,
  maxBackoffMs: 2_000,
  breaker: { failureThreshold: 1, cooldownMs: 1_000, maxCooldownMs: 60_000 },
  sticky: true,
  stickyTtlMs: 300_000,
  commercialUse: false,
  builtinCatalog: true,
};
