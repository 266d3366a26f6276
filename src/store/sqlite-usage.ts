// The read side of the SQLite store, for the usage API: totals grouped by dimension, and the raw
// ledger paged for CSV export. Totals come from the daily rollup, so their cost grows with days x
// dimensions, not with ledger rows; only the partial days at the ends of a range that does not fall
// on UTC midnights are summed from the ledger (through its `at` index), which keeps results exact for
// any range.
import type { SQLOutputValue, StatementSync } from 'node:sqlite';
import { dayEnd, dayName, dayStart } from './periods.ts';
import type { LedgerRow, UsageQuery, UsageRow } from './store.ts';

/** Prepares a statement once per distinct SQL text and reuses it. */
export type Prepare = (sql: string) => StatementSync;

type Dimension = UsageQuery['groupBy'][number];
type ResultRecord = { [column: string]: SQLOutputValue };

const dimensions: readonly Dimension[] = ['key', 'team', 'model', 'provider', 'day'];

const rollupColumn: { [D in Dimension]: string } = { key: 'key_id', team: 'team', model: 'model', provider: 'provider', day: 'day' };
const ledgerColumn: { [D in Dimension]: string } = {
  key: 'key_id', team: 'team', model: 'model', provider: 'provider', day: `strftime('%Y-%m-%d', at / 1000, 'unixepoch')`,
};

const sums = ['requests', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_units', 'errors'] as const;
const ledgerSums: { [S in typeof sums[number]]: string } = {
  requests: 'count(*)', input_tokens: 'sum(input_tokens)', cached_input_tokens: 'sum(cached_input_tokens)',
  cache_write_tokens: 'sum(cache_write_tokens)', output_tokens: 'sum(output_tokens)', reasoning_tokens: 'sum(reasoning_tokens)',
  cost_units: 'sum(cost_units)', errors: 'sum(status >= 400 OR error_class IS NOT NULL)',
};

export function queryUsage(prepare: Prepare, query: UsageQuery): UsageRow[] {
  for (const dimension of query.groupBy) {
    if (!dimensions.includes(dimension)) throw new RangeError(`cannot group usage by ${JSON.stringify(dimension)}`);
  }
  // The caller's order is the sort order: ['day', 'model'] lists each day's models together.
  const groupBy = [...new Set(query.groupBy)];
  const totals = new Map<string, UsageRow>();
  const add = (records: ResultRecord[]) => {
    for (const record of records) merge(totals, groupBy, record);
  };
  const { from, to } = query;
  if (!(from < to)) return [];
  // Whole UTC days inside [from, to) come from the rollup; the slivers before and after, from the ledger.
  const firstWholeDay = dayStart(from) === from ? from : dayEnd(from);
  const endOfWholeDays = dayStart(to);
  if (firstWholeDay < endOfWholeDays) {
    add(rollupStatement(prepare, groupBy, query).all(...bind(dayName(firstWholeDay), dayName(endOfWholeDays), query)));
    if (from < firstWholeDay) add(ledgerStatement(prepare, groupBy, query).all(...bind(from, firstWholeDay, query)));
    if (endOfWholeDays < to) add(ledgerStatement(prepare, groupBy, query).all(...bind(endOfWholeDays, to, query)));
  } else {
    add(ledgerStatement(prepare, groupBy, query).all(...bind(from, to, query)));
  }
  return [...totals.values()].sort((left, right) => compareGroups(left, right, groupBy));
}

function rollupStatement(prepare: Prepare, groupBy: Dimension[], query: UsageQuery): StatementSync {
  const selected = groupBy.map((dimension) => `${rollupColumn[dimension]} AS "${dimension}"`);
  const where = ['day >= ?', 'day < ?', ...filters(query)];
  return prepare(
    `SELECT ${[...selected, ...sums.map((sum) => `sum(${sum}) AS ${sum}`)].join(', ')} FROM usage_daily`
    + ` WHERE ${where.join(' AND ')}${groupClause(groupBy)}`,
  );
}

function ledgerStatement(prepare: Prepare, groupBy: Dimension[], query: UsageQuery): StatementSync {
  const selected = groupBy.map((dimension) => `${ledgerColumn[dimension]} AS "${dimension}"`);
  const where = [`kind = 'request'`, 'operation IS NULL', 'at >= ?', 'at < ?', ...filters(query)];
  return prepare(
    `SELECT ${[...selected, ...sums.map((sum) => `${ledgerSums[sum]} AS ${sum}`)].join(', ')} FROM ledger`
    + ` WHERE ${where.join(' AND ')}${groupClause(groupBy)}`,
  );
}

function filters(query: { keyId?: string; team?: string }): string[] {
  return [...(query.keyId === undefined ? [] : ['key_id = ?']), ...(query.team === undefined ? [] : ['team = ?'])];
}

function bind(low: number | string, high: number | string, query: { keyId?: string; team?: string }): (number | string)[] {
  return [low, high, ...(query.keyId === undefined ? [] : [query.keyId]), ...(query.team === undefined ? [] : [query.team])];
}

function groupClause(groupBy: Dimension[]): string {
  return groupBy.length === 0 ? '' : ` GROUP BY ${groupBy.map((dimension) => `"${dimension}"`).join(', ')}`;
}

function merge(totals: Map<string, UsageRow>, groupBy: Dimension[], record: ResultRecord): void {
  // SUM over no rows is NULL: an empty range yields one all-NULL row when nothing is grouped.
  if (record.requests === null || record.requests === 0) return;
  const group: Partial<UsageRow> = {};
  for (const dimension of groupBy) {
    const value = record[dimension];
    // The rollup stores an absent dimension as ''; both sources report it as null.
    if (dimension === 'day') group.day = String(value);
    else group[dimension] = value === null || value === '' ? null : String(value);
  }
  const identity = JSON.stringify(groupBy.map((dimension) => group[dimension]));
  let total = totals.get(identity);
  if (total === undefined) {
    total = { ...group, requests: 0, inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, costUnits: 0, errors: 0 };
    totals.set(identity, total);
  }
  total.requests += Number(record.requests);
  total.inputTokens += Number(record.input_tokens);
  total.cachedInputTokens += Number(record.cached_input_tokens);
  total.cacheWriteTokens += Number(record.cache_write_tokens);
  total.outputTokens += Number(record.output_tokens);
  total.reasoningTokens += Number(record.reasoning_tokens);
  total.costUnits += Number(record.cost_units);
  total.errors += Number(record.errors);
}

function compareGroups(left: UsageRow, right: UsageRow, groupBy: Dimension[]): number {
  for (const dimension of groupBy) {
    const leftValue = left[dimension] ?? '';
    const rightValue = right[dimension] ?? '';
    if (leftValue !== rightValue) return leftValue < rightValue ? -1 : 1;
  }
  return 0;
}

export interface RowsQuery { from: number; to: number; keyId?: string; team?: string; after?: number; limit: number }

export function queryRows(prepare: Prepare, query: RowsQuery): (LedgerRow & { id: number })[] {
  if (!(Number.isInteger(query.limit) && query.limit > 0)) throw new RangeError(`limit must be a positive integer, got ${query.limit}`);
  let low: number = query.from;
  const cursor: number[] = [];
  if (query.after !== undefined) {
    const previous = prepare('SELECT at FROM ledger WHERE id = ?').get(query.after);
    if (previous === undefined) throw new RangeError(`no ledger row ${query.after} to continue after`);
    const afterAt = Number(previous.at);
    // Keyset paging on (at, id): stable while rows are appended, and each page is an index range.
    low = Math.max(low, afterAt);
    cursor.push(afterAt, query.after);
  }
  const where = ['at >= ?', 'at < ?', ...filters(query), ...(cursor.length === 0 ? [] : ['(at > ? OR id > ?)'])];
  const statement = prepare(`SELECT * FROM ledger WHERE ${where.join(' AND ')} ORDER BY at, id LIMIT ?`);
  return statement.all(...bind(low, query.to, query), ...cursor, query.limit).map(ledgerRow);
}

export function ledgerRow(record: ResultRecord): LedgerRow & { id: number } {
  return {
    id: Number(record.id),
    kind: record.kind === 'attempt' ? 'attempt' : 'request',
    at: Number(record.at),
    requestId: String(record.request_id),
    routeId: text(record.route_id),
    attempt: Number(record.attempt),
    keyId: text(record.key_id),
    team: text(record.team),
    model: text(record.model),
    provider: text(record.provider),
    upstreamModel: text(record.upstream_model),
    inputTokens: Number(record.input_tokens),
    cachedInputTokens: Number(record.cached_input_tokens),
    cacheWriteTokens: Number(record.cache_write_tokens),
    outputTokens: Number(record.output_tokens),
    reasoningTokens: Number(record.reasoning_tokens),
    costUnits: Number(record.cost_units),
    latencyMs: Number(record.latency_ms),
    ttftMs: record.ttft_ms === null ? null : Number(record.ttft_ms),
    status: Number(record.status),
    errorClass: text(record.error_class),
    billed: record.billed === 1,
    groupId: text(record.group_id),
    operation: record.operation === 'count_tokens' ? 'count_tokens' : null,
  };
}

function text(value: SQLOutputValue): string | null {
  return value === null ? null : String(value);
}
