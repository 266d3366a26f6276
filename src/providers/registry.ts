// The providers the gateway can reach: their connection pools, credentials and the models they
// listed at start (or when they came up, for a local server started after the gateway). Which model
// names lead to them is the catalog's business (src/routing/catalog.ts).
import { providerSecrets, Redactor } from '../secrets/redactor.ts';
import { Agent } from './http-agent.ts';
import type { ProviderConfig } from './config.ts';
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
  /** Cuts this provider's credentials out of whatever it sends back. */
  redactor: Redactor;
}

export class ProviderRegistry {
  readonly providers: Provider[];
  private byId = new Map<string, Provider>();

  constructor(configs: ProviderConfig[]) {
    this.providers = configs.map(createProvider);
    for (const provider of this.providers) this.byId.set(provider.id, provider);
  }

  get(id: string): Provider | null {
    return this.byId.get(id) ?? null;
  }

  /** A provider that came up after start (a local model server); its id must be new. */
  add(config: ProviderConfig): Provider {
    if (this.byId.has(config.id)) throw new Error(`provider "${config.id}" is already registered`);
    const provider = createProvider(config);
    this.providers.push(provider);
    this.byId.set(provider.id, provider);
    return provider;
  }

  /** Asks each provider that lists its models (`GET /models`), bounded by its connect timeout. */
  async discover(logger: Logger, providers: readonly Provider[] = this.providers): Promise<void> {
    await Promise.all(
      providers
        .filter((provider) => provider.config.discoverModels)
        .map(async (provider) => {
          try {
            const ids = await fetchModelIds(provider);
            for (const id of ids) provider.discovered.add(id);
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
    redactor: new Redactor(providerSecrets(config)),
  };
}

// Never passed on, whatever the patterns say: hop-by-hop and framing headers (the body is
// re-serialised), and the client's own credentials unless a pattern names them exactly.
const neverForwarded = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-type', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection']);
const credentials = new Set(['authorization', 'x-api-key', 'api-key', 'cookie']);
/** A caller's own provider keys (`x-modelmux-key-<provider>`) go only into that provider's auth header. */
export const clientKeyPrefix = 'x-modelmux-key-';
/** Headers addressed to the gateway itself (keys, strict mode, internal calls) never go upstream. */
const gatewayHeaderPrefix = 'x-modelmux-';

export function headerMatcher(patterns: string[]): ((name: string) => boolean) | null {
  if (patterns.length === 0) return null;
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith('*')));
  const prefixes = patterns.filter((pattern) => pattern.endsWith('*')).map((pattern) => pattern.slice(0, -1));
  return (name) => {
    if (neverForwarded.has(name) || name.startsWith(gatewayHeaderPrefix)) return false;
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
