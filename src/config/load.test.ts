import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';

function writeConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'modelmux-config-')), 'modelmux.yaml');
  writeFileSync(path, text);
  return path;
}

const example = `providers:
  - id: local-a
    type: openai-compatible
    base_url: http://127.0.0.1:9001/v1/
    api_key: \${LOCAL_A_KEY}
    models:
      - id: llama-3.1-8b
        upstream: meta-llama/Llama-3.1-8B-Instruct
        input_price: 0.05
        output_price: 0.08
        context_window: 131072
`;

test('the documented example loads, with ${VAR} interpolated', () => {
  const config = loadConfig({ path: writeConfig(example), env: { LOCAL_A_KEY: 'secret-a' } });
  assert.equal(config.port, 4000);
  assert.equal(config.providers.length, 1);
  const [provider] = config.providers;
  assert.equal(provider.baseUrl, 'http://127.0.0.1:9001/v1');
  assert.equal(provider.apiKey, 'secret-a');
  assert.deepEqual(provider.models[0], {
    id: 'llama-3.1-8b',
    upstream: 'meta-llama/Llama-3.1-8B-Instruct',
    inputPrice: 0.05,
    outputPrice: 0.08,
    cachedInputPrice: null,
    contextWindow: 131072,
    maxOutput: null,
    capabilities: {},
    license: null,
    openWeights: null,
  });
  assert.equal(config.routing.sort, 'throughput');
  assert.ok(config.presets.some((preset) => preset.name === 'coding'));
});

test('routing, model details and data policy are read, with their mistakes named', () => {
  const text = `routing:
  default: cheapest
  max_attempts: 3
  breaker: { failure_threshold: 2, cooldown_ms: 500, max_cooldown_ms: 5000 }
  commercial_use: true
providers:
  - id: local-a
    type: openai-compatible
    base_url: http://127.0.0.1:9001/v1
    data_policy: { training: false, retention_days: 0 }
    models:
      - id: my-model
        max_output: 4096
        capabilities: { tools: false, vision: true }
        license: cc-by-nc-4.0
        commercial_use: false
        open_weights: true
`;
  const config = loadConfig({ path: writeConfig(text), env: {} });
  assert.equal(config.routing.sort, 'price');
  assert.equal(config.routing.maxAttempts, 3);
  assert.deepEqual(config.routing.breaker, { failureThreshold: 2, cooldownMs: 500, maxCooldownMs: 5000 });
  assert.equal(config.routing.commercialUse, true);
  const [provider] = config.providers;
  assert.deepEqual(provider.dataPolicy, { training: false, retentionDays: 0 });
  assert.deepEqual(provider.models[0].capabilities, { tools: false, vision: true });
  assert.deepEqual(provider.models[0].license, { name: 'cc-by-nc-4.0', commercial: false });
  assert.throws(() => loadConfig({ path: writeConfig('routing:\n  default: fastestest\n'), env: {} }), /routing\.default|default/);
  assert.throws(() => loadConfig({ path: writeConfig('routing:\n  backoff_ms: 500\n  max_backoff_ms: 100\n'), env: {} }), /max_backoff_ms/);
});

test('an unset variable names the file, the line and the fix; ${VAR:-} makes it optional', () => {
  const path = writeConfig(example);
  assert.throws(() => loadConfig({ path, env: {} }), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: environment variable LOCAL_A_KEY is not set\\. Fix: export LOCAL_A_KEY`));
    return true;
  });
  const optional = loadConfig({ path: writeConfig(example.replace('${LOCAL_A_KEY}', '${LOCAL_A_KEY:-}')), env: {} });
  assert.equal(optional.providers[0].apiKey, null);
});

test('mistakes are reported with line and fix', () => {
  const cases: [string, RegExp][] = [
    [example.replace('base_url: http://127.0.0.1:9001/v1/', 'base_url: not a url'), /:4: providers\[0\]\.base_url: "not a url" is not a URL\. Fix:/],
    [example.replace('input_price: 0.05', 'input_price: cheap'), /:9: providers\[0\]\.models\[0\]\.input_price: expected a number >= 0, got string "cheap"/],
    [example.replace('context_window: 131072', 'context_windw: 131072'), /:11: providers\[0\]\.models\[0\]\.context_windw: unknown key "context_windw"\. Fix: did you mean "context_window"\?/],
    [example.replace('type: openai-compatible', 'type: carrier-pigeon'), /:3: providers\[0\]\.type: unknown provider type "carrier-pigeon"\. Fix: use one of: openai, azure, anthropic, .*openai-compatible\./],
    ['providers:\n  - id: a\n    type: openai-compatible\n     base_url: x\n', /:\d+: invalid YAML/],
    ['server:\n  port: 99999\n', /:2: server\.port: expected a whole number from 0 to 65535/],
    [example + example.replace('providers:\n', ''), /:12: providers\[1\]\.id: provider id "local-a" is used twice/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => loadConfig({ path: writeConfig(text), env: { LOCAL_A_KEY: 'k' } }), (error: Error) => {
      assert.ok(error instanceof ConfigError, error.message);
      assert.match(error.message, expected);
      return true;
    });
  }
});

test('a missing file is a clear error', () => {
  assert.throws(() => loadConfig({ path: '/nonexistent/modelmux.yaml', env: {} }), /\/nonexistent\/modelmux\.yaml: file not found\. Fix:/);
});

test('known providers are configured from their environment variable alone', () => {
  const config = loadConfig({ env: { GROQ_API_KEY: 'gsk-test', HF_TOKEN: 'hf-test', UNRELATED: 'x' } });
  assert.deepEqual(config.providers.map((provider) => [provider.id, provider.baseUrl, provider.apiKey]), [
    ['groq', 'https://api.groq.com/openai/v1', 'gsk-test'],
    ['huggingface', 'https://router.huggingface.co/v1', 'hf-test'],
  ]);
  assert.deepEqual(config.sources, ['environment (groq, huggingface)']);
});

test('a file provider of a known type gets its URL and key from the catalogue of providers', () => {
  const config = loadConfig({ path: writeConfig('providers:\n  - id: groq-eu\n    type: groq\n'), env: { GROQ_API_KEY: 'gsk-x' } });
  assert.equal(config.providers[0].baseUrl, 'https://api.groq.com/openai/v1');
  assert.equal(config.providers[0].apiKey, 'gsk-x');
  assert.deepEqual(config.providers.map((provider) => provider.id), ['groq-eu', 'groq']);
});

test('server settings and timeouts are read, sizes accept units', () => {
  const config = loadConfig({
    path: writeConfig('server:\n  port: 8080\n  body_limit: 64mb\n  log_level: warn\ntimeouts:\n  first_byte_ms: 5000\n'),
    env: {},
  });
  assert.equal(config.port, 8080);
  assert.equal(config.bodyLimitBytes, 64 * 1024 * 1024);
  assert.equal(config.logLevel, 'warn');
  assert.equal(config.timeouts.firstByteMs, 5000);
  assert.equal(config.timeouts.connectMs, 10_000);
});

test('MODELMUX_<PROVIDER>_BASE_URL points an environment provider elsewhere; an SDK\'s OPENAI_BASE_URL does not', () => {
  const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-x', MODELMUX_OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1/', OPENAI_BASE_URL: 'http://127.0.0.1:4000/v1' } });
  assert.equal(config.providers[0].baseUrl, 'http://127.0.0.1:9999/v1');
  assert.throws(() => loadConfig({ env: { GROQ_API_KEY: 'k', MODELMUX_GROQ_BASE_URL: 'nonsense' } }), /provider "groq" has base URL "nonsense", which is not an http\(s\) URL\. Fix: set MODELMUX_GROQ_BASE_URL/);
});

test('values that would break every request are refused; ${VAR} in an unquoted number is a number', () => {
  assert.throws(() => loadConfig({ path: writeConfig('timeouts:\n  total_ms: 3000000000\n'), env: {} }), /:2: timeouts\.total_ms: expected a whole number from 1 to 2147483647/);
  assert.throws(() => loadConfig({ path: writeConfig('server:\n  body_limit: 0kb\n'), env: {} }), /:2: server\.body_limit: "0kb" is not a usable limit/);
  const config = loadConfig({ path: writeConfig('server:\n  port: ${PORT}\n  host: "${HOST_NAME}"\n'), env: { PORT: '4100', HOST_NAME: '0.0.0.0' } });
  assert.equal(config.port, 4100);
  assert.equal(config.host, '0.0.0.0');
});

test('connection limits are read from server:, with documented defaults and their mistakes named', () => {
  const defaults = loadConfig({ env: {} }).connections;
  assert.deepEqual(defaults, { maxConnections: null, headersTimeoutMs: 10_000, bodyTimeoutMs: 60_000, keepAliveTimeoutMs: 65_000, streamUnreadTimeoutMs: 30_000 });
  const text = 'server:\n  max_connections: 500\n  headers_timeout_ms: 5000\n  body_timeout_ms: 30000\n  keep_alive_timeout_ms: 5000\n';
  assert.deepEqual(loadConfig({ path: writeConfig(text), env: {} }).connections, { maxConnections: 500, headersTimeoutMs: 5000, bodyTimeoutMs: 30_000, keepAliveTimeoutMs: 5000, streamUnreadTimeoutMs: 30_000 });
  assert.throws(() => loadConfig({ path: writeConfig('server:\n  headers_timeout_ms: 0\n'), env: {} }), /:2: server\.headers_timeout_ms: expected a whole number from 1/);
  assert.throws(() => loadConfig({ path: writeConfig('server:\n  max_connections: 0\n'), env: {} }), /server\.max_connections: expected a whole number from 1/);
  assert.throws(() => loadConfig({ path: writeConfig('server:\n  headers_timeout_ms: 5000\n  body_timeout_ms: 1000\n'), env: {} }), /:3: server\.body_timeout_ms: `body_timeout_ms` is shorter than `headers_timeout_ms`/);
  assert.throws(() => loadConfig({ path: writeConfig('server:\n  keepalive_timeout_ms: 5000\n'), env: {} }), /did you mean "keep_alive_timeout_ms"/);
});

test('a shutdown\'s drain and grace are read from server:, 0 skipping a phase', () => {
  assert.deepEqual(loadConfig({ env: {} }).shutdown, { drainMs: 5_000, graceMs: 20_000 });
  assert.deepEqual(loadConfig({ path: writeConfig('server:\n  shutdown_drain_ms: 0\n  shutdown_grace_ms: 45000\n'), env: {} }).shutdown, { drainMs: 0, graceMs: 45_000 });
  assert.throws(() => loadConfig({ path: writeConfig('server:\n  shutdown_grace_ms: -1\n'), env: {} }), /:2: server\.shutdown_grace_ms: expected a whole number from 0/);
});

test('the store of minted Responses items: an hour and 64 MiB by default, both settable, 0 memory keeping none', () => {
  assert.deepEqual(loadConfig({ env: {} }).responseItems, { ttlMs: 3_600_000, maxBytes: 64 * 1024 * 1024 });
  const set = loadConfig({ path: writeConfig('server:\n  response_items_ttl_ms: 600000\n  response_items_memory: 16mb\n'), env: {} });
  assert.deepEqual(set.responseItems, { ttlMs: 600_000, maxBytes: 16 * 1024 * 1024 });
  assert.equal(loadConfig({ path: writeConfig('server:\n  response_items_memory: 0\n'), env: {} }).responseItems?.maxBytes, 0);
  assert.throws(() => loadConfig({ path: writeConfig('server:\n  response_items_ttl_ms: 0\n'), env: {} }), ConfigError);
});

test("the admin key is read without the whitespace around it (a secret file's last newline)", () => {
  const config = loadConfig({ env: { MODELMUX_ADMIN_KEY: '  mm-admin-0123456789abcdef\n' } });
  assert.equal(config.adminKey, 'mm-admin-0123456789abcdef');
});
