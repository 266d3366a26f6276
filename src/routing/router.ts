// Turns a model name (with its suffix, fallbacks and the client's preferences) into a ranked list of
// provider offers to try, and the reason for each offer left out. It learns from every attempt:
// live figures for "fastest", circuit breakers for the failing, stickiness for prompt caches.
import { randomUUID } from 'node:crypto';
import type { Catalog, Offer } from './catalog.ts';
import type { RouteSort, RoutingConfig } from './config.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { ModelTarget } from './catalog.ts';
import { Breakers } from './breaker.ts';
import type { BreakerStatus } from './breaker.ts';
import { exclusionReason } from './filters.ts';
import type { RouteNeeds } from './needs.ts';
import type { ProviderPreferences } from './preferences.ts';
import { blendedPrice, rank } from './rank.ts';
import type { Figures, Ranked } from './rank.ts';
import { LiveStats } from './stats.ts';
import type { Measurement } from './stats.ts';
import { StickyRoutes } from './sticky.ts';

export interface RouteRequest {
  model: string;
  /** `models`: tried in order once the model's own providers are exhausted. */
  fallbacks: string[];
  preferences: ProviderPreferences | null;
  needs: RouteNeeds;
  commercialUse: boolean;
  /** Identifies the conversation for sticky routing (see sticky.ts); computed only when it matters. */
  stickyKey: () => string | null;
  /** With `provider.require_parameters`: the request's parameters this offer would drop. */
  droppedBy?: (offer: Offer) => string[];
}

export interface Candidate extends Ranked {
  target: ModelTarget;
  breaker: BreakerStatus;
  /** Its breaker lets a request through now (closed, or due for a probe). */
  available: boolean;
  /** Chosen first because the conversation's prompt cache is there. */
  sticky: boolean;
}

export interface Exclusion {
  model: string;
  provider: string;
  upstream: string;
  reason: string;
}

export interface RoutePlan {
  id: string;
  /** How the first model's offers were ordered. */
  sort: RouteSort;
  candidates: Candidate[];
  excluded: Exclusion[];
  /** Requested names that lead to no model at all. */
  unknown: string[];
  /** What the requested model (the first name) is reported and counted as, before any attempt names
   * its own; null when that name leads to no model. */
  requested: Pick<ModelTarget, 'publicId' | 'metricsLabel'> | null;
}

/** OpenRouter's and Hugging Face's policy suffixes. */
const suffixSorts: Record<string, RouteSort> = { cheapest: 'price', floor: 'price', fastest: 'throughput', nitro: 'throughput' };

interface Resolved {
  offers: Offer[];
  sort: RouteSort | null;
  /** Pinned to one provider by `<provider>/<name>` or `:<provider>`: no stickiness, no reordering. */
  pinned: boolean;
}

export class Router {
  readonly catalog: Catalog;
  readonly stats: LiveStats;
  readonly breakers: Breakers;
  readonly sticky: StickyRoutes;
  private registry: ProviderRegistry;
  private config: RoutingConfig;

  /** `now` is the clock of the cooldowns, the fading of live figures and stickiness (tests pass a fake one). */
  constructor(catalog: Catalog, registry: ProviderRegistry, config: RoutingConfig, options: { now?: () => number } = {}) {
    this.catalog = catalog;
    this.registry = registry;
    this.config = config;
    const now = options.now ?? Date.now;
    this.stats = new LiveStats({ now });
    this.breakers = new Breakers({ ...config.breaker, now });
    this.sticky = new StickyRoutes({ ttlMs: config.stickyTtlMs, now });
  }

  plan(request: RouteRequest): RoutePlan {
    const plan: RoutePlan = { id: `route-${randomUUID()}`, sort: this.config.sort, candidates: [], excluded: [], unknown: [], requested: null };
    const seen = new Set<string>();
    const names = [request.model];
    for (const name of request.fallbacks) if (name !== request.model) names.push(name);
    // Loops, not callbacks: V8 compiled a large callback made per request again after each full
    // collection (BENCHMARKS.md, "2026-12-07 (evening)").
    for (let index = 0; index < names.length; index++) {
      const name = names[index];
      const resolved = this.resolve(name);
      if (!resolved) {
        plan.unknown.push(name);
        continue;
      }
      const preferences = request.preferences;
      const sort = resolved.sort ?? preferences?.sort ?? (preferences?.order ? 'order' : this.config.sort);
      if (index === 0) {
        plan.sort = sort;
        if (resolved.offers.length > 0) plan.requested = reportedNames(resolved.offers[0], name);
      }
      const eligible: Ranked[] = [];
      for (const offer of resolved.offers) {
        if (seen.has(offer.key)) continue;
        seen.add(offer.key);
        const reason = exclusionReason(offer, { needs: request.needs, preferences, commercialUse: request.commercialUse }) ?? this.droppedReason(offer, request);
        if (reason) plan.excluded.push({ model: offer.model.id, provider: offer.provider.id, upstream: offer.upstream, reason });
        else eligible.push({ offer, figures: this.figures(offer) });
      }
      const candidates: Candidate[] = [];
      for (const item of orderByPreference(rank(eligible, sort), preferences?.order ?? null)) candidates.push(this.candidate(item, name));
      // Providers behind an open breaker stay as a last resort.
      candidates.sort(availableFirst);
      // Stickiness serves the default policy; an explicit sort, order or pin is the client's choice.
      const explicit = resolved.pinned || resolved.sort !== null || preferences?.sort || preferences?.order;
      if (index === 0 && !explicit) this.preferSticky(candidates, request.stickyKey);
      plan.candidates.push(...candidates);
    }
    return plan;
  }

  /** After an attempt that answered: its figures, its breaker, and the conversation's provider. */
  succeeded(candidate: Candidate, measurement: Omit<Measurement, 'ok'>, stickyKey: string | null): void {
    // A client's own guess of a name (`<provider>/<anything>`) is not worth remembering.
    if (!candidate.offer.listed) return;
    this.stats.record(candidate.offer.key, { ok: true, ...measurement });
    this.breakers.success(candidate.offer.key);
    if (stickyKey && this.config.sticky) this.sticky.set(stickyKey, candidate.offer.key);
  }

  failed(candidate: Candidate, options: { retryAfterMs: number | null; fatal: boolean }): void {
    if (!candidate.offer.listed) return;
    this.stats.record(candidate.offer.key, { ok: false });
    this.breakers.failure(candidate.offer.key, options);
  }

  /** Names the client can use, for an unknown-model error. */
  knownNames(limit: number): string[] {
    return this.catalog.served().slice(0, limit).map((entry) => entry.model.id);
  }

  /** A catalog name, then a name with one policy or provider suffix, then `<provider>/<name>`
   * (whose name may itself hold colons, as Ollama's `llama3:8b` does). */
  private resolve(name: string): Resolved | null {
    const entry = this.catalog.find(name);
    if (entry) return { offers: entry.offers, sort: null, pinned: false };
    const colon = name.lastIndexOf(':');
    const suffix = colon > 0 ? name.slice(colon + 1).toLowerCase() : '';
    const policy = Object.hasOwn(suffixSorts, suffix) ? suffixSorts[suffix] : null;
    if (colon > 0) {
      const base = this.catalog.find(name.slice(0, colon));
      if (base && policy) return { offers: base.offers, sort: policy, pinned: false };
      const offers = base?.offers.filter((offer) => offer.provider.id.toLowerCase() === suffix || offer.provider.config.kind === suffix) ?? [];
      if (offers.length > 0) return { offers, sort: 'order', pinned: true };
    }
    return this.pin(policy ? name.slice(0, colon) : name) ?? this.pin(name);
  }

  private pin(name: string): Resolved | null {
    const slash = name.indexOf('/');
    if (slash <= 0) return null;
    const provider = this.registry.get(name.slice(0, slash));
    const upstream = name.slice(slash + 1);
    return provider && upstream !== '' ? { offers: [this.catalog.pinned(provider, upstream)], sort: null, pinned: true } : null;
  }

  private droppedReason(offer: Offer, request: RouteRequest): string | null {
    if (!request.preferences?.requireParameters || !request.droppedBy) return null;
    const dropped = request.droppedBy(offer);
    return dropped.length > 0 ? `it cannot honour ${dropped.join(', ')} (provider.require_parameters is true)` : null;
  }

  private figures(offer: Offer): Figures {
    return { ...this.stats.get(offer.key), price: blendedPrice(offer) };
  }

  private candidate(item: Ranked, requested: string): Candidate {
    const { offer } = item;
    return {
      ...item,
      target: { ...reportedNames(offer, requested), provider: offer.provider, upstreamModel: offer.upstream, offer },
      breaker: this.breakers.status(offer.key),
      available: this.breakers.available(offer.key),
      sticky: false,
    };
  }

  private preferSticky(candidates: Candidate[], conversation: () => string | null): void {
    if (!this.config.sticky || candidates.length < 2) return;
    const stickyKey = conversation();
    const key = stickyKey === null ? null : this.sticky.get(stickyKey);
    const index = key === null ? -1 : candidates.findIndex((candidate) => candidate.offer.key === key);
    if (index < 0 || !this.breakers.available(key!)) return;
    const [chosen] = candidates.splice(index, 1);
    chosen.sticky = true;
    candidates.unshift(chosen);
  }
}

/** How an offer of the model asked for as `requested` is reported, and counted in the metrics: a
 * known model by its name, a client's guess at `<provider>/<name>` as `<provider>/*`, so that clients
 * sending arbitrary names cannot grow the metrics without bound. */
function reportedNames(offer: Offer, requested: string): Pick<ModelTarget, 'publicId' | 'metricsLabel'> {
  return {
    publicId: offer.model.catalogued || offer.listed ? offer.model.id : requested,
    metricsLabel: offer.listed ? offer.model.id : `${offer.provider.id}/*`,
  };
}

/** `provider.order` first, in its order; the rest keep their rank after them. */
function orderByPreference(items: Ranked[], order: string[] | null): Ranked[] {
  if (!order) return items;
  const position = (item: Ranked): number => {
    const byId = order.indexOf(item.offer.provider.id.toLowerCase());
    const index = byId >= 0 ? byId : order.indexOf(item.offer.provider.config.kind.toLowerCase());
    return index < 0 ? order.length : index;
  };
  return items.map((item, index) => ({ item, index, position: position(item) })).sort((a, b) => a.position - b.position || a.index - b.index).map(({ item }) => item);
}

/** Healthy (or due for a probe) first; then those behind an open breaker, soonest-due first. */
function availableFirst(a: Candidate, b: Candidate): number {
  return Number(!a.available) - Number(!b.available) || (a.available ? 0 : (a.breaker.retryAt ?? 0) - (b.breaker.retryAt ?? 0));
}
