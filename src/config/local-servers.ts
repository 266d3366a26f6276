// Open-weight servers on this machine (Ollama, vLLM, llama.cpp, LM Studio) become providers when
// they answer `GET /v1/models` on their default port at start; nothing to configure.
import { localProvider } from './providers.ts';
import type { GatewayConfig } from './types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ProviderDefinition } from '../providers/definition.ts';
import { providerDefinitions } from '../providers/definitions/index.ts';

const probeTimeoutMs = 500;

/** Adds each local server found; returns their ids. Never fails: a server that is not there is
 * simply not added. */
export async function discoverLocalServers(config: GatewayConfig, logger: Logger, definitions: readonly ProviderDefinition[] = providerDefinitions): Promise<string[]> {
  const candidates = definitions.filter(
    (definition) => definition.localPort !== undefined && definition.localPort !== config.port && !config.providers.some((provider) => provider.id === definition.id),
  );
  const found = await Promise.all(
    candidates.map(async (definition) => {
      const url = `http://127.0.0.1:${definition.localPort}/v1/models`;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(probeTimeoutMs) });
        const body = (await response.json()) as { data?: unknown };
        return response.ok && Array.isArray(body.data) ? definition : null;
      } catch {
        return null;
      }
    }),
  );
  const added: string[] = [];
  for (const definition of found) {
    if (!definition) continue;
    const provider = localProvider(definition, config.timeouts);
    provider.baseUrl = `http://127.0.0.1:${definition.localPort}/v1`;
    config.providers.push(provider);
    added.push(definition.id);
    logger.info('local model server found', { provider: definition.id, url: `http://127.0.0.1:${definition.localPort}/v1` });
  }
  return added;
}
