// Shared by the store's tests: a temporary data directory removed after the test, and key records and
// ledger rows with plausible defaults, so each test states only what it is about.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { KeyRecord, LedgerRow } from './store.ts';

/** 2025-05-14 10:00 UTC: mid-day, mid-month, so tests can step across either boundary on purpose. */
export const noon = Date.UTC(2025, 4, 14, 10, 0, 0);
export const dayMs = 86_400_000;

export function temporaryDirectory(context: TestContext): string {
  const directory = mkdtempSync(join(tmpdir(), 'modelmux-store-'));
  context.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

export function keyRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const id = overrides.id ?? 'key-1';
  return {
    id, hash: `hash-of-${id}`, prefix: 'mm-abcd', name: null, team: null, allowedModels: ['*'], budget: null,
    creditsUnits: null, requestsPerMinute: null, tokensPerMinute: null, expiresAt: null, metadata: {},
    commercialUse: false, createdAt: noon, revokedAt: null, ...overrides,
  };
}

export function ledgerRow(overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    kind: 'request', at: noon, requestId: 'request-1', routeId: null, attempt: 1, keyId: 'key-1', team: null,
    model: 'model-a', provider: 'provider-a', upstreamModel: 'model-a', inputTokens: 100, cachedInputTokens: 0,
    cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 0, costUnits: 0, latencyMs: 300, ttftMs: 80, status: 200,
    errorClass: null, billed: true, groupId: null, operation: null, ...overrides,
  };
}

/** What one client request writes: its upstream attempt and the request row carrying the cost. */
export function requestRows(overrides: Partial<LedgerRow> = {}): LedgerRow[] {
  const request = ledgerRow(overrides);
  return [{ ...request, kind: 'attempt' }, request];
}
