// The connection settings of `server:` in modelmux.yaml: how many client connections are held at
// once, how long one may take to send its request or wait idle for the next, and how a shutdown
// lets them go. All optional; see defaultConnectionLimits and defaultShutdown.
import { defaultConnectionLimits, defaultShutdown } from './types.ts';
import type { ConnectionLimits, ShutdownTiming } from './types.ts';
import type { Path, Validator } from './validate.ts';

export const connectionKeys = ['max_connections', 'headers_timeout_ms', 'body_timeout_ms', 'keep_alive_timeout_ms', 'stream_unread_timeout_ms', 'shutdown_drain_ms', 'shutdown_grace_ms'] as const;

/** Reads the connection keys of the `server:` mapping at `path`. */
export function readConnectionLimits(server: Record<string, unknown>, path: Path, check: Validator): ConnectionLimits {
  // A timer in Node holds at most 2^31 - 1 ms; a timeout of 0 would switch the protection off.
  const milliseconds = (key: string, fallback: number): number => check.optionalInteger(server[key], [...path, key], 1, 2_147_483_647) ?? fallback;
  const limits: ConnectionLimits = {
    maxConnections: check.optionalInteger(server.max_connections, [...path, 'max_connections'], 1, 1_000_000) ?? defaultConnectionLimits.maxConnections,
    headersTimeoutMs: milliseconds('headers_timeout_ms', defaultConnectionLimits.headersTimeoutMs),
    bodyTimeoutMs: milliseconds('body_timeout_ms', defaultConnectionLimits.bodyTimeoutMs),
    keepAliveTimeoutMs: milliseconds('keep_alive_timeout_ms', defaultConnectionLimits.keepAliveTimeoutMs),
    streamUnreadTimeoutMs: check.optionalInteger(server.stream_unread_timeout_ms, [...path, 'stream_unread_timeout_ms'], 0, 2_147_483_647) ?? defaultConnectionLimits.streamUnreadTimeoutMs,
  };
  // The body's clock starts with the headers', so headers cannot be allowed longer than the whole.
  if (limits.bodyTimeoutMs < limits.headersTimeoutMs) {
    const key = server.body_timeout_ms === undefined ? 'headers_timeout_ms' : 'body_timeout_ms';
    throw check.error([...path, key], '`body_timeout_ms` is shorter than `headers_timeout_ms`', 'make body_timeout_ms at least headers_timeout_ms: it bounds headers and body together');
  }
  return limits;
}

/** Reads `shutdown_drain_ms` and `shutdown_grace_ms` of the `server:` mapping at `path`; 0 skips a phase. */
export function readShutdownTiming(server: Record<string, unknown>, path: Path, check: Validator): ShutdownTiming {
  const milliseconds = (key: string, fallback: number): number => check.optionalInteger(server[key], [...path, key], 0, 2_147_483_647) ?? fallback;
  return { drainMs: milliseconds('shutdown_drain_ms', defaultShutdown.drainMs), graceMs: milliseconds('shutdown_grace_ms', defaultShutdown.graceMs) };
}
