// The validated configuration every other part reads. Field names are camelCase here; the YAML file
// uses snake_case (see load.ts for the mapping and docs/configuration.md for the reference).
import type { CompareConfig } from './compare.ts';
import type { ModelConfig, ProviderConfig, Timeouts } from '../providers/config.ts';
import type { Preset } from '../routing/presets.ts';
import type { RoutingConfig } from '../routing/config.ts';
import type { NamedFusion } from './fusions.ts';
import type { LogLevel } from '../telemetry/logger.ts';

// The parts that belong to a layer below the configuration live with it; they are re-exported here
// so the configuration reads as one whole.
export { defaultTimeouts } from '../providers/config.ts';
export type { ModelConfig, ProviderConfig, Timeouts } from '../providers/config.ts';
export { defaultRouting } from '../routing/config.ts';
export type { RouteSort, RoutingConfig } from '../routing/config.ts';

export interface GatewayConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  logLevel: LogLevel;
  timeouts: Timeouts;
  providers: ProviderConfig[];
  /** Refuse (400) a request with a parameter the provider cannot honour, instead of answering with
   * `x-modelmux-dropped-params` (a client can ask per request with `x-modelmux-strict: true`). */
  strictParams: boolean;
  /** Probe local open-weight servers (Ollama, vLLM, llama.cpp, LM Studio) on their ports at start. */
  discoverLocal: boolean;
  routing: RoutingConfig;
  /** Built-in presets merged with `presets:` from the file. */
  presets: Preset[];
  /** Named fusions from `fusions:` (`model: "fusion/<name>"`). */
  fusions: NamedFusion[];
  /** Where the ledger and keys live (SQLite); null: no store (no ledger, no virtual keys). */
  dataDir: string | null;
  /** Guards /admin and the CLI; when set, every API request needs a virtual key (or this key).
   * Null: the gateway runs open, and only on a loopback address. */
  adminKey: string | null;
  /** Where the configuration came from, for the startup log. */
  sources: string[];
  /** `compare:` (the review panel's judge and named panels); absent: the built-in defaults. */
  compare?: CompareConfig;
  /** How many client connections are held and for how long; absent: `defaultConnectionLimits`. */
  connections?: ConnectionLimits;
  /** How a shutdown (SIGTERM, SIGINT) drains the gateway; absent: `defaultShutdown`. */
  shutdown?: ShutdownTiming;
  /** The store of Responses items the gateway minted; absent: `defaultResponseItems`. */
  responseItems?: ResponseItemsLimits;
}

/** A shutdown's two phases: see http/shutdown.ts. */
export interface ShutdownTiming {
  /** After the signal, while /ready already answers 503: new connections are still taken, so
   * requests a load balancer sends before it notices are served. */
  drainMs: number;
  /** Then the listener stops, and requests in flight get this long to finish before they are ended
   * with a `server_shutting_down` error. */
  graceMs: number;
}

// A load balancer needs a few seconds to see /ready fail (or an orchestrator to remove the endpoint);
// drain and grace together, with a second for the last ledger rows, stay under the 30 s Kubernetes
// gives a pod before it kills it. docs/configuration.md gives the reasoning in full.
export const defaultShutdown: ShutdownTiming = { drainMs: 5_000, graceMs: 20_000 };


/** How long and how much of the Responses items the gateway minted are kept (in memory), for
 * clients that refer to them (`item_reference`, `previous_response_id`). */
export interface ResponseItemsLimits {
  /** How long an answer's items are held after they were kept or last referred to. */
  ttlMs: number;
  /** What they may take at most, roughly in bytes (least recently used go first); 0: none kept. */
  maxBytes: number;
}

// An hour covers a working session's pauses; 64 MiB holds thousands of typical turns.
export const defaultResponseItems: ResponseItemsLimits = { ttlMs: 60 * 60 * 1000, maxBytes: 64 * 1024 * 1024 };

/** What a client connection may cost the gateway: how many are open at once and how long one may
 * take to send its request or sit idle. */
export interface ConnectionLimits {
  /** Open client connections at most; null: derived from the process's open-file limit at start. */
  maxConnections: number | null;
  /** From a connection's opening (or, kept alive, its next request's first byte) until the request
   * headers are complete. */
  headersTimeoutMs: number;
  /** From a request's first byte until its body has been received in full (the response is not
   * bounded by it: a long generation may stream for as long as it needs). */
  bodyTimeoutMs: number;
  /** How long a kept-alive connection may wait for its next request. */
  keepAliveTimeoutMs: number;
  /** How long a stream may sit unread by its client (nothing taken, buffers full) before it is
   * closed and its upstream call stopped; 0: no limit. */
  streamUnreadTimeoutMs: number;
}

// Headers arrive in one packet from any real client; a body of a few MB needs seconds, not minutes;
// an idle connection outlives the 60 s idle timeout of the load balancers and proxies put in front
// (AWS ALB, nginx), so they close it first and never reuse one the gateway is closing.
// docs/configuration.md gives the reasoning in full.
export const defaultConnectionLimits: ConnectionLimits = {
  maxConnections: null,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  streamUnreadTimeoutMs: 30_000,
};

export const defaultPort = 4000;
export const defaultHost = '127.0.0.1';
/** Large enough for a 1M-token prompt with room for images in base64. */
export const defaultBodyLimitBytes = 32 * 1024 * 1024;
