// The models this gateway can serve and every provider offer behind each: the built-in catalog's
// entries bound to the providers that are configured, then `providers[].models` from the config
// (which add models and override a catalog offer's name, prices and limits), then the models local
// servers and listing providers reported at start, and those of local servers found later.
import type { ModelConfig } from '../providers/config.ts';
import type { Provider } from '../providers/registry.ts';
import type { Capabilities, CatalogData, CatalogModel, CatalogOffer, DataPolicy, License, Prices } from '../catalog/types.ts';

export interface ModelInfo {
  id: string;
  name: string;
  vendor: string | null;
  aliases: string[];
  contextWindow: number | null;
  maxOutput: number | null;
  /** A missing field is unknown (a model only the config or discovery knows). */
  capabilities: Partial<Capabilities>;
  openWeights: boolean | null;
  license: License | null;
  /** Part of the built-in catalog (as opposed to the config or discovery only). */
  catalogued: boolean;
}

/** One provider serving one model, with the figures routing reads. */
export interface Offer {
  model: ModelInfo;
  provider: Provider;
  upstream: string;
  prices: Prices | null;
  contextWindow: number | null;
  maxOutput: number | null;
  /** What this provider supports for the model; a missing field is unknown. */
  capabilities: Partial<Capabilities>;
  dataPolicy: DataPolicy | null;
  /** `<provider id>/<upstream>`: the key of its statistics, circuit breaker and stickiness. */
  key: string;
  /** Known to exist (catalog, config or the provider's own list), as opposed to a client's guess. */
  listed: boolean;
}

export interface ModelEntry {
  model: ModelInfo;
  offers: Offer[];
}

export class Catalog {
  readonly version: string | null;
  private entries = new Map<string, ModelEntry>();
  /** Ids and aliases, exactly and lower-cased. */
  private names = new Map<string, ModelEntry>();
  private readonly data: CatalogData | null;
  private readonly providers: Provider[];
  private dataPolicies: Record<string, DataPolicy>;
  private unserved: ModelInfo[] = [];

  constructor(data: CatalogData | null, providers: readonly Provider[]) {
    this.version = data?.version ?? null;
    this.data = data;
    this.providers = [...providers];
    this.dataPolicies = data?.dataPolicies ?? {};
    for (const model of data?.models ?? []) {
      const entry = this.add(infoOf(model));
      for (const offer of model.offers) {
        for (const provider of providers) this.bind(entry, provider, offer);
      }
      if (entry.offers.length === 0) this.unserved.push(entry.model);
    }
    for (const provider of providers) {
      for (const config of provider.config.models) this.addConfigured(provider, config, data);
    }
  }

  /** A provider that came up after start (a local model server): its catalog offers and configured
   * models join, after those already there. */
  addProvider(provider: Provider): void {
    if (this.providers.includes(provider)) return;
    this.providers.push(provider);
    for (const model of this.data?.models ?? []) {
      const entry = this.entries.get(model.id);
      if (entry) for (const offer of model.offers) this.bind(entry, provider, offer);
    }
    for (const config of provider.config.models) this.addConfigured(provider, config, this.data);
  }

  /** A model by id or alias (exact, then ignoring case), or one a provider listed at start. */
  find(name: string): ModelEntry | null {
    const entry = this.names.get(name) ?? this.names.get(name.toLowerCase());
    if (entry && entry.offers.length > 0) return entry;
    const offers: Offer[] = [];
    let model: ModelInfo | null = null;
    for (const provider of this.providers) {
      if (!provider.discovered.has(name)) continue;
      model ??= entry?.model ?? bareModel(name);
      offers.push(this.offer(model, provider, name, null));
    }
    return model ? { model, offers } : null;
  }

  /** `<provider>/<name>`: that provider's offer of a model it serves (by public id, alias or its own
   * name), else the name passed to it as is. */
  pinned(provider: Provider, name: string): Offer {
    const entry = this.names.get(name) ?? this.names.get(name.toLowerCase());
    const offered = entry?.offers.find((offer) => offer.provider === provider);
    if (offered) return offered;
    for (const known of this.entries.values()) {
      const offer = known.offers.find((candidate) => candidate.provider === provider && candidate.upstream === name);
      if (offer) return offer;
    }
    const model = entry?.model ?? bareModel(`${provider.id}/${name}`);
    const offer = this.offer(model, provider, name, null);
    offer.listed = provider.discovered.has(name);
    return offer;
  }

  /** Every model with at least one offer: the catalog's first, then the config's, then discovered. */
  served(): ModelEntry[] {
    const served = [...this.entries.values()].filter((entry) => entry.offers.length > 0);
    const seen = new Set(served.flatMap((entry) => entry.offers.map((offer) => offer.key)));
    for (const provider of this.providers) {
      for (const upstream of provider.discovered) {
        if (seen.has(`${provider.id}/${upstream}`)) continue;
        const found = this.find(upstream);
        const entry = found && !served.includes(found) ? found : null;
        if (entry) {
          served.push(entry);
          for (const offer of entry.offers) seen.add(offer.key);
        }
      }
    }
    return served;
  }

  /** Catalog models no configured provider serves (for `modelmux models --all`). */
  unservedModels(): ModelInfo[] {
    return this.unserved.filter((model) => (this.entries.get(model.id)?.offers.length ?? 0) === 0);
  }

  private add(model: ModelInfo): ModelEntry {
    const entry: ModelEntry = { model, offers: [] };
    this.entries.set(model.id, entry);
    for (const name of [model.id, ...model.aliases]) {
      if (!this.names.has(name)) this.names.set(name, entry);
      const lower = name.toLowerCase();
      if (!this.names.has(lower)) this.names.set(lower, entry);
    }
    return entry;
  }

  /** The catalog's offer of a model by this provider's kind (or id), unless it already has one. */
  private bind(entry: ModelEntry, provider: Provider, offer: CatalogOffer): void {
    if (provider.config.catalog && (provider.config.kind === offer.provider || provider.id === offer.provider) && !entry.offers.some((known) => known.provider === provider)) {
      entry.offers.push(this.offerFrom(entry.model, provider, offer));
    }
  }

  private addConfigured(provider: Provider, config: ModelConfig, data: CatalogData | null): void {
    let entry = this.names.get(config.id) ?? this.names.get(config.id.toLowerCase());
    if (!entry) {
      entry = this.add({
        ...bareModel(config.id),
        capabilities: { ...config.capabilities },
        contextWindow: config.contextWindow,
        maxOutput: config.maxOutput,
        license: config.license,
        openWeights: config.openWeights,
      });
    } else {
      if (config.license) entry.model.license = config.license;
      if (config.openWeights !== null) entry.model.openWeights = config.openWeights;
    }
    const catalogOffer = data?.models.find((model) => model.id === entry.model.id)?.offers.find((offer) => offer.provider === provider.config.kind || offer.provider === provider.id);
    const existing = entry.offers.findIndex((offer) => offer.provider === provider);
    const base = existing >= 0 ? entry.offers[existing] : this.offerFrom(entry.model, provider, catalogOffer ?? null);
    const upstream = config.upstream || (catalogOffer ? catalogOffer.upstream : config.id);
    const input = config.inputPrice ?? base.prices?.input ?? null;
    const output = config.outputPrice ?? base.prices?.output ?? null;
    const offer: Offer = {
      ...base,
      upstream,
      key: `${provider.id}/${upstream}`,
      prices: input === null || output === null ? null : { input, output, cachedInput: config.cachedInputPrice ?? base.prices?.cachedInput ?? null, cacheWrite: base.prices?.cacheWrite ?? null },
      contextWindow: config.contextWindow ?? base.contextWindow,
      maxOutput: config.maxOutput ?? base.maxOutput,
      capabilities: { ...base.capabilities, ...config.capabilities },
      listed: true,
    };
    if (existing >= 0) entry.offers[existing] = offer;
    else entry.offers.push(offer);
  }

  private offerFrom(model: ModelInfo, provider: Provider, offer: CatalogOffer | null): Offer {
    return this.offer(model, provider, offer?.upstream ?? model.id, offer);
  }

  private offer(model: ModelInfo, provider: Provider, upstream: string, offer: CatalogOffer | null): Offer {
    return {
      model,
      provider,
      upstream,
      prices: offer?.prices ?? null,
      contextWindow: offer?.contextWindow ?? model.contextWindow,
      maxOutput: offer?.maxOutput ?? model.maxOutput,
      capabilities: { ...model.capabilities, ...offer?.capabilities },
      dataPolicy: provider.config.dataPolicy ?? this.dataPolicies[provider.config.kind] ?? null,
      key: `${provider.id}/${upstream}`,
      listed: true,
    };
  }
}

function infoOf(model: CatalogModel): ModelInfo {
  return {
    id: model.id,
    name: model.name,
    vendor: model.vendor,
    aliases: model.aliases,
    contextWindow: model.contextWindow,
    maxOutput: model.maxOutput,
    capabilities: { ...model.capabilities },
    openWeights: model.openWeights,
    license: model.license,
    catalogued: true,
  };
}

function bareModel(id: string): ModelInfo {
  return { id, name: id, vendor: null, aliases: [], contextWindow: null, maxOutput: null, capabilities: {}, openWeights: null, license: null, catalogued: false };
}

/** Where one attempt of a request goes: a provider and its name for the model. */
export interface ModelTarget {
  /** The name the gateway reports (`x-modelmux-model`, the answer's `model`, logs). */
  publicId: string;
  /** The name in metrics: a known model's name, else `<provider>/*`, so that clients sending
   * arbitrary `<provider>/<name>` cannot grow the metrics without bound. */
  metricsLabel: string;
  provider: Provider;
  upstreamModel: string;
  offer: Offer;
}
