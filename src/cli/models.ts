// `modelmux models`: the catalog as this configuration sees it, one row per provider offer: the
// provider's name for the model, prices, limits, capabilities and licence.
import { parseArgs } from 'node:util';
import { builtinCatalog } from '../catalog/builtin.ts';
import { Catalog } from '../routing/catalog.ts';
import type { ModelInfo, Offer } from '../routing/catalog.ts';
import { ProviderRegistry } from '../providers/registry.ts';
import { describeModel } from '../http/models.ts';
import { loadCommandConfig } from './config.ts';
import type { CommandIo } from './io.ts';
import { processIo } from './io.ts';
import { formatTable } from './table.ts';

const usage = `Usage: modelmux models [options]

Lists the models this configuration serves: one row per provider offer, with prices (USD per 1M
tokens), context window, capabilities (T tools, V vision, J JSON schema, R reasoning) and licence.

Options:
  --config PATH   modelmux.yaml to read (env MODELMUX_CONFIG; default ./modelmux.yaml if present)
  --all           also list catalog models that no configured provider serves
  --json          print the GET /v1/models list instead of a table
  -h, --help      show this help`;

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    io.log(usage);
    return 0;
  }
  const config = loadCommandConfig(values.config, io);
  if (!config) return 1;
  const registry = new ProviderRegistry(config.providers);
  try {
    const catalog = new Catalog(config.routing.builtinCatalog ? builtinCatalog : null, registry.providers);
    const served = catalog.served();
    const unserved = values.all ? catalog.unservedModels() : [];
    if (values.json) {
      io.log(JSON.stringify({ object: 'list', data: [...served, ...unserved.map((model) => ({ model, offers: [] }))].map((entry) => describeModel(entry, catalog)) }, null, 2));
      return 0;
    }
    const rows = served.flatMap((entry) => entry.offers.map((offer) => row(entry.model, offer)));
    for (const model of unserved) {
      const catalogued = builtinCatalog.models.find((candidate) => candidate.id === model.id);
      for (const offer of catalogued?.offers ?? []) {
        rows.push([model.id, `(${offer.provider})`, offer.upstream, price(offer.prices?.input), price(offer.prices?.output), count(offer.contextWindow ?? model.contextWindow), capabilities(model.capabilities), licence(model)]);
      }
    }
    io.log(formatTable(['MODEL', 'PROVIDER', 'UPSTREAM NAME', 'IN $/1M', 'OUT $/1M', 'CONTEXT', 'CAPS', 'LICENCE'], rows));
    const providerCount = registry.providers.length;
    io.log(`\n${served.length} models from ${providerCount} configured provider${providerCount === 1 ? '' : 's'}; catalog ${catalog.version ?? 'off'}.` +
      (values.all ? ' Providers in parentheses are not configured.' : ` ${catalog.unservedModels().length} more catalog models need a provider (--all lists them).`) +
      (providerCount === 0 ? '\nNo provider is configured: `modelmux serve` would serve the simulated demo models (sim/fast, sim/slow, sim/echo). docs/providers.md says how to add one.' : ''));
    return 0;
  } finally {
    await registry.close();
  }
}

function row(model: ModelInfo, offer: Offer): string[] {
  return [model.id, offer.provider.id, offer.upstream, price(offer.prices?.input), price(offer.prices?.output), count(offer.contextWindow), capabilities(offer.capabilities), licence(model)];
}

function price(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(value < 1 ? 3 : 2);
}

function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return value >= 1_000_000 ? `${Number((value / 1_000_000).toFixed(1))}M` : value >= 1000 ? `${Math.round(value / 1000)}k` : String(value);
}

function capabilities(capabilities: ModelInfo['capabilities']): string {
  return `${capabilities.tools ? 'T' : '.'}${capabilities.vision ? 'V' : '.'}${capabilities.jsonSchema ? 'J' : '.'}${capabilities.reasoning ? 'R' : '.'}`;
}

function licence(model: ModelInfo): string {
  if (!model.license) return '-';
  return model.license.commercial ? model.license.name : `${model.license.name} (non-commercial)`;
}
