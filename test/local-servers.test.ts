// A local model server started after the gateway joins it at the next probe, with the models it
// lists, and is then routed to like any provider; a probe that finds nothing changes nothing.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { builtinCatalog } from '../src/catalog/builtin.ts';
import { Catalog } from '../src/routing/catalog.ts';
import { providerAt } from '../src/config/providers.ts';
import { defaultTimeouts } from '../src/config/types.ts';
import type { ProviderDefinition } from '../src/providers/definition.ts';
import { watchLocalServers } from '../src/config/local-servers.ts';
import { ProviderRegistry } from '../src/providers/registry.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { hello, startStack } from './stack.ts';

/** A port nothing listens on (the moment after it was freed). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a local server that comes up after the gateway is found at the next probe and served', async () => {
  const stack = await startStack();
  const port = await freePort();
  const definition: ProviderDefinition = { id: 'ollama', name: 'Ollama (local)', formats: ['openai-chat'], baseUrl: 'http://127.0.0.1:11434/v1', auth: 'none', env: [], localPort: port };
  const watch = watchLocalServers(stack.gateway.config, stack.gateway, createLogger('silent'), { definitions: [definition], intervalMs: 60_000 });
  const ask = () => fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fast', messages: hello }) });
  let local: Awaited<ReturnType<typeof startSimulator>> | null = null;
  try {
    assert.deepEqual(await watch.probe(), [], 'nothing answers yet');
    assert.equal((await ask()).status, 404);

    local = await startSimulator({ host: '127.0.0.1', port, knobs: { ttftMs: 0, tokensPerSecond: 0 } });
    assert.deepEqual(await watch.probe(), ['ollama']);
    const answer = await ask();
    assert.equal(answer.status, 200, await answer.text());
    assert.equal(answer.headers.get('x-modelmux-provider'), 'ollama');
    const listed = (await (await fetch(`${stack.baseUrl}/v1/models`)).json()) as { data: { id: string }[] };
    assert.ok(listed.data.some((model) => model.id === 'fast'), 'its models are listed');
    assert.equal(((await (await fetch(`${stack.baseUrl}/ready`)).json()) as { providers: number }).providers, 2);
    assert.deepEqual(await watch.probe(), [], 'a server already there is not added twice');
  } finally {
    watch.stop();
    await stack.close();
    await local?.close();
  }
});

test('a provider added at run time brings its catalog offers', async () => {
  const registry = new ProviderRegistry([]);
  const catalog = new Catalog(builtinCatalog, registry.providers);
  try {
    assert.equal(catalog.find('llama-3.3-70b')?.offers.some((offer) => offer.provider.id === 'groq') ?? false, false);
    catalog.addProvider(registry.add(providerAt('groq', 'groq', 'http://127.0.0.1:9/openai/v1', defaultTimeouts)));
    assert.equal(catalog.find('llama-3.3-70b')?.offers.some((offer) => offer.provider.id === 'groq'), true);
    assert.throws(() => registry.add(providerAt('groq', 'groq', 'http://127.0.0.1:9/openai/v1', defaultTimeouts)), /already registered/);
  } finally {
    await registry.close();
  }
});
