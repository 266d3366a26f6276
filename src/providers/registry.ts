// The providers the gateway can reach and the model names that lead to them. A model name resolves,
// in this order, to: a model configured under that public id; `<provider-id>/<upstream name>` for any
// configured provider; a bare name a provider listed at start (discovery).
import { Agent } from 'undici';
import type { ModelConfig, ProviderConfig } from '../config/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import { requestAuthorizer, staticAuthHeaders } from './auth/index.ts';
import type { RequestAuthorizer } from './auth/index.ts';

export interface Provider {
  config: ProviderConfig;
  /** Headers that depend on the request itself (a SigV4 signature, a refreshed OAuth token);
   * null for providers whose static `headers` carry their credentials. */
  authorize: RequestAuthorizer | null;
  id: string;
  /** `http://host:port` of base_url. */
  origin: string;
  /** Path part of base_url without trailing slash, e.g. `/v1`. */
  basePath: string;
  dispatcher: Agent;
  /** Headers sent with every upstream request (auth included); never logged. */
  headers: Record<string, string>;
  /** Model ids the provider listed at start. */
  discovered: Set<string>;
  /** Which client request headers to pass on (from `forward_headers`), or null for none. */
  forwardsHeader: ((name: string) => boolean) | null;
}

export interface ModelTarget {
  /** The name the gateway reports (`x-modelmux-model`, logs). */
  publicId: string;
  /** Configured, or listed by its provider: a model the gateway knows exists (not a guess). */
  listed: boolean;
  /** The name in metrics: a listed model's name, else `<provider>/*`, so that clients sending
   * arbitrary `<provider>/<name>` cannot grow the metrics without bound. */
  metricsLabel: string;
  provider: Provider;
  upstreamModel: string;
  model: ModelConfig | null;
}

export interface ModelListing {
  id: string;
  provider: string;
  upstream: string;
  model: ModelConfig | null;
  description: string | null;
}

export class ProviderRegistry {
  readonly providers: Provider[];
  private configured = new Map<string, ModelTarget>();
  private byId = new Map<string, Provider>();
  private discoveredIndex = new Map<string, ModelTarget>();

  constructor(configs: ProviderConfig[]) {
    this.providers = configs.map(createProvider);
    for (const provider of this.providers) {
      this.byId.set(provider.id, provider);
      for (const model of provider.config.models) {
        // The first provider to declare a public id serves it; routing across several comes later.
        if (!this.configured.has(model.id)) this.configured.set(model.id, { publicId: model.id, listed: true, metricsLabel: model.id, provider, upstreamModel: model.upstream, model });
      }
    }
  }

  resolve(name: string): ModelTarget | null {
    const configured = this.configured.get(name);
    if (configured) return configured;
    const slash = name.indexOf('/');
    if (slash > 0) {
      const provider = this.byId.get(name.slice(0, slash));
      const upstream = name.slice(slash + 1);
      if (provider && upstream !== '') {
        const model = provider.config.models.find((candidate) => candidate.upstream === upstream || candidate.id === upstream) ?? null;
        const listed = model !== null || provider.discovered.has(upstream);
        return { publicId: name, listed, metricsLabel: listed ? name : `${provider.id}/*`, provider, upstreamModel: model?.upstream ?? upstream, model };
      }
    }
    return this.discoveredIndex.get(name) ?? null;
  }

  list(): ModelListing[] {
    const listings: ModelListing[] = [];
    const seen = new Set<string>();
    for (const provider of this.providers) {
      for (const model of provider.config.models) {
        if (seen.has(model.id)) continue;
        seen.add(model.id);
        listings.push({ id: model.id, provider: provider.id, upstream: model.upstream, model, description: provider.config.description });
      }
      for (const upstream of provider.discovered) {
        const id = `${provider.id}/${upstream}`;
        if (seen.has(id)) continue;
        seen.add(id);
        listings.push({ id, provider: provider.id, upstream, model: null, description: provider.config.description });
      }
    }
    return listings;
  }

  /** Names to suggest when a model is unknown. */
  knownNames(limit: number): string[] {
    return this.list().slice(0, limit).map((listing) => listing.id);
  }

  /** Asks each provider that lists its models (`GET /models`), bounded by its connect timeout. */
  async discover(logger: Logger): Promise<void> {
    await Promise.all(
      this.providers
        .filter((provider) => provider.config.discoverModels)
        .map(async (provider) => {
          try {
            const ids = await fetchModelIds(provider);
            for (const id of ids) {
              provider.discovered.add(id);
              if (!this.configured.has(id) && !this.discoveredIndex.has(id)) this.discoveredIndex.set(id, { publicId: id, listed: true, metricsLabel: id, provider, upstreamModel: id, model: null });
            }
            logger.info('provider models discovered', { provider: provider.id, models: ids.length });
          } catch (error) {
            logger.warn('provider model discovery failed; its models stay callable as <provider>/<model>', {
              provider: provider.id,
              reason: error instanceof Error ? error.message : String(error),
            });
          }
        }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.providers.map((provider) => provider.dispatcher.close()));
  }
}

function createProvider(config: ProviderConfig): Provider {
  const url = new URL(config.baseUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...lowerCaseKeys(config.headers), ...staticAuthHeaders(config) };
  return {
    config,
    authorize: requestAuthorizer(config),
    id: config.id,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    dispatcher: new Agent({
      connect: { timeout: config.timeouts.connectMs },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      // The gateway runs its own first-byte, idle and total timers (see upstream.ts).
      headersTimeout: 0,
      bodyTimeout: 0,
    }),
    headers,
    discovered: new Set(),
    forwardsHeader: headerMatcher(config.forwardHeaders),
  };
}

// Never passed on, whatever the patterns say: hop-by-hop and framing headers (the body is
// re-serialised), and the client's own credentials unless a pattern names them exactly.
const neverForwarded = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-type', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection']);
const credentials = new Set(['authorization', 'x-api-key', 'api-key', 'cookie']);

export function headerMatcher(patterns: string[]): ((name: string) => boolean) | null {
  if (patterns.length === 0) return null;
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith('*')));
  const prefixes = patterns.filter((pattern) => pattern.endsWith('*')).map((pattern) => pattern.slice(0, -1));
  return (name) => {
    if (neverForwarded.has(name)) return false;
    if (exact.has(name)) return true;
    if (credentials.has(name)) return false;
    for (const prefix of prefixes) if (name.startsWith(prefix)) return true;
    return false;
  };
}

async function fetchModelIds(provider: Provider): Promise<string[]> {
  const { authorization, ...rest } = provider.headers;
  const response = await provider.dispatcher.request({
    origin: provider.origin,
    path: `${provider.basePath}/models`,
    method: 'GET',
    headers: authorization ? { ...rest, authorization } : rest,
    signal: AbortSignal.timeout(Math.min(provider.config.timeouts.connectMs, 10_000)),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET /models answered ${response.statusCode}`);
  const parsed = JSON.parse(text) as { data?: { id?: unknown }[] };
  if (!Array.isArray(parsed.data)) throw new Error('GET /models did not return a list');
  return parsed.data.map((entry) => entry.id).filter((id): id is string => typeof id === 'string');
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
