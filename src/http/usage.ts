// GET /v1/usage (the caller's own key), GET /admin/usage (any key or team) and GET /admin/ledger
// (the raw rows): totals and time series grouped by key, team, model, provider and day, as JSON or
// CSV. Money is shown in USD; the ledger keeps exact integer units underneath.
import { addCounts, fromMicroCents } from '../accounts/cost.ts';
import { earliestTime, isoTime, parseTime, timeFormats } from '../accounts/times.ts';
import type { LedgerRow, Store, UsageQuery, UsageRow } from '../store/store.ts';
import type { RequestContext } from './context.ts';
import { GatewayError, invalidRequest, unavailable } from '../errors/gateway-error.ts';
import { sendJson } from './models.ts';
import { UnreadWatch } from './unread-watch.ts';

type Dimension = UsageQuery['groupBy'][number];
const dimensions: readonly Dimension[] = ['key', 'team', 'model', 'provider', 'day'];
const dayMs = 86_400_000;
const defaultRangeDays = 30;
const pageSize = 1_000;

/** `/v1/usage`: a virtual key sees its own usage; the admin key and an open gateway see everything. */
export function handleOwnUsage(context: RequestContext, store: Store | null): void {
  const query = new URL(context.request.url ?? '/', 'http://gateway').searchParams;
  const key = context.account.key;
  sendUsage(context, requireStore(store), query, key === null ? {} : { keyId: key.id });
}

/** `/admin/usage`: any key (`key=`) or team (`team=`). */
export function handleAdminUsage(context: RequestContext, store: Store | null): void {
  const query = new URL(context.request.url ?? '/', 'http://gateway').searchParams;
  sendUsage(context, requireStore(store), query, { keyId: filterValue(query, 'key'), team: filterValue(query, 'team') });
}

/** `/admin/ledger`: every row in a time range, streamed page by page (CSV, or JSON lines). */
export async function handleLedgerExport(context: RequestContext, store: Store | null): Promise<void> {
  const ledger = requireStore(store);
  const query = new URL(context.request.url ?? '/', 'http://gateway').searchParams;
  const { from, to } = range(query);
  const csv = query.get('format') !== 'jsonl';
  const filter = { from, to, keyId: filterValue(query, 'key'), team: filterValue(query, 'team') };
  const { response } = context;
  response.writeHead(200, {
    'content-type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    'content-disposition': `attachment; filename="modelmux-ledger.${csv ? 'csv' : 'jsonl'}"`,
    'x-request-id': context.requestId,
  });
  if (csv) response.write(`${ledgerColumns.join(',')}\n`);
  // A client that stops taking the export is let go as one that stops reading its stream.
  const unread = new UnreadWatch(context);
  let after: number | undefined;
  for (;;) {
    const rows = ledger.rows({ ...filter, after, limit: pageSize });
    if (rows.length === 0 || response.destroyed) break;
    const text = rows.map((row) => (csv ? ledgerCsvLine(row) : JSON.stringify(ledgerJson(row)))).join('\n');
    if (!response.write(`${text}\n`)) {
      unread.start();
      await drained(response);
      unread.stop();
    }
    after = rows[rows.length - 1].id;
    if (rows.length < pageSize) break;
  }
  response.end();
}

/** Resolves when the client can take more, or has gone (then the loop above stops). */
function drained(response: RequestContext['response']): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}

function sendUsage(context: RequestContext, store: Store, query: URLSearchParams, scope: { keyId?: string; team?: string }): void {
  const { from, to } = range(query);
  const groupBy = groupingOf(query.get('group_by'));
  const rows = store.usage({ from, to, groupBy, ...scope });
  const totals = rows.length === 1 && groupBy.length === 0 ? rows[0] : sum(rows);
  if (query.get('format') === 'csv') {
    const columns = [...groupBy, ...measureColumns];
    const body = [columns.join(','), ...rows.map((row) => columns.map((column) => csvField(usageJson(row)[column])).join(','))].join('\n') + '\n';
    context.response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="modelmux-usage.csv"', 'content-length': Buffer.byteLength(body), 'x-request-id': context.requestId });
    context.response.end(body);
    return;
  }
  sendJson(context, {
    object: 'usage',
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    group_by: groupBy,
    ...(scope.keyId === undefined ? {} : { key: scope.keyId }),
    ...(scope.team === undefined ? {} : { team: scope.team }),
    totals: usageJson(totals),
    data: groupBy.length === 0 ? [] : rows.map(usageJson),
  });
}

const measureColumns = ['requests', 'errors', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_usd'];

function usageJson(row: UsageRow): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const dimension of dimensions) if (dimension in row) view[dimension] = row[dimension];
  return {
    ...view,
    requests: row.requests,
    errors: row.errors,
    input_tokens: row.inputTokens,
    cached_input_tokens: row.cachedInputTokens,
    cache_write_tokens: row.cacheWriteTokens,
    output_tokens: row.outputTokens,
    reasoning_tokens: row.reasoningTokens,
    cost_usd: fromMicroCents(row.costUnits),
  };
}

function sum(rows: UsageRow[]): UsageRow {
  const total: UsageRow = { requests: 0, errors: 0, inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, costUnits: 0 };
  for (const row of rows) {
    total.requests += row.requests;
    total.errors += row.errors;
    addCounts(total, row);
  }
  return total;
}

const ledgerColumns = ['id', 'at', 'kind', 'request_id', 'route_id', 'attempt', 'group_id', 'key', 'team', 'model', 'provider', 'upstream_model', 'status', 'error_class', 'billed', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_usd', 'latency_ms', 'ttft_ms', 'operation'];

function ledgerJson(row: LedgerRow & { id: number }): Record<string, unknown> {
  return {
    id: row.id,
    at: isoTime(row.at),
    kind: row.kind,
    request_id: row.requestId,
    route_id: row.routeId,
    attempt: row.attempt,
    group_id: row.groupId,
    key: row.keyId,
    team: row.team,
    model: row.model,
    provider: row.provider,
    upstream_model: row.upstreamModel,
    status: row.status,
    error_class: row.errorClass,
    billed: row.billed,
    input_tokens: row.inputTokens,
    cached_input_tokens: row.cachedInputTokens,
    cache_write_tokens: row.cacheWriteTokens,
    output_tokens: row.outputTokens,
    reasoning_tokens: row.reasoningTokens,
    cost_usd: fromMicroCents(row.costUnits),
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    operation: row.operation,
  };
}

function ledgerCsvLine(row: LedgerRow & { id: number }): string {
  const view = ledgerJson(row);
  return ledgerColumns.map((column) => csvField(view[column])).join(',');
}

/** RFC 4180: quoted when it holds a comma, quote or line break; a leading = + - @ is defused so a
 * spreadsheet never runs a model name as a formula. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `from` and `to` as ISO dates or epoch ms; the last 30 days by default. Checked before any use,
 * since a time no Date can hold would throw wherever it is printed or cut into days. */
function range(query: URLSearchParams): { from: number; to: number } {
  const to = instant(query.get('to'), 'to') ?? Date.now() + 1;
  const from = instant(query.get('from'), 'from') ?? Math.max(earliestTime, to - defaultRangeDays * dayMs);
  if (from >= to) throw invalidRequest('`from` must be before `to`', 'from');
  return { from, to };
}

function instant(value: string | null, name: string): number | null {
  if (value === null || value === '') return null;
  const at = parseTime(value);
  if (at === null) throw invalidRequest(`\`${name}\` must be ${timeFormats}`, name);
  return at;
}

function groupingOf(value: string | null): Dimension[] {
  if (value === null || value === '') return [];
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!dimensions.includes(name as Dimension)) throw invalidRequest(`cannot group usage by "${name}"; group_by takes ${dimensions.join(', ')}`, 'group_by');
  }
  return names as Dimension[];
}

export function requireStore(store: Store | null): Store {
  if (store === null) throw unavailable('this gateway keeps no ledger and no keys: start it with a data directory (--data-dir or server.data_dir)', 'no_store');
  return store;
}

/** A `key=` or `team=` filter. An empty one is refused: rows without a key or team are not one kind
 * of row everywhere (the daily rollup and the ledger tell them apart differently). */
function filterValue(query: URLSearchParams, name: 'key' | 'team'): string | undefined {
  const value = query.get(name);
  if (value === '') throw invalidRequest(`\`${name}=\` needs a value: a ${name === 'key' ? 'key id' : 'team name'}, or leave it out for every ${name}`, name);
  return value ?? undefined;
}
