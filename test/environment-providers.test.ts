// A provider configured from its environment variable alone works end to end: its key goes upstream
// as a bearer token, `<provider>/<model>` reaches it, and models it lists are callable by bare name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { loadConfig } from '../src/config/load.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { closeAtOnce, createGateway } from '../src/http/server.ts';
import { createLogger } from '../src/telemetry/logger.ts';

test('GROQ_API_KEY (with MODELMUX_GROQ_BASE_URL aimed at the simulator) configures groq with no file', async () => {
  const simulator = await startSimulator({ port: 0, knobs: { ttftMs: 0, tokensPerSecond: 0 } });
  const config = loadConfig({ env: { GROQ_API_KEY: 'gsk-environment-key-123456', MODELMUX_GROQ_BASE_URL: `${simulator.url}/v1` } });
  config.port = 0;
  const logs: string[] = [];
  const gateway = createGateway(config, { logger: createLogger('debug', { write: (line: string) => logs.push(line) }) });
  const address = await gateway.listen();
  try {
    await gateway.registry.discover(gateway.logger);
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${address.port}/v1`, apiKey: 'unused', maxRetries: 0 });

    const { data: prefixed, response: prefixedResponse } = await client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    // A catalogued model is named by its catalog id, in the answer as in x-modelmux-model.
    assert.equal(prefixed.model, 'meta-llama/Llama-3.1-8B-Instruct');
    assert.equal(prefixedResponse.headers.get('x-modelmux-model'), prefixed.model);
    const received = simulator.requests.at(-1)!;
    assert.equal(received.headers.authorization, 'Bearer gsk-environment-key-123456');
    assert.equal((received.body as { model: string }).model, 'llama-3.1-8b-instant');

    const bare = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    assert.equal(bare.response.headers.get('x-modelmux-provider'), 'groq');
    const listed = [];
    for await (const model of client.models.list()) listed.push(model.id);
    // Listed by its bare name (discovered), beside the catalog's models groq serves.
    assert.ok(listed.includes('fast'));
    assert.ok(listed.includes('meta-llama/Llama-3.3-70B-Instruct'));
    const catalogued = await client.chat.completions.create({ model: 'llama-3.3-70b', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal((simulator.requests.at(-1)!.body as { model: string }).model, 'llama-3.3-70b-versatile');
    assert.equal(catalogued.object, 'chat.completion');
    assert.ok(logs.every((line) => !line.includes('gsk-environment-key-123456')));
  } finally {
    await gateway.close(closeAtOnce);
    await simulator.close();
  }
});
