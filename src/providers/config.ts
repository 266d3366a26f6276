// How a provider is configured: where it is, how it authenticates, what it serves and how long the
// gateway waits on it. The configuration loader (src/config/) builds these from modelmux.yaml and the
// environment; everything that talks to providers reads them.
import type { Capabilities, DataPolicy, License } from '../catalog/types.ts';
import type { ProviderQuirks, WireFormat } from '../protocol/ir.ts';
import type { AuthScheme } from './definition.ts';

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

export const defaultTimeouts: Timeouts = {
  connectMs: 10_000,
  firstByteMs: 120_000,
  idleMs: 60_000,
  totalMs: 600_000,
};
