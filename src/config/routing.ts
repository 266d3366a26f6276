// `routing:` in modelmux.yaml: the default policy, retries and their deadline, circuit breakers,
// sticky routing and the licence rule. Every field is optional; see defaultRouting.
import { defaultRouting } from './types.ts';
import type { RouteSort, RoutingConfig } from './types.ts';
import type { Path, Validator } from './validate.ts';

/** The names a person writes, mapped to the sort they mean. */
const sorts: Record<string, RouteSort> = { fastest: 'throughput', throughput: 'throughput', latency: 'latency', cheapest: 'price', price: 'price', order: 'order' };

export function readRouting(value: unknown, path: Path, check: Validator): RoutingConfig {
  const raw = check.optionalMap(value, path);
  check.keys(raw, path, ['default', 'max_attempts', 'deadline_ms', 'backoff_ms', 'max_backoff_ms', 'breaker', 'sticky', 'sticky_ttl_ms', 'commercial_use', 'catalog']);
  const sortName = check.optionalChoice(raw.default, [...path, 'default'], Object.keys(sorts));
  const breaker = check.optionalMap(raw.breaker, [...path, 'breaker']);
  check.keys(breaker, [...path, 'breaker'], ['failure_threshold', 'cooldown_ms', 'max_cooldown_ms']);
  const milliseconds = (field: unknown, at: Path, fallback: number): number => check.optionalInteger(field, at, 0, 2_147_483_647) ?? fallback;
  const catalog = check.optionalChoice(raw.catalog, [...path, 'catalog'], ['builtin', 'none']);
  const routing: RoutingConfig = {
    sort: sortName ? sorts[sortName] : defaultRouting.sort,
    maxAttempts: check.optionalInteger(raw.max_attempts, [...path, 'max_attempts'], 1, 100) ?? defaultRouting.maxAttempts,
    deadlineMs: milliseconds(raw.deadline_ms, [...path, 'deadline_ms'], defaultRouting.deadlineMs),
    backoffMs: milliseconds(raw.backoff_ms, [...path, 'backoff_ms'], defaultRouting.backoffMs),
    maxBackoffMs: milliseconds(raw.max_backoff_ms, [...path, 'max_backoff_ms'], defaultRouting.maxBackoffMs),
    breaker: {
      failureThreshold: check.optionalInteger(breaker.failure_threshold, [...path, 'breaker', 'failure_threshold'], 1, 1000) ?? defaultRouting.breaker.failureThreshold,
      cooldownMs: milliseconds(breaker.cooldown_ms, [...path, 'breaker', 'cooldown_ms'], defaultRouting.breaker.cooldownMs),
      maxCooldownMs: milliseconds(breaker.max_cooldown_ms, [...path, 'breaker', 'max_cooldown_ms'], defaultRouting.breaker.maxCooldownMs),
    },
    sticky: check.optionalBoolean(raw.sticky, [...path, 'sticky']) ?? defaultRouting.sticky,
    stickyTtlMs: milliseconds(raw.sticky_ttl_ms, [...path, 'sticky_ttl_ms'], defaultRouting.stickyTtlMs),
    commercialUse: check.optionalBoolean(raw.commercial_use, [...path, 'commercial_use']) ?? defaultRouting.commercialUse,
    builtinCatalog: catalog === undefined ? defaultRouting.builtinCatalog : catalog === 'builtin',
  };
  if (routing.maxBackoffMs < routing.backoffMs) throw check.error([...path, 'max_backoff_ms'], '`max_backoff_ms` is smaller than `backoff_ms`', 'make max_backoff_ms at least backoff_ms');
  if (routing.breaker.maxCooldownMs < routing.breaker.cooldownMs) throw check.error([...path, 'breaker', 'max_cooldown_ms'], '`max_cooldown_ms` is smaller than `cooldown_ms`', 'make max_cooldown_ms at least cooldown_ms');
  return routing;
}
