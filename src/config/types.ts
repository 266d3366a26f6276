// The validated configuration every other part reads. Field names are camelCase here; the YAML file
// uses snake_case (see load.ts for the mapping and docs/configuration.md for the reference).
import type { Capabilities, DataPolicy, License } from '../catalog/types.ts';
import type { CompareConfig } from './compare.ts';
import type { ProviderQuirks, WireFormat } from '../protocol/ir.ts';
import type { Preset } from '../routing/presets.ts';
import type { NamedFusion } from './fusions.ts';
import type { AuthScheme } from '../providers/definition.ts';
import type { LogLevel } from '../telemetry/logger.ts';

export interface Timeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** Request sent -> first byte of the response body (headers, then the first streamed byte). */
  firstByteMs: number;
  /** Longest silence between two body chunks once the body has started. */
  idleMs: number;
  /** Whole upstream exchange, start to last byte. */
  totalMs: number;
}

export interface ModelConfig {
  /** Public name clients send. */
  id: string;
  /** The provider's own name for it. */
  upstream: string;
  /** USD per 1M tokens; null: the catalog's figure (or unknown). */
  inputPrice: number | null;
  outputPrice: number | null;
  cachedInputPrice: number | null;
  contextWindow: number | null;
  maxOutput: number | null;
  /** What this provider supports for the model, where it differs from the catalog. */
  capabilities: Partial<Capabilities>;
  /** For models the catalog does not know (or to correct it). */
  license: License | null;
  openWeights: boolean | null;
}

export interface ProviderConfig {
  id: string;
  /** The provider definition it follows (`groq`, `anthropic`, `bedrock`, `openai-compatible`, ...). */
  kind: string;
  /** Wire formats it speaks natively, preferred first (see providers/definition.ts). */
  formats: WireFormat[];
  baseUrl: string;
  auth: AuthScheme;
  /** The key for key-based auth schemes (bearer, x-api-key, api-key, x-goog-api-key). */
  apiKey: string | null;
  /** Variables the auth scheme reads (AWS_*, GOOGLE_*), from the environment or `settings:`. */
  settings: Record<string, string>;
  quirks: ProviderQuirks;
  /** Extra headers sent upstream with every request. */
  headers: Record<string, string>;
  /** Client request headers passed through to this provider (exact names, or a prefix ending in `*`). */
  forwardHeaders: string[];
  /** Bring your own key: a request may carry its own key for this provider in
   * `x-modelmux-key-<provider id>`, used instead of the configured one (key-based auth only). */
  clientKeys: boolean;
  models: ModelConfig[];
  /** Offer the built-in catalog's models of this provider's kind (`catalog: false` limits it to `models`). */
  catalog: boolean;
  /** How the provider treats data, where it differs from the catalog's record for its kind. */
  dataPolicy: DataPolicy | null;
  /** Ask for `stream_options.include_usage` on streams (some providers reject the field). */
  streamUsage: boolean;
  /** Ask the provider's `GET /models` at start so its models can be called by bare name. */
  discoverModels: boolean;
  timeouts: Timeouts;
  /** Shown in /v1/models and the startup log, e.g. for the simulated demo provider. */
  description: string | null;
}

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
}

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

export const defaultTimeouts: Timeouts = {
  connectMs: 10_000,
  firstByteMs: 120_000,
  idleMs: 60_000,
  totalMs: 600_000,
};

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
