// What a request may say about routing, in OpenRouter's words so that its clients work unchanged: the
// `provider` object (order, only, ignore, allow_fallbacks, sort, max_price, require_parameters,
// data_collection) and `models` (fallback models). A wrong type is the client's mistake (400); an
// OpenRouter field modelmux does not act on is accepted and named in x-modelmux-dropped-params.
import type { RouteSort } from './config.ts';
import { invalidRequest } from '../errors/gateway-error.ts';

export interface ProviderPreferences {
  /** Providers (ids or kinds) to try first, in this order. */
  order: string[] | null;
  /** Only these providers. */
  only: string[] | null;
  ignore: string[];
  /** False: never go beyond `order` (and the model's own providers are not ranked in). */
  allowFallbacks: boolean;
  sort: RouteSort | null;
  /** USD per 1M tokens. */
  maxPrice: { prompt: number | null; completion: number | null } | null;
  /** Only providers that honour every parameter of the request (none dropped in translation). */
  requireParameters: boolean;
  /** `deny`: only providers known not to train on or keep the data. */
  dataCollection: 'allow' | 'deny';
  /** Fields accepted but not acted on, as `provider.<name>`. */
  ignored: string[];
}

const sorts: Record<string, RouteSort> = { price: 'price', throughput: 'throughput', latency: 'latency' };
const known = new Set(['order', 'only', 'ignore', 'allow_fallbacks', 'sort', 'max_price', 'require_parameters', 'data_collection']);

export function readPreferences(value: unknown): ProviderPreferences | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('`provider` must be an object such as {"order": ["groq", "together"], "sort": "price"}', 'provider');
  const raw = value as Record<string, unknown>;
  const preferences: ProviderPreferences = {
    order: names(raw.order, 'order'),
    only: names(raw.only, 'only'),
    ignore: names(raw.ignore, 'ignore') ?? [],
    allowFallbacks: flag(raw.allow_fallbacks, 'allow_fallbacks') ?? true,
    sort: sortOf(raw.sort),
    maxPrice: maxPriceOf(raw.max_price),
    requireParameters: flag(raw.require_parameters, 'require_parameters') ?? false,
    dataCollection: dataCollectionOf(raw.data_collection),
    ignored: Object.keys(raw).filter((key) => !known.has(key)).map((key) => `provider.${key}`),
  };
  return preferences;
}

/** `models`: fallback models after `model`, in order. */
export function readFallbackModels(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) throw invalidRequest('`models` must be a list of model names, tried in order after `model`', 'models');
  if (value.length > 16) throw invalidRequest('`models` may list at most 16 fallback models', 'models');
  for (const name of value as string[]) checkModelName(name, 'models');
  return value as string[];
}

/** Model names are short; a longer one is a mistake (and must not cost the router time or memory). */
export const maxModelNameLength = 256;

export function checkModelName(name: string, param = 'model'): void {
  if (name.length > maxModelNameLength) throw invalidRequest(`a model name may be at most ${maxModelNameLength} characters (got ${name.length})`, param);
}

function names(value: unknown, field: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalidRequest(`\`provider.${field}\` must be a list of provider names`, `provider.${field}`);
  return (value as string[]).map((name) => name.toLowerCase());
}

function flag(value: unknown, field: string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw invalidRequest(`\`provider.${field}\` must be true or false`, `provider.${field}`);
  return value;
}

function sortOf(value: unknown): RouteSort | null {
  if (value === undefined || value === null) return null;
  // OpenRouter also accepts `{ "by": "price" }`.
  const name = typeof value === 'object' && !Array.isArray(value) ? (value as { by?: unknown }).by : value;
  if (typeof name !== 'string' || !Object.hasOwn(sorts, name)) throw invalidRequest('`provider.sort` must be "price", "throughput" or "latency"', 'provider.sort');
  return sorts[name];
}

function maxPriceOf(value: unknown): ProviderPreferences['maxPrice'] {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('`provider.max_price` must be an object such as {"prompt": 1, "completion": 2} (USD per 1M tokens)', 'provider.max_price');
  const raw = value as Record<string, unknown>;
  const price = (field: string): number | null => {
    const amount = raw[field];
    if (amount === undefined || amount === null) return null;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) throw invalidRequest(`\`provider.max_price.${field}\` must be a price in USD per 1M tokens`, `provider.max_price.${field}`);
    return amount;
  };
  return { prompt: price('prompt'), completion: price('completion') };
}

function dataCollectionOf(value: unknown): 'allow' | 'deny' {
  if (value === undefined || value === null) return 'allow';
  if (value !== 'allow' && value !== 'deny') throw invalidRequest('`provider.data_collection` must be "allow" or "deny"', 'provider.data_collection');
  return value;
}
