// What each kind of provider really receives: its auth header (a SigV4 signature for Bedrock, an
// OAuth bearer for Vertex, x-api-key for Anthropic, ...), its fixed headers, and the client headers
// it is allowed; and that no credential appears in any log line. Also: local servers are found.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { providerAt } from '../src/config/providers.ts';
import { defaultTimeouts } from '../src/config/types.ts';
import type { GatewayConfig } from '../src/config/types.ts';
import type { ProviderDefinition } from '../src/providers/definition.ts';
import { discoverLocalServers } from '../src/config/local-servers.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const awsSecret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const awsSession = 'session-token-value-123456';
const vertexToken = 'ya29.vertex-access-token-0123456789';

describe('provider authentication', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      extraProviders: (simulator) => {
        const bedrock = providerAt('bedrock', 'aws-signed', simulator, defaultTimeouts);
        Object.assign(bedrock.settings, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: awsSecret, AWS_SESSION_TOKEN: awsSession });
        const vertex = providerAt('vertex', 'vertex', `${simulator}/v1beta`, defaultTimeouts);
        vertex.settings.GOOGLE_VERTEX_ACCESS_TOKEN = vertexToken;
        return [
          bedrock,
          vertex,
          providerAt('anthropic', 'anthropic', `${simulator}/v1`, defaultTimeouts, 'sk-ant-test-key-0123456789'),
          providerAt('azure', 'azure', `${simulator}/v1`, defaultTimeouts, 'azure-key-0123456789'),
          providerAt('gemini', 'gemini', `${simulator}/v1beta`, defaultTimeouts, 'AIza-test-key-0123456789abcdefghij'),
        ];
      },
    });
  });
  after(() => stack.close());

  async function lastHeaders(model: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 20 }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    await response.arrayBuffer();
    return stack.simulator.requests.at(-1)?.headers as Record<string, unknown>;
  }

  test('Bedrock requests are signed with SigV4, session token included', async () => {
    const headers = await lastHeaders('aws-signed/anthropic.claude-3-haiku-20240307-v1:0');
    assert.match(String(headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    assert.match(String(headers['x-amz-date']), /^\d{8}T\d{6}Z$/);
    assert.equal(headers['x-amz-security-token'], awsSession);
    assert.match(stack.simulator.requests.at(-1)?.path ?? '', /^\/model\/anthropic\.claude-3-haiku-20240307-v1%3A0\/converse$/);
  });

  test('each key-based scheme sends its own header; Anthropic gets its version and the client beta flags', async () => {
    assert.equal((await lastHeaders('vertex/gemini-2.5-flash')).authorization, `Bearer ${vertexToken}`);
    const anthropic = await lastHeaders('anthropic/claude-sonnet-4-5', { 'anthropic-beta': 'interleaved-thinking-2025-05-14' });
    assert.equal(anthropic['x-api-key'], 'sk-ant-test-key-0123456789');
    assert.equal(anthropic['anthropic-version'], '2023-06-01');
    assert.equal(anthropic['anthropic-beta'], 'interleaved-thinking-2025-05-14');
    assert.equal(anthropic.authorization, undefined);
    assert.equal((await lastHeaders('azure/my-deployment'))['api-key'], 'azure-key-0123456789');
    assert.equal((await lastHeaders('gemini/gemini-2.5-flash'))['x-goog-api-key'], 'AIza-test-key-0123456789abcdefghij');
  });

  test('no credential reaches a log line', () => {
    const logs = stack.logs.join('\n');
    for (const secret of [awsSecret, awsSession, vertexToken, 'sk-ant-test-key-0123456789', 'azure-key-0123456789', 'AIza-test-key']) assert.ok(!logs.includes(secret), secret);
  });
});

test('a local model server answering on its port becomes a provider', async () => {
  const stack = await startStack();
  try {
    const port = Number(new URL(stack.simulator.url).port);
    const definition: ProviderDefinition = { id: 'ollama', name: 'Ollama (local)', formats: ['openai-chat'], baseUrl: 'http://127.0.0.1:11434/v1', auth: 'none', env: [], localPort: port };
    const absent: ProviderDefinition = { ...definition, id: 'vllm', localPort: 1 };
    const config: GatewayConfig = { ...stack.gateway.config, providers: [], port: 0, sources: [] };
    const found = await discoverLocalServers(config, createLogger('silent'), [definition, absent]);
    assert.deepEqual(found, ['ollama']);
    assert.equal(config.providers[0].baseUrl, `http://127.0.0.1:${port}/v1`);
    assert.equal(config.providers[0].discoverModels, true);
  } finally {
    await stack.close();
  }
});
