// Open-weight servers on this machine (Ollama, vLLM, llama.cpp, LM Studio) become providers when
// they answer `GET /v1/models` on their default port: at start, and, for a server started after the
// gateway, at the next of the probes that follow every 30 seconds. Nothing to configure.
import type { ProviderConfig } from '../providers/config.ts';
import type { ProviderDefinition } from '../providers/definition.ts';
import { Agent } from '../providers/http-agent.ts';
import { providerDefinitions } from '../providers/definitions/index.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Catalog } from '../routing/catalog.ts';
import type { Logger } from '../telemetry/logger.ts';
import { localProvider } from './providers.ts';
import type { GatewayConfig } from './types.ts';

const probeTimeoutMs = 500;
const watchIntervalMs = 30_000;

/** Adds each local server found to the configuration; returns their ids. Never fails: a server that
 * is not there is simply not added. */
export async function discoverLocalServers(config: GatewayConfig, logger: Logger, definitions: readonly ProviderDefinition[] = providerDefinitions): Promise<string[]> {
  const found = await probeLocalServers(config, definitions);
  for (const provider of found) {
    config.providers.push(provider);
    logger.info('local model server found', { provider: provider.id, url: provider.baseUrl });
  }
  return found.map((provider) => provider.id);
}

export interface LocalServerWatch {
  /** One round of probes now (what the timer runs); resolves with the ids of the servers added. */
  probe(): Promise<string[]>;
  stop(): void;
}

/**
 * Probes again, every 30 seconds, for the local servers that are not providers yet, and adds each
 * that answers to the running gateway with the models it lists. The timer never keeps the process
 * alive, a round never overlaps the last one, and the watch ends once every local kind is there.
 */
export function watchLocalServers(config: GatewayConfig, gateway: { registry: ProviderRegistry; catalog: Catalog }, logger: Logger, options: { intervalMs?: number; definitions?: readonly ProviderDefinition[] } = {}): LocalServerWatch {
  const definitions = options.definitions ?? providerDefinitions;
  let round: Promise<string[]> | null = null;
  const probe = (): Promise<string[]> => (round ??= addFound(config, gateway, logger, definitions).finally(() => (round = null)));
  const timer = setInterval(() => {
    void probe().then(() => {
      if (localCandidates(config, definitions).length === 0) clearInterval(timer);
    });
  }, options.intervalMs ?? watchIntervalMs);
  timer.unref();
  return { probe, stop: () => clearInterval(timer) };
}

async function addFound(config: GatewayConfig, gateway: { registry: ProviderRegistry; catalog: Catalog }, logger: Logger, definitions: readonly ProviderDefinition[]): Promise<string[]> {
  const found = await probeLocalServers(config, definitions);
  for (const providerConfig of found) {
    config.providers.push(providerConfig);
    const provider = gateway.registry.add(providerConfig);
    // Its models are known before routing sees it, so a bare model name finds it at once.
    await gateway.registry.discover(logger, [provider]);
    gateway.catalog.addProvider(provider);
    logger.info('local model server found after start', { provider: provider.id, url: providerConfig.baseUrl, models: provider.discovered.size });
  }
  return found.map((provider) => provider.id);
}

/** The local servers not yet configured that answer on their port, as provider configurations. */
async function probeLocalServers(config: GatewayConfig, definitions: readonly ProviderDefinition[]): Promise<ProviderConfig[]> {
  // The gateway's own HTTP client, not fetch: fetch would load Node's bundled copy of undici (a
  // second HTTP client and its parser) into a process that never uses it again, 10 MB or more.
  // Its connections end with the round.
  const agent = new Agent({ connect: { timeout: probeTimeoutMs } });
  const found = await Promise.all(
    localCandidates(config, definitions).map(async (definition) => {
      try {
        const response = await agent.request({ origin: `http://127.0.0.1:${definition.localPort}`, path: '/v1/models', method: 'GET', signal: AbortSignal.timeout(probeTimeoutMs) });
        const body = (await response.body.json()) as { data?: unknown };
        return response.statusCode >= 200 && response.statusCode < 300 && Array.isArray(body.data) ? definition : null;
      } catch {
        return null;
      }
    }),
  ).finally(() => agent.close().catch(() => {}));
  return found.filter((definition) => definition !== null).map((definition) => {
    const provider = localProvider(definition, config.timeouts);
    provider.baseUrl = `http://127.0.0.1:${definition.localPort}/v1`;
    return provider;
  });
}

/** Local kinds with a port that is not the gateway's own and no provider of their id yet. */
function localCandidates(config: GatewayConfig, definitions: readonly ProviderDefinition[]): ProviderDefinition[] {
  return definitions.filter((definition) => definition.localPort !== undefined && definition.localPort !== config.port && !config.providers.some((provider) => provider.id === definition.id));
}
