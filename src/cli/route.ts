// `modelmux route MODEL`: the dry run of routing, as a table. It asks the running gateway (whose live
// figures, breakers and stickiness make the ranking); when none answers, it plans from the
// configuration alone, with the priors in place of measurements, and says so.
import { parseArgs } from 'node:util';
import { builtinCatalog } from '../catalog/builtin.ts';
import { Catalog } from '../routing/catalog.ts';
import { ProviderRegistry } from '../providers/registry.ts';
import { Router } from '../routing/router.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { explainQuery } from '../http/route-explain.ts';
import { loadCommandConfig } from './config.ts';
import type { CommandIo } from './io.ts';
import { processIo } from './io.ts';
import { formatTable } from './table.ts';

const usage = `Usage: modelmux route MODEL [options]

Shows how the gateway would route a request for MODEL: the ranked providers with the figures behind
the ranking, and why each excluded one was excluded. Nothing is sent to any provider.

Options:
  --url URL             gateway to ask (env MODELMUX_URL; default http://127.0.0.1:4000)
  --key KEY             the key to ask with (env MODELMUX_API_KEY): stickiness is per caller, so
                        --session shows the conversation of the client that sends this key
  --offline             plan from the configuration, without asking a gateway
  --config PATH         configuration for --offline (default as for serve)
  --tools, --vision, --json-schema, --commercial-use
                        the request uses tools / images / a JSON schema; the caller is commercial
  --prompt-tokens N     prompt size to fit in the context window
  --max-tokens N        answer size to reserve
  --sort S              price | throughput | latency
  --order A,B  --only A,B  --ignore A,B
                        provider preferences (OpenRouter's provider object)
  --models A,B          fallback models
  --session ID          a conversation id (shows stickiness)
  --json                print the JSON answer of GET /v1/route
  -h, --help            show this help`;

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      offline: { type: 'boolean' },
      config: { type: 'string' },
      tools: { type: 'boolean' },
      vision: { type: 'boolean' },
      'json-schema': { type: 'boolean' },
      'commercial-use': { type: 'boolean' },
      'prompt-tokens': { type: 'string' },
      'max-tokens': { type: 'string' },
      sort: { type: 'string' },
      order: { type: 'string' },
      only: { type: 'string' },
      ignore: { type: 'string' },
      models: { type: 'string' },
      session: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    io.log(usage);
    return values.help ? 0 : 2;
  }
  const query = new URLSearchParams({ model: positionals[0] });
  for (const name of ['tools', 'vision', 'json-schema', 'commercial-use'] as const) if (values[name]) query.set(name.replace('-', '_'), 'true');
  for (const name of ['prompt-tokens', 'max-tokens', 'sort', 'order', 'only', 'ignore', 'models', 'session'] as const) {
    const value = values[name];
    if (value !== undefined) query.set(name.replace('-', '_'), value);
  }
  const url = (values.url ?? io.env.MODELMUX_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  let answer: Record<string, any> | null = null;
  let source = `live, from ${url}`;
  if (!values.offline) answer = await ask(url, query, values.key ?? process.env.MODELMUX_API_KEY ?? null);
  if (answer === null) {
    answer = await planOffline(query, values.config, io);
    if (answer === null) return 1;
    source = values.offline ? 'offline, from the configuration (no live figures)' : `offline: no gateway answered at ${url}; from the configuration, with priors in place of live figures`;
  }
  if ('error' in answer) {
    io.error(`modelmux: ${answer.error.message}`);
    return 1;
  }
  if (values.json) {
    io.log(JSON.stringify(answer, null, 2));
    return 0;
  }
  io.log(`Route for ${answer.model} (${source})\nPolicy: ${answer.policy.description}\n`);
  const rows = (answer.candidates as Record<string, any>[]).map((candidate) => [
    String(candidate.rank),
    candidate.provider,
    candidate.upstream,
    candidate.blended_price === null ? '-' : candidate.blended_price.toFixed(3),
    String(candidate.ttft_ms),
    String(candidate.tokens_per_second),
    `${(candidate.error_rate * 100).toFixed(1)}%`,
    candidate.measured ? String(candidate.samples) : 'prior',
    candidate.breaker.state,
    candidate.sticky ? 'sticky' : '',
  ]);
  io.log(rows.length > 0 ? formatTable(['#', 'PROVIDER', 'UPSTREAM NAME', '$/1M', 'TTFT MS', 'TOK/S', 'ERRORS', 'SAMPLES', 'BREAKER', ''], rows) : 'No provider can take this request.');
  for (const exclusion of answer.excluded as { provider: string; model: string; reason: string }[]) io.log(`  excluded ${exclusion.provider} (${exclusion.model}): ${exclusion.reason}`);
  for (const name of answer.unknown as string[]) io.log(`  unknown model: ${name}`);
  return 0;
}

/** The gateway's own answer, or null when no gateway is listening there. */
async function ask(url: string, query: URLSearchParams, key: string | null): Promise<Record<string, any> | null> {
  try {
    const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
    const response = await fetch(`${url}/v1/route?${query}`, { headers, signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as Record<string, any>;
  } catch {
    return null;
  }
}

async function planOffline(query: URLSearchParams, configPath: string | undefined, io: CommandIo): Promise<Record<string, any> | null> {
  const config = loadCommandConfig(configPath, io);
  if (!config) return null;
  const registry = new ProviderRegistry(config.providers);
  try {
    const catalog = new Catalog(config.routing.builtinCatalog ? builtinCatalog : null, registry.providers);
    const router = new Router(catalog, registry, config.routing);
    return explainQuery(query, { router, routing: config.routing, presets: config.presets });
  } catch (error) {
    if (error instanceof GatewayError) return { error: { message: error.message } };
    throw error;
  } finally {
    await registry.close();
  }
}
