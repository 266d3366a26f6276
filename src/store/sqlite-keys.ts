// How a KeyRecord maps onto a row of the `keys` table and back: the budget spread over three columns,
// lists and metadata as JSON, booleans as 0/1. Kept apart so the store's logic reads in records.
import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { BudgetPeriod, KeyRecord } from './store.ts';

/** The furthest a Date reaches either side of 1970, in ms. */
const dateLimit = 8.64e15;

export const keyColumns = [
  'id', 'hash', 'prefix', 'name', 'team', 'allowed_models', 'budget_limit_units', 'budget_period', 'budget_hard',
  'credits_units', 'requests_per_minute', 'tokens_per_minute', 'expires_at', 'metadata', 'commercial_use',
  'created_at', 'revoked_at',
] as const;

/** Values in the order of keyColumns. `checked` is what is new in the record (all of it, for a new
 * key): a field an older gateway stored out of range must not stop a change to another one. */
export function keyValues(record: KeyRecord, checked: Partial<KeyRecord> = record): SQLInputValue[] {
  checkKey(checked);
  return [
    record.id, record.hash, record.prefix, record.name, record.team, JSON.stringify(record.allowedModels),
    record.budget?.limitUnits ?? null, record.budget?.period ?? null, record.budget === null ? null : Number(record.budget.hard),
    record.creditsUnits, record.requestsPerMinute, record.tokensPerMinute, record.expiresAt,
    JSON.stringify(record.metadata), Number(record.commercialUse), record.createdAt, record.revokedAt,
  ];
}

export function keyFromRow(row: { [column: string]: SQLOutputValue }): KeyRecord {
  return {
    id: String(row.id),
    hash: String(row.hash),
    prefix: String(row.prefix),
    name: nullableText(row.name),
    team: nullableText(row.team),
    allowedModels: JSON.parse(String(row.allowed_models)) as string[],
    budget: row.budget_limit_units === null
      ? null
      : { limitUnits: Number(row.budget_limit_units), period: String(row.budget_period) as BudgetPeriod, hard: row.budget_hard === 1 },
    creditsUnits: nullableNumber(row.credits_units),
    requestsPerMinute: nullableNumber(row.requests_per_minute),
    tokensPerMinute: nullableNumber(row.tokens_per_minute),
    expiresAt: nullableNumber(row.expires_at),
    metadata: JSON.parse(String(row.metadata)) as Record<string, string>,
    commercialUse: row.commercial_use === 1,
    createdAt: Number(row.created_at),
    revokedAt: nullableNumber(row.revoked_at),
  };
}

/** Money must be whole units, or sums stop being exact; times must be whole milliseconds a Date can
 * hold, or every listing of the key throws. Caught where the record comes in. */
function checkKey(record: Partial<KeyRecord>): void {
  for (const name of ['createdAt', 'expiresAt', 'revokedAt'] as const) {
    const at = record[name];
    if (at !== undefined && at !== null && !(Number.isSafeInteger(at) && Math.abs(at) <= dateLimit)) throw new RangeError(`${name} must be epoch milliseconds a Date can hold, got ${at}`);
  }
  if (record.budget !== undefined && record.budget !== null) {
    checkUnits('budget.limitUnits', record.budget.limitUnits);
    if (!['day', 'month', 'total'].includes(record.budget.period)) throw new RangeError(`budget.period must be day, month or total, got ${JSON.stringify(record.budget.period)}`);
  }
  if (record.creditsUnits !== undefined && record.creditsUnits !== null && !Number.isSafeInteger(record.creditsUnits)) throw new RangeError(`creditsUnits must be an integer, got ${record.creditsUnits}`);
}

export function checkUnits(name: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`${name} must be a non-negative integer of 1e-8 USD units, got ${value}`);
}

function nullableText(value: SQLOutputValue): string | null {
  return value === null ? null : String(value);
}

function nullableNumber(value: SQLOutputValue): number | null {
  return value === null ? null : Number(value);
}
