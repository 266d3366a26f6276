import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './load.ts';

function fromEnvironment(env: Record<string, string>) {
  return loadConfig({ env }).providers;
}

test('multi-variable providers are configured only when all their variables are set', () => {
  assert.deepEqual(fromEnvironment({ AZURE_OPENAI_API_KEY: 'azure-key-123' }), []);
  assert.deepEqual(fromEnvironment({ AWS_REGION: 'eu-west-1' }), [], 'a region alone does not enable Bedrock');

  const [azure] = fromEnvironment({ AZURE_OPENAI_API_KEY: 'azure-key-123', AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/' });
  assert.equal(azure.baseUrl, 'https://res.openai.azure.com/openai/v1');
  assert.deepEqual([azure.auth, azure.apiKey, azure.formats], ['api-key', 'azure-key-123', ['openai-chat', 'openai-responses']]);

  const [bedrock] = fromEnvironment({ AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret/key+value' });
  assert.equal(bedrock.baseUrl, 'https://bedrock-runtime.eu-west-1.amazonaws.com');
  assert.deepEqual([bedrock.auth, bedrock.formats, bedrock.apiKey], ['aws-sigv4', ['bedrock-converse'], null]);
  assert.equal(bedrock.settings.AWS_SECRET_ACCESS_KEY, 'secret/key+value');

  const [viaKey] = fromEnvironment({ AWS_REGION: 'us-west-2', AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key-1' });
  assert.equal(viaKey.id, 'bedrock');

  const [vertex] = fromEnvironment({ GOOGLE_VERTEX_PROJECT: 'proj', GOOGLE_VERTEX_ACCESS_TOKEN: 'ya29.token' });
  assert.equal(vertex.baseUrl, 'https://us-central1-aiplatform.googleapis.com/v1/projects/proj/locations/us-central1/publishers/google');
  assert.deepEqual([vertex.auth, vertex.formats], ['google-oauth', ['gemini']]);
});

test('known providers carry their auth scheme, formats and quirks', () => {
  const providers = fromEnvironment({ ANTHROPIC_API_KEY: 'sk-ant-1', GEMINI_API_KEY: 'AIza-1', COHERE_API_KEY: 'co-1', OPENAI_API_KEY: 'sk-1' });
  const byId = Object.fromEntries(providers.map((provider) => [provider.id, provider]));
  assert.deepEqual([byId.anthropic.auth, byId.anthropic.formats, byId.anthropic.headers['anthropic-version']], ['x-api-key', ['anthropic'], '2023-06-01']);
  assert.deepEqual(byId.anthropic.forwardHeaders, ['anthropic-beta']);
  assert.deepEqual([byId.gemini.auth, byId.gemini.formats], ['x-goog-api-key', ['gemini']]);
  assert.deepEqual([byId.cohere.streamUsage, byId.cohere.quirks.noStreamOptions], [false, true]);
  assert.equal(byId.openai.quirks.maxTokensField, 'max_completion_tokens');
});

test('a file entry takes settings, a format override and a missing URL variable is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelmux-providers-'));
  const path = join(dir, 'modelmux.yaml');
  writeFileSync(
    path,
    `providers:
  - id: aws
    type: bedrock
    settings: { AWS_REGION: ap-south-1, AWS_ACCESS_KEY_ID: AKID, AWS_SECRET_ACCESS_KEY: s3cret-value }
  - id: claude-proxy
    type: openai-compatible
    base_url: http://127.0.0.1:9100/v1
    format: anthropic
`,
  );
  const [aws, proxy] = loadConfig({ path, env: {} }).providers;
  assert.equal(aws.baseUrl, 'https://bedrock-runtime.ap-south-1.amazonaws.com');
  assert.deepEqual(proxy.formats, ['anthropic']);

  writeFileSync(path, 'providers:\n  - id: az\n    type: azure\n    api_key: k\n');
  assert.throws(() => loadConfig({ path, env: {} }), /modelmux\.yaml:2: provider "azure" needs AZURE_OPENAI_ENDPOINT for its URL\. Fix:/);
  writeFileSync(path, 'providers:\n  - id: x\n    type: openai-compatible\n    base_url: http://h/v1\n    format: smoke-signals\n');
  assert.throws(() => loadConfig({ path, env: {} }), /unknown format "smoke-signals"/);
  writeFileSync(path, 'providers:\n  - id: g\n    type: groq\n    api_key: k\n    client_keys: true\n');
  assert.equal(loadConfig({ path, env: {} }).providers[0].clientKeys, true);
  writeFileSync(path, 'providers:\n  - id: b\n    type: bedrock\n    client_keys: true\n    settings: { AWS_REGION: us-east-1, AWS_ACCESS_KEY_ID: AKID, AWS_SECRET_ACCESS_KEY: s }\n');
  assert.throws(() => loadConfig({ path, env: {} }), /signs its requests \(aws-sigv4\)/);
});
