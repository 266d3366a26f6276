// Providers in the configuration: from modelmux.yaml entries and from the environment, both built
// on a provider definition (src/providers/definitions), so a provider is described in one place.
import { findProviderDefinition, providerDefinitions } from '../providers/definitions/index.ts';
import type { ProviderDefinition } from '../providers/definition.ts';
import type { WireFormat } from '../protocol/ir.ts';
import type { Capabilities, DataPolicy } from '../catalog/types.ts';
import type { ModelConfig, ProviderConfig, Timeouts } from './types.ts';
import { ConfigError } from './validate.ts';
import type { Path, Validator } from './validate.ts';

const wireFormats: readonly WireFormat[] = ['openai-chat', 'openai-responses', 'anthropic', 'gemini', 'bedrock-converse'];

/** Variables an auth scheme reads besides the key. */
const authVariables: Record<string, string[]> = {
  'aws-sigv4': ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK'],
  'google-oauth': ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_VERTEX_ACCESS_TOKEN'],
};

/** `MODELMUX_OPENAI_BASE_URL`, `MODELMUX_GROQ_BASE_URL`, ...: points an environment provider elsewhere
 * (a proxy, a regional endpoint). Prefixed so that an SDK's own `OPENAI_BASE_URL`, often aimed at
 * this gateway, cannot make it call itself. */
export function baseUrlVariable(providerId: string): string {
  return `MODELMUX_${providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BASE_URL`;
}

/** Adds every provider whose variables are all set (or whose base URL is overridden, for local
 * servers), unless the file already defines that id. */
export function addEnvironmentProviders(providers: ProviderConfig[], timeouts: Timeouts, env: Record<string, string | undefined>): string[] {
  const added: string[] = [];
  for (const definition of providerDefinitions) {
    if (providers.some((provider) => provider.id === definition.id)) continue;
    const override = env[baseUrlVariable(definition.id)];
    const enabled = definition.env.length > 0 ? definition.env.every((names) => names.split('|').some((name) => env[name])) : definition.localPort !== undefined && Boolean(override);
    if (!enabled) continue;
    const where = `environment (${definition.id})`;
    providers.push(providerFromDefinition(definition, { id: definition.id, env, settings: {}, apiKey: null, baseUrl: override || null, timeouts, where }));
    added.push(definition.id);
  }
  return added;
}

/** A local server found listening on its port at start. */
export function localProvider(definition: ProviderDefinition, timeouts: Timeouts): ProviderConfig {
  return providerFromDefinition(definition, { id: definition.id, env: {}, settings: {}, apiKey: null, baseUrl: null, timeouts, where: 'local discovery' });
}

/** A provider of a known kind at a given URL, with nothing read from the environment: the demo
 * provider, tests, and anything built in code. */
export function providerAt(kind: string, id: string, baseUrl: string, timeouts: Timeouts, apiKey: string | null = null): ProviderConfig {
  const definition = findProviderDefinition(kind);
  if (!definition) throw new Error(`unknown provider kind "${kind}"`);
  return providerFromDefinition(definition, { id, env: {}, settings: {}, apiKey, baseUrl, timeouts, where: 'code' });
}

interface ProviderFields {
  id: string;
  env: Record<string, string | undefined>;
  /** `settings:` from the file; they win over the environment. */
  settings: Record<string, string>;
  apiKey: string | null;
  baseUrl: string | null;
  timeouts: Timeouts;
  /** For error messages: the file path and entry, or "environment (...)". */
  where: string;
}

export function providerFromDefinition(definition: ProviderDefinition, fields: ProviderFields): ProviderConfig {
  const settings: Record<string, string> = {};
  const wanted = new Set([...definition.env.flatMap((names) => names.split('|')), ...(authVariables[definition.auth] ?? []), ...variablesIn(definition.baseUrl)]);
  for (const name of wanted) {
    const value = fields.env[name];
    if (value) settings[name] = value;
  }
  Object.assign(settings, fields.settings);
  const keyVariable = definition.env[0]?.split('|')[0];
  const keyed = definition.auth !== 'none' && definition.auth !== 'aws-sigv4' && definition.auth !== 'google-oauth';
  const apiKey = fields.apiKey ?? (keyed && keyVariable ? settings[keyVariable] ?? null : null);
  const baseUrl = (fields.baseUrl ?? fillVariables(definition.baseUrl, settings, definition, fields.where)).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(baseUrl) || !URL.canParse(baseUrl)) {
    throw new ConfigError(`${fields.where}: provider "${fields.id}" has base URL "${baseUrl}", which is not an http(s) URL. Fix: set ${baseUrlVariable(fields.id)} or base_url to e.g. http://host:port/v1.`);
  }
  return {
    id: fields.id,
    kind: definition.id,
    formats: [...definition.formats],
    baseUrl,
    auth: definition.auth,
    apiKey,
    settings,
    quirks: { ...definition.quirks },
    headers: { ...definition.headers },
    forwardHeaders: [...(definition.forwardHeaders ?? [])],
    clientKeys: false,
    streamUsage: definition.quirks?.noStreamOptions !== true,
    models: [],
    catalog: true,
    dataPolicy: null,
    discoverModels: definition.listsModels !== false,
    timeouts: fields.timeouts,
    description: null,
  };
}

function variablesIn(template: string): string[] {
  return [...template.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)].map((match) => match[1]);
}

function fillVariables(template: string, settings: Record<string, string>, definition: ProviderDefinition, where: string): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
    // An endpoint written with a trailing slash must not double the one that follows it.
    const value = settings[name]?.replace(/\/+$/, '');
    if (value) return value;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${where}: provider "${definition.id}" needs ${name} for its URL. Fix: export ${name}, or add it under \`settings:\` (or give \`base_url\`).`);
  });
}

/** One entry of `providers:` in modelmux.yaml. */
export function readProvider(entry: unknown, path: Path, defaults: Timeouts, check: Validator, env: Record<string, string | undefined>): ProviderConfig {
  const raw = check.map(entry, path, 'each provider is a mapping with at least `id` and `type`');
  check.keys(raw, path, ['id', 'type', 'format', 'base_url', 'api_key', 'settings', 'headers', 'forward_headers', 'client_keys', 'stream_usage', 'discover_models', 'timeouts', 'models', 'catalog', 'data_policy', 'description']);
  const id = check.requiredString(raw.id, [...path, 'id'], 'add `id: my-provider`');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) throw check.error([...path, 'id'], `provider id "${id}" may only contain letters, digits, ".", "_" and "-"`, 'rename it, e.g. `id: local-a`');
  const type = check.requiredString(raw.type, [...path, 'type'], 'add `type: openai-compatible` (or a known provider such as `type: groq`)');
  const definition = findProviderDefinition(type);
  if (!definition) throw check.error([...path, 'type'], `unknown provider type "${type}"`, `use one of: ${providerDefinitions.map((known) => known.id).join(', ')}`);
  const baseUrl = check.optionalString(raw.base_url, [...path, 'base_url']) ?? null;
  if (baseUrl !== null) {
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw check.error([...path, 'base_url'], `"${baseUrl}" is not a URL`, 'write it as http://host:port/v1');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw check.error([...path, 'base_url'], `base_url must be http or https, not ${parsed.protocol}`, 'write it as http://host:port/v1');
  } else if (definition.id === 'openai-compatible') {
    throw check.error(path, `provider "${id}" has no base_url`, 'add `base_url: http://host:port/v1`');
  }
  const settings = check.optionalStringMap(raw.settings, [...path, 'settings']) ?? {};
  const provider = providerFromDefinition(definition, {
    id,
    env,
    settings,
    apiKey: check.optionalString(raw.api_key, [...path, 'api_key']) || null,
    baseUrl,
    timeouts: readTimeouts(raw.timeouts, [...path, 'timeouts'], defaults, check),
    where: check.location(path),
  });
  const format = readFormats(raw.format, [...path, 'format'], check);
  if (format) provider.formats = format;
  const headers = check.optionalStringMap(raw.headers, [...path, 'headers']);
  if (headers) provider.headers = { ...provider.headers, ...headers };
  const forward = check.optionalStringList(raw.forward_headers, [...path, 'forward_headers']);
  if (forward) provider.forwardHeaders = forward.map((name) => name.toLowerCase());
  provider.clientKeys = check.optionalBoolean(raw.client_keys, [...path, 'client_keys']) ?? false;
  if (provider.clientKeys && !keyAuthSchemes.includes(provider.auth)) {
    throw check.error([...path, 'client_keys'], `provider "${id}" signs its requests (${provider.auth}), so a caller's key cannot replace its credentials`, 'remove client_keys, or use a provider with key-based auth');
  }
  const streamUsage = check.optionalBoolean(raw.stream_usage, [...path, 'stream_usage']);
  if (streamUsage !== undefined) {
    provider.streamUsage = streamUsage;
    provider.quirks.noStreamOptions = !streamUsage;
  }
  // A generic OpenAI-compatible server may or may not list its models; asking costs nothing.
  provider.discoverModels = check.optionalBoolean(raw.discover_models, [...path, 'discover_models']) ?? (definition.id !== 'openai-compatible' && provider.discoverModels);
  const models = raw.models === undefined || raw.models === null ? [] : raw.models;
  if (!Array.isArray(models)) throw check.error([...path, 'models'], '`models` must be a list', 'write each model as `- id: name`');
  provider.models = models.map((model, index) => readModel(model, [...path, 'models', index], check));
  provider.catalog = check.optionalBoolean(raw.catalog, [...path, 'catalog']) ?? true;
  provider.dataPolicy = readDataPolicy(raw.data_policy, [...path, 'data_policy'], check);
  provider.description = check.optionalString(raw.description, [...path, 'description']) ?? null;
  return provider;
}

/** Auth schemes where the credential is one key in one header, which a caller's own key can replace. */
const keyAuthSchemes: readonly string[] = ['bearer', 'x-api-key', 'api-key', 'x-goog-api-key'];

function readFormats(value: unknown, path: Path, check: Validator): WireFormat[] | null {
  if (value === undefined || value === null) return null;
  const list = typeof value === 'string' ? [value] : check.optionalStringList(value, path) ?? [];
  for (const format of list) {
    if (!wireFormats.includes(format as WireFormat)) throw check.error(path, `unknown format "${format}"`, `use one of: ${wireFormats.join(', ')}`);
  }
  if (list.length === 0) throw check.error(path, '`format` is empty', `use one of: ${wireFormats.join(', ')}`);
  return list as WireFormat[];
}

function readModel(entry: unknown, path: Path, check: Validator): ModelConfig {
  const raw = check.map(entry, path, 'each model is a mapping such as `- id: llama-3.1-8b`');
  check.keys(raw, path, ['id', 'upstream', 'input_price', 'output_price', 'cached_input_price', 'context_window', 'max_output', 'capabilities', 'license', 'commercial_use', 'open_weights']);
  const id = check.requiredString(raw.id, [...path, 'id'], 'add `id: <the name clients send>`');
  const capabilitiesRaw = check.optionalMap(raw.capabilities, [...path, 'capabilities']);
  check.keys(capabilitiesRaw, [...path, 'capabilities'], ['tools', 'vision', 'json_schema', 'reasoning']);
  const capabilities: Partial<Capabilities> = {};
  for (const [key, name] of [['tools', 'tools'], ['vision', 'vision'], ['json_schema', 'jsonSchema'], ['reasoning', 'reasoning']] as const) {
    const value = check.optionalBoolean(capabilitiesRaw[key], [...path, 'capabilities', key]);
    if (value !== undefined) capabilities[name] = value;
  }
  const licenseName = check.optionalString(raw.license, [...path, 'license']);
  const commercial = check.optionalBoolean(raw.commercial_use, [...path, 'commercial_use']);
  if (commercial !== undefined && licenseName === undefined) throw check.error([...path, 'commercial_use'], '`commercial_use` describes a licence, and no `license` is given', 'add `license: <name>` (e.g. apache-2.0, cc-by-nc-4.0)');
  return {
    // `upstream` left out means the catalog's name for this provider, or else the id itself.
    id,
    upstream: check.optionalString(raw.upstream, [...path, 'upstream']) ?? '',
    inputPrice: check.optionalNumber(raw.input_price, [...path, 'input_price'], 0) ?? null,
    outputPrice: check.optionalNumber(raw.output_price, [...path, 'output_price'], 0) ?? null,
    cachedInputPrice: check.optionalNumber(raw.cached_input_price, [...path, 'cached_input_price'], 0) ?? null,
    contextWindow: check.optionalInteger(raw.context_window, [...path, 'context_window'], 1) ?? null,
    maxOutput: check.optionalInteger(raw.max_output, [...path, 'max_output'], 1) ?? null,
    capabilities,
    license: licenseName === undefined ? null : { name: licenseName, commercial: commercial ?? true },
    openWeights: check.optionalBoolean(raw.open_weights, [...path, 'open_weights']) ?? null,
  };
}

/** A model entry built in code (the demo provider, tests): unspecified fields are left to the catalog. */
export function modelConfig(fields: Partial<ModelConfig> & { id: string }): ModelConfig {
  return { upstream: '', inputPrice: null, outputPrice: null, cachedInputPrice: null, contextWindow: null, maxOutput: null, capabilities: {}, license: null, openWeights: null, ...fields };
}

function readDataPolicy(value: unknown, path: Path, check: Validator): DataPolicy | null {
  if (value === undefined || value === null) return null;
  const raw = check.map(value, path, 'write `data_policy: { training: false, retention_days: 0 }`');
  check.keys(raw, path, ['training', 'retention_days']);
  const training = check.optionalBoolean(raw.training, [...path, 'training']);
  if (training === undefined) throw check.error([...path, 'training'], '`data_policy` needs `training`', 'add `training: false` (or true if the provider may train on requests)');
  return { training, retentionDays: check.optionalInteger(raw.retention_days, [...path, 'retention_days'], 0) ?? null };
}

export function readTimeouts(value: unknown, path: Path, defaults: Timeouts, check: Validator): Timeouts {
  const raw = check.optionalMap(value, path);
  check.keys(raw, path, ['connect_ms', 'first_byte_ms', 'idle_ms', 'total_ms']);
  // Node timers take at most 2^31-1 ms; a larger value would silently fire at once.
  const field = (key: string, fallback: number): number => check.optionalInteger(raw[key], [...path, key], 1, 2_147_483_647) ?? fallback;
  return {
    connectMs: field('connect_ms', defaults.connectMs),
    firstByteMs: field('first_byte_ms', defaults.firstByteMs),
    idleMs: field('idle_ms', defaults.idleMs),
    totalMs: field('total_ms', defaults.totalMs),
  };
}
