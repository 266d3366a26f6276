// Loads the gateway configuration: an optional modelmux.yaml (with ${VAR} interpolation), then every
// known provider whose API key is in the environment. Mistakes are reported with the file, the line
// and the fix, before the server starts.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import { logLevels } from '../telemetry/logger.ts';
import { defaultBodyLimitBytes, defaultHost, defaultPort, defaultResponseItems, defaultTimeouts } from './types.ts';
import { readCompare } from './compare.ts';
import { connectionKeys, readConnectionLimits, readShutdownTiming } from './connections.ts';
import { readFusions } from './fusions.ts';
import { readPresets } from './presets.ts';
import { addEnvironmentProviders, readProvider, readTimeouts } from './providers.ts';
import { readRouting } from './routing.ts';
import type { GatewayConfig } from './types.ts';
import { ConfigError, Validator } from './validate.ts';
import type { Path } from './validate.ts';

export { ConfigError } from './validate.ts';
export { baseUrlVariable } from './providers.ts';

export interface LoadOptions {
  /** Path of modelmux.yaml; none means environment only. */
  path?: string;
  env?: Record<string, string | undefined>;
}

export function loadConfig(options: LoadOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const sources: string[] = [];
  let raw: Record<string, unknown> = {};
  let validator = new Validator('environment', () => null);
  if (options.path) {
    const parsed = parseFile(options.path, env);
    raw = parsed.data;
    validator = parsed.validator;
    sources.push(options.path);
  }
  const config = buildConfig(raw, validator, env);
  const added = addEnvironmentProviders(config.providers, config.timeouts, env);
  if (added.length > 0) sources.push(`environment (${added.join(', ')})`);
  config.sources = sources;
  return config;
}

function parseFile(path: string, env: Record<string, string | undefined>): { data: Record<string, unknown>; validator: Validator } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(`${path}: ${reason}. Fix: pass an existing file to --config, or omit it to configure from the environment.`);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line;
  if (document.errors.length > 0) {
    const first = document.errors[0];
    throw new ConfigError(`${path}:${lineOf(first.pos[0])}: invalid YAML: ${first.message.split('\n')[0]}. Fix: check indentation and quoting on that line.`);
  }
  interpolateEnvironment(document, env, (offset, message) => new ConfigError(`${path}:${lineOf(offset)}: ${message}`));
  const data = document.toJS() ?? {};
  const validator = new Validator(path, (keys) => {
    const node = document.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineOf(node.range[0]);
    // The key may exist without a value node; fall back to its parent's position.
    return keys.length > 0 ? lineOfParent(document, keys.slice(0, -1), lineOf) : null;
  });
  if (typeof data !== 'object' || Array.isArray(data)) throw validator.error([], 'the file must be a mapping with keys such as `providers:`', 'start the file with `providers:`');
  return { data: data as Record<string, unknown>, validator };
}

function lineOfParent(document: Document, keys: Path, lineOf: (offset: number) => number): number | null {
  const node = (keys.length === 0 ? document.contents : document.getIn(keys, true)) as { range?: [number, number, number] } | null;
  return node?.range ? lineOf(node.range[0]) : null;
}

// `${VAR}` is replaced by the variable's value, `${VAR:-fallback}` uses the fallback when the variable
// is unset or empty, and `$${` is a literal `${`.
function interpolateEnvironment(document: Document, env: Record<string, string | undefined>, fail: (offset: number, message: string) => Error): void {
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      const offset = node.range?.[0] ?? 0;
      const replaced = node.value.replace(/\$?\$\{([^}]*)\}/g, (match: string, inner: string) => {
        if (match.startsWith('$$')) return match.slice(1);
        const [name, fallback] = splitFallback(inner);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw fail(offset, `"\${${inner}}" is not a valid variable reference. Fix: use \${NAME} or \${NAME:-default}.`);
        const value = env[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== null) return fallback;
        throw fail(offset, `environment variable ${name} is not set. Fix: export ${name}, or write \${${name}:-} to make it optional.`);
      });
      // An unquoted `port: ${PORT}` means the number, as it would had the value been written there.
      node.value = node.type === 'PLAIN' ? plainValue(replaced) : replaced;
    },
  });
}

function plainValue(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

function splitFallback(inner: string): [string, string | null] {
  const index = inner.indexOf(':-');
  return index === -1 ? [inner.trim(), null] : [inner.slice(0, index).trim(), inner.slice(index + 2)];
}

function buildConfig(raw: Record<string, unknown>, check: Validator, env: Record<string, string | undefined>): GatewayConfig {
  check.keys(raw, [], ['server', 'timeouts', 'providers', 'routing', 'presets', 'fusions', 'compare']);
  const server = check.optionalMap(raw.server, ['server']);
  check.keys(server, ['server'], ['host', 'port', 'body_limit', 'log_level', 'strict_params', 'discover_local', 'data_dir', 'admin_key', 'response_items_ttl_ms', 'response_items_memory', ...connectionKeys]);
  const timeouts = readTimeouts(raw.timeouts, ['timeouts'], defaultTimeouts, check);
  const providersRaw = raw.providers === undefined || raw.providers === null ? [] : raw.providers;
  if (!Array.isArray(providersRaw)) throw check.error(['providers'], '`providers` must be a list', 'write each provider as a list item starting with `- id: ...`');
  const providers = providersRaw.map((entry, index) => readProvider(entry, ['providers', index], timeouts, check, env));
  const seen = new Set<string>();
  providers.forEach((provider, index) => {
    if (seen.has(provider.id)) throw check.error(['providers', index, 'id'], `provider id "${provider.id}" is used twice`, 'give each provider a distinct id');
    seen.add(provider.id);
  });
  return {
    host: check.optionalString(server.host, ['server', 'host']) ?? defaultHost,
    port: check.optionalInteger(server.port, ['server', 'port'], 0, 65535) ?? defaultPort,
    bodyLimitBytes: readByteSize(server.body_limit, ['server', 'body_limit'], check) ?? defaultBodyLimitBytes,
    logLevel: check.optionalChoice(server.log_level, ['server', 'log_level'], logLevels) ?? 'info',
    strictParams: check.optionalBoolean(server.strict_params, ['server', 'strict_params']) ?? false,
    discoverLocal: check.optionalBoolean(server.discover_local, ['server', 'discover_local']) ?? env.MODELMUX_DISCOVER_LOCAL !== '0',
    timeouts,
    providers,
    routing: readRouting(raw.routing, ['routing'], check),
    presets: readPresets(raw.presets, ['presets'], check),
    fusions: readFusions(raw.fusions, ['fusions'], check),
    compare: readCompare(raw.compare, ['compare'], check),
    dataDir: check.optionalString(server.data_dir, ['server', 'data_dir']) ?? nonEmpty(env.MODELMUX_DATA_DIR),
    adminKey: readAdminKey(server.admin_key, env, check),
    connections: readConnectionLimits(server, ['server'], check),
    shutdown: readShutdownTiming(server, ['server'], check),
    responseItems: {
      ttlMs: check.optionalInteger(server.response_items_ttl_ms, ['server', 'response_items_ttl_ms'], 1, 2_147_483_647) ?? defaultResponseItems.ttlMs,
      // 0 keeps none: every reference to a minted item is then refused.
      maxBytes: server.response_items_memory === 0 ? 0 : (readByteSize(server.response_items_memory, ['server', 'response_items_memory'], check) ?? defaultResponseItems.maxBytes),
    },
    sources: [],
  };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value;
}

/** The admin key from `server.admin_key` or MODELMUX_ADMIN_KEY; short keys are refused, since it
 * guards every other key. Whitespace around it (a secret file's last newline) is not part of it: no
 * client could send it in a header. */
function readAdminKey(value: unknown, env: Record<string, string | undefined>, check: Validator): string | null {
  const key = (check.optionalString(value, ['server', 'admin_key']) ?? nonEmpty(env.MODELMUX_ADMIN_KEY))?.trim() ?? null;
  if (key !== null && key.length < 16) throw check.error(['server', 'admin_key'], 'the admin key is shorter than 16 characters', 'use a long random value, e.g. from `openssl rand -base64 32`');
  return key;
}

function readByteSize(value: unknown, path: Path, check: Validator): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(value) : null;
  if (!match) throw check.error(path, `"${String(value)}" is not a size`, 'write a byte count or a size such as 32mb');
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  const bytes = Math.round(Number(match[1]) * factor);
  if (bytes < 1) throw check.error(path, `"${String(value)}" is not a usable limit`, 'write a size above zero such as 32mb');
  return bytes;
}
