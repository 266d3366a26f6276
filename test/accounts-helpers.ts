// Test fixture for virtual keys and the ledger: a stack with a data directory and an admin key, and
// small helpers to make keys through the admin API and call the gateway with them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerRow, Store } from '../src/store/store.ts';
import { startStack } from './stack.ts';
import type { Stack, StackOptions } from './stack.ts';

export const adminKey = 'admin-key-for-tests-0123456789';

export interface BillingStack extends Stack {
  store: Store;
  dataDir: string;
  /** Calls the admin API with the admin key. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Creates a key; returns its id and secret. */
  createKey(fields?: Record<string, unknown>): Promise<{ id: string; key: string }>;
  /** POSTs JSON to the gateway with a key. */
  call(path: string, key: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** The ledger rows of one request (by x-request-id), oldest first. */
  rowsOf(requestId: string): LedgerRow[];
}

export async function startBillingStack(options: StackOptions = {}): Promise<BillingStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelmux-accounts-'));
  const stack = await startStack({ adminKey, dataDir, ...options });
  const store = stack.gateway.store!;
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return {
    ...stack,
    store,
    dataDir,
    admin,
    async createKey(fields = {}) {
      const created = await admin('POST', '/admin/keys', fields);
      if (created.status !== 201) throw new Error(`key not created: ${JSON.stringify(created.body)}`);
      return { id: created.body.id as string, key: created.body.key as string };
    },
    call(path, key, body, headers = {}) {
      return fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    },
    rowsOf(requestId) {
      return store.rows({ from: 0, to: Date.now() + 60_000, limit: 10_000 }).filter((row) => row.requestId === requestId);
    },
    async close() {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const ask = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] };
