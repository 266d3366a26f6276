// Client connections: the timeouts Node enforces on them, and a cap on how many are open at once so
// that sockets nobody uses cannot take the file descriptors legitimate requests need. At the cap the
// connection idle the longest (kept alive between requests, or not yet sending one) makes room; only
// when every connection is serving a request is the newcomer refused.
import { readFileSync } from 'node:fs';
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionLimits } from '../config/types.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface ConnectionGuard {
  readonly maxConnections: number;
  /** The path of the last request a connection sent, to answer its later faults in its format. */
  lastPath(socket: Socket): string | null;
}

/** The options of `createServer` that bound how long a client may hold a connection. */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  const shortest = Math.min(limits.headersTimeoutMs, limits.bodyTimeoutMs);
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.bodyTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node holds an idle socket a little longer than the `Keep-Alive: timeout` it announces, so a
    // client honouring the header closes first; the margin must stay small next to the timeout.
    keepAliveTimeoutBuffer: Math.min(1_000, Math.floor(limits.keepAliveTimeoutMs / 10)),
    // Node checks the header and body timeouts on this interval (30 s by default, which let a
    // 10 s timeout run to 40 s): a tenth of the shortest keeps them within 10% of their value.
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(shortest / 10))),
  };
}

/** The configured cap, or one derived from the open-file limit of this process. */
export function effectiveMaxConnections(limits: ConnectionLimits): number {
  return limits.maxConnections ?? maxConnectionsFor(readProcessLimits());
}

// Every proxied request holds two descriptors, the client's socket and one to the provider, and the
// process needs some for itself (the ledger's database, logs, DNS, the providers' idle pools): so
// half of what is left after a reserve. Outside Linux the limit is not readable without native code.
const reservedDescriptors = 256;
const smallestCap = 64;
const largestCap = 16_384;
const capWithoutLimits = 1_024;

/** The cap for a process whose /proc/self/limits reads `limitsText` (null: not readable). */
export function maxConnectionsFor(limitsText: string | null): number {
  const match = limitsText === null ? null : /^Max open files\s+(\d+|unlimited)\s/m.exec(limitsText);
  if (!match) return capWithoutLimits;
  const softLimit = match[1] === 'unlimited' ? Infinity : Number(match[1]);
  return Math.max(smallestCap, Math.min(largestCap, Math.floor((softLimit - reservedDescriptors) / 2)));
}

function readProcessLimits(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}

const refusalReportMs = 10_000;

/** Tracks the server's connections and enforces the cap as each new one arrives. */
export function guardConnections(server: Server, maxConnections: number, logger: Logger, now: () => number = Date.now): ConnectionGuard {
  // Both keep insertion order: `idle` runs from the connection idle the longest to the newest.
  const idle = new Set<Socket>();
  const requestsInFlight = new Map<Socket, number>();
  const paths = new WeakMap<Socket, string>();
  let refusedSinceReport = 0;
  let lastReport = -Infinity;

  const refuse = (socket: Socket): void => {
    socket.destroy();
    refusedSinceReport++;
    if (now() - lastReport < refusalReportMs) return;
    logger.warn('connections refused: every open connection is serving a request', { max_connections: maxConnections, refused: refusedSinceReport });
    refusedSinceReport = 0;
    lastReport = now();
  };

  server.on('connection', (socket: Socket) => {
    if (idle.size + requestsInFlight.size >= maxConnections) {
      const oldest = idle.values().next();
      if (oldest.done) return refuse(socket);
      idle.delete(oldest.value);
      oldest.value.destroy();
    }
    idle.add(socket);
    socket.once('close', () => {
      idle.delete(socket);
      requestsInFlight.delete(socket);
    });
  });

  // Ahead of the gateway's own listener, so a request is counted before any handler runs.
  server.prependListener('request', (request, response) => {
    const socket = request.socket;
    paths.set(socket, request.url ?? '/');
    const inFlight = requestsInFlight.get(socket);
    if (inFlight === undefined && !idle.delete(socket)) return;
    requestsInFlight.set(socket, (inFlight ?? 0) + 1);
    response.once('close', () => {
      const remaining = (requestsInFlight.get(socket) ?? 0) - 1;
      if (remaining > 0) return void requestsInFlight.set(socket, remaining);
      if (!requestsInFlight.delete(socket) || socket.destroyed) return;
      idle.add(socket);
    });
  });

  return {
    maxConnections,
    lastPath: (socket) => paths.get(socket) ?? null,
  };
}
