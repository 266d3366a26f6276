// The admin API's key fields: read from a request body (snake_case, dollars, ISO dates or durations)
// into a KeyRecord patch, and shown back (never the hash). Every mistake is a 400 naming the field.
import type { Budget, BudgetPeriod, KeyRecord, SpendStatus } from '../store/store.ts';
import { invalidRequest } from '../errors/gateway-error.ts';
import { fromMicroCents, toMicroCents } from './cost.ts';
import { isoTime, parseTime, timeFormats } from './times.ts';

export type KeyFields = Partial<Omit<KeyRecord, 'id' | 'hash' | 'prefix' | 'createdAt' | 'revokedAt'>>;

const fieldNames = ['name', 'team', 'allowed_models', 'budget', 'credits_usd', 'requests_per_minute', 'tokens_per_minute', 'expires_at', 'expires_in', 'metadata', 'commercial_use'];
const periods: readonly BudgetPeriod[] = ['day', 'month', 'total'];

/** Reads the fields present in `body`; `null` clears a field. */
export function readKeyFields(body: Record<string, unknown>, now: number): KeyFields {
  for (const name of Object.keys(body)) {
    if (!fieldNames.includes(name)) throw invalidRequest(`unknown field "${name}"; key fields are: ${fieldNames.join(', ')}`, name);
  }
  const fields: KeyFields = {};
  if ('name' in body) fields.name = optionalText(body.name, 'name');
  if ('team' in body) fields.team = optionalText(body.team, 'team');
  if (fields.team === '') throw invalidRequest('`team` must not be empty; send null for a key of no team', 'team');
  if ('allowed_models' in body) fields.allowedModels = patterns(body.allowed_models);
  if ('budget' in body) fields.budget = budget(body.budget);
  if ('credits_usd' in body) fields.creditsUnits = body.credits_usd === null ? null : toMicroCents(dollars(body.credits_usd, 'credits_usd'));
  if ('requests_per_minute' in body) fields.requestsPerMinute = perMinute(body.requests_per_minute, 'requests_per_minute');
  if ('tokens_per_minute' in body) fields.tokensPerMinute = perMinute(body.tokens_per_minute, 'tokens_per_minute');
  if ('expires_at' in body && 'expires_in' in body) throw invalidRequest('give `expires_at` or `expires_in`, not both', 'expires_in');
  if ('expires_at' in body) fields.expiresAt = expiresAt(body.expires_at, now);
  if ('expires_in' in body) fields.expiresAt = body.expires_in === null ? null : expiresIn(body.expires_in, now);
  if ('metadata' in body) fields.metadata = metadata(body.metadata);
  if ('commercial_use' in body) {
    if (typeof body.commercial_use !== 'boolean') throw invalidRequest('`commercial_use` must be true or false', 'commercial_use');
    fields.commercialUse = body.commercial_use;
  }
  return fields;
}

/** A key as the admin API shows it: its prefix, never its hash or secret. */
export function keyView(key: KeyRecord, spend?: SpendStatus): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: key.id,
    object: 'key',
    prefix: key.prefix,
    name: key.name,
    team: key.team,
    allowed_models: key.allowedModels,
    budget: key.budget === null ? null : { limit_usd: fromMicroCents(key.budget.limitUnits), period: key.budget.period, hard: key.budget.hard },
    credits_usd: key.creditsUnits === null ? null : fromMicroCents(key.creditsUnits),
    requests_per_minute: key.requestsPerMinute,
    tokens_per_minute: key.tokensPerMinute,
    expires_at: isoOrNull(key.expiresAt),
    metadata: key.metadata,
    commercial_use: key.commercialUse,
    created_at: isoTime(key.createdAt),
    revoked_at: isoOrNull(key.revokedAt),
  };
  if (spend) {
    view.spend = {
      spent_usd: fromMicroCents(spend.spentUnits),
      reserved_usd: fromMicroCents(spend.reservedUnits),
      credits_usd: spend.creditsUnits === null ? null : fromMicroCents(spend.creditsUnits),
      resets_at: isoOrNull(spend.resetAt),
    };
  }
  return view;
}

/** Never throws, whatever the store holds: a key must always list, so that it can be revoked. */
function isoOrNull(at: number | null): string | null {
  return at === null ? null : isoTime(at);
}

function optionalText(value: unknown, name: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length > 200) throw invalidRequest(`\`${name}\` must be a string of at most 200 characters, or null`, name);
  return value;
}

function patterns(value: unknown): string[] {
  if (value === null) return [];
  if (!Array.isArray(value) || value.length > 100 || !value.every((item) => typeof item === 'string' && item !== '' && item.length <= 256)) {
    throw invalidRequest('`allowed_models` must be a list of model names or patterns with `*` (e.g. ["gpt-4.1*", "meta-llama/*"]); [] or null allows every model', 'allowed_models');
  }
  return value as string[];
}

function budget(value: unknown): Budget | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('`budget` must be {"limit_usd": 50, "period": "month", "hard": true}, or null', 'budget');
  const input = value as Record<string, unknown>;
  const period = input.period ?? 'month';
  if (!periods.includes(period as BudgetPeriod)) throw invalidRequest('`budget.period` must be "day", "month" or "total"', 'budget.period');
  if (input.hard !== undefined && typeof input.hard !== 'boolean') throw invalidRequest('`budget.hard` must be true (refuse over it) or false (allow, and flag)', 'budget.hard');
  return { limitUnits: toMicroCents(dollars(input.limit_usd, 'budget.limit_usd')), period: period as BudgetPeriod, hard: input.hard !== false };
}

function dollars(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1e7) throw invalidRequest(`\`${name}\` must be an amount in USD from 0 to 10,000,000`, name);
  return value;
}

function perMinute(value: unknown, name: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidRequest(`\`${name}\` must be a whole number of at least 0, or null for no limit`, name);
  return value;
}

/** A key made already expired, or changed to be, is a mistake (to stop a key now, revoke it). */
function expiresAt(value: unknown, now: number): number | null {
  if (value === null) return null;
  const at = parseTime(value);
  if (at === null) throw invalidRequest(`\`expires_at\` must be ${timeFormats}`, 'expires_at');
  if (at <= now) throw invalidRequest(`\`expires_at\` (${isoTime(at)}) is not in the future; to stop a key now, revoke it (DELETE /admin/keys/<id>)`, 'expires_at');
  return at;
}

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "15m", "12h", "30d": at least a second, at most 999,999 days (which ends before 9999). */
function expiresIn(value: unknown, now: number): number {
  const match = typeof value === 'string' ? /^(\d{1,6})([smhd])$/.exec(value.trim()) : null;
  const duration = match ? Number(match[1]) * units[match[2]] : 0;
  if (duration <= 0) throw invalidRequest('`expires_in` must be a duration of at least 1s, such as "12h" or "30d"', 'expires_in');
  return now + duration;
}

function metadata(value: unknown): Record<string, string> {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('`metadata` must be an object of strings', 'metadata');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50 || !entries.every(([name, item]) => typeof item === 'string' && name.length <= 100 && item.length <= 1000)) {
    throw invalidRequest('`metadata` must be an object of at most 50 strings (names up to 100 characters, values up to 1,000)', 'metadata');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
