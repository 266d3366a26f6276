// A ledger row as the SQLite store writes it: checked first (the store refuses what it cannot keep
// exactly), then as the values of its INSERT, and as what it adds to the daily rollup.
import { dayName } from './periods.ts';
import { checkUnits } from './sqlite-keys.ts';
import type { LedgerRow } from './store.ts';

export function checkRow(row: LedgerRow): void {
  if (row.kind !== 'attempt' && row.kind !== 'request') throw new RangeError(`ledger row kind must be attempt or request, got ${JSON.stringify(row.kind)}`);
  if (row.operation !== null && row.operation !== 'count_tokens') throw new RangeError(`ledger row operation must be count_tokens or null, got ${JSON.stringify(row.operation)}`);
  checkUnits('costUnits', row.costUnits);
  for (const name of ['inputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'outputTokens', 'reasoningTokens', 'attempt', 'status', 'at'] as const) {
    if (!Number.isSafeInteger(row[name])) throw new RangeError(`ledger row ${name} must be an integer, got ${row[name]}`);
  }
}

/** The ledger's columns, in the order ledgerValues gives their values. */
export const ledgerColumns = [
  'kind', 'at', 'request_id', 'route_id', 'attempt', 'key_id', 'team', 'model', 'provider', 'upstream_model',
  'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_units', 'latency_ms',
  'ttft_ms', 'status', 'error_class', 'billed', 'group_id', 'operation',
] as const;

export function ledgerValues(row: LedgerRow): (string | number | null)[] {
  return [
    row.kind, row.at, row.requestId, row.routeId, row.attempt, row.keyId, row.team, row.model, row.provider, row.upstreamModel,
    row.inputTokens, row.cachedInputTokens, row.cacheWriteTokens, row.outputTokens, row.reasoningTokens, row.costUnits,
    row.latencyMs, row.ttftMs, row.status, row.errorClass, row.billed ? 1 : 0, row.groupId, row.operation,
  ];
}

export function rollupValues(row: LedgerRow): (string | number)[] {
  return [
    dayName(row.at), row.keyId ?? '', row.team ?? '', row.model ?? '', row.provider ?? '', 1, row.inputTokens,
    row.cachedInputTokens, row.cacheWriteTokens, row.outputTokens, row.reasoningTokens, row.costUnits,
    row.status >= 400 || row.errorClass !== null ? 1 : 0,
  ];
}
