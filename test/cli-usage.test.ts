// `modelmux usage` against a running gateway: an open gateway (no admin key) answers GET /v1/usage,
// so the command works there without one; a virtual key sees its own usage; what only the admin API
// can do (--ledger, --key, --team) says it needs the admin key.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { run as usage } from '../src/cli/usage.ts';
import { adminKey, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';
import { captureCli } from './cli-capture.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const ask = { model: 'test-model', messages: [{ role: 'user' as const, content: 'hi' }] };

/** Runs the command with no key in the environment, as on a fresh machine. */
async function usageOutput(argv: string[], env: Record<string, string> = {}) {
  const saved = { admin: process.env.MODELMUX_ADMIN_KEY, api: process.env.MODELMUX_API_KEY };
  delete process.env.MODELMUX_ADMIN_KEY;
  delete process.env.MODELMUX_API_KEY;
  Object.assign(process.env, env);
  try {
    return await captureCli(usage, argv);
  } finally {
    for (const [name, value] of [['MODELMUX_ADMIN_KEY', saved.admin], ['MODELMUX_API_KEY', saved.api]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The ledger is written just after the answer; wait (briefly) until the gateway counts `requests`. */
async function counted(baseUrl: string, requests: number, bearer?: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${baseUrl}/v1/usage`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    if (((await response.json()) as { totals: { requests: number } }).totals.requests >= requests) return;
    await sleep(20);
  }
  throw new Error(`the ledger never counted ${requests} requests`);
}

describe('modelmux usage on an open gateway', () => {
  let stack: Stack;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelmux-usage-cli-'));
    stack = await startStack({ dataDir });
    await stack.client.chat.completions.create(ask);
    await counted(stack.baseUrl, 1);
  });
  after(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the usage without an admin key, from GET /v1/usage', async () => {
    const result = await usageOutput(['--url', stack.baseUrl, '--by', 'model']);
    assert.match(result.stdout, /^test-model\s+1\s+0\s/m);
    assert.match(result.stdout, /^total\s+1\s/m);
  });

  it('says what needs the admin key instead of failing on it', async () => {
    await assert.rejects(usageOutput(['--url', stack.baseUrl, '--ledger']), /--ledger need the admin key/);
    await assert.rejects(usageOutput(['--url', stack.baseUrl, '--team', 'platform']), /--team need the admin key/);
  });

  it('names the admin key source in its help', async () => {
    const result = await usageOutput(['--help']);
    assert.match(result.stdout, /Without one it reads GET \/v1\/usage/);
  });
});

describe('modelmux usage with virtual keys on', () => {
  let stack: BillingStack;
  let mine: { id: string; key: string };
  before(async () => {
    stack = await startBillingStack();
    mine = await stack.createKey({ name: 'mine' });
    const other = await stack.createKey({ name: 'other' });
    await stack.call('/v1/chat/completions', mine.key, ask);
    await stack.call('/v1/chat/completions', other.key, ask);
    await stack.call('/v1/chat/completions', other.key, ask);
    await counted(stack.baseUrl, 3, adminKey);
  });
  after(() => stack.close());

  it('a virtual key sees only its own usage', async () => {
    const result = await usageOutput(['--url', stack.baseUrl], { MODELMUX_API_KEY: mine.key });
    assert.match(result.stdout, /^total\s+1\s/m);
  });

  it('the admin key sees every key, and may pick one', async () => {
    const all = await usageOutput(['--url', stack.baseUrl], { MODELMUX_ADMIN_KEY: adminKey });
    assert.match(all.stdout, /^total\s+3\s/m);
    const one = await usageOutput(['--url', stack.baseUrl, '--key', mine.id, '--admin-key', adminKey]);
    assert.match(one.stdout, /^total\s+1\s/m);
  });
});
