// Fusion and the ledger: with virtual keys on, every member and judge call is billed to the caller's
// key as its own row, the rows share the fusion id, and the response's cost is their sum.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startFusionProvider } from './fusion-provider.ts';
import type { FusionProvider } from './fusion-provider.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const adminKey = 'mm-admin-fusion-test-0123456789abcdef';

describe('fusion in the ledger', () => {
  let panel: FusionProvider;
  let stack: Stack;
  let client: OpenAI;
  let keyId: string;
  before(async () => {
    panel = await startFusionProvider({ alpha: { text: 'alpha says Canberra quality:60' }, beta: { text: 'beta says Canberra quality:80' } });
    stack = await startStack({ extraProviders: [panel.config('panel', ['alpha', 'beta', 'judge'])], routing: { maxAttempts: 1 }, adminKey, dataDir: mkdtempSync(join(tmpdir(), 'modelmux-fusion-')) });
    const created = await fetch(`${stack.baseUrl}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'fusion-test' }) });
    assert.equal(created.status, 201);
    const key = (await created.json()) as { id: string; key: string };
    keyId = key.id;
    client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: key.key, maxRetries: 0, timeout: 20_000 });
  });
  after(async () => {
    await stack.close();
    await panel.close();
  });

  it('bills every call to the caller key, linked by the fusion id, and the response cost is their sum', async () => {
    for (const mode of ['merge', 'best-of', 'debate']) {
      const { data, response } = await client.chat.completions
        .create({ model: 'fusion', messages: [{ role: 'user', content: 'What is the capital of Australia?' }], fusion: { pool: ['alpha', 'beta'], judge: 'judge', mode } } as never)
        .withResponse();
      const completion = data as unknown as { usage: Record<string, number>; fusion: Record<string, any> };
      const fusionId = response.headers.get('x-modelmux-fusion-id');
      assert.equal(fusionId, completion.fusion.id);
      const rows = stack.gateway.store?.rows({ from: 0, to: Date.now() + 1000, limit: 1000 }) ?? [];
      const requestRows = rows.filter((row) => row.groupId === fusionId && row.kind === 'request');
      // The fusion request's own row is linked too; it costs nothing itself, its calls carry the cost.
      const own = requestRows.filter((row) => row.requestId === response.headers.get('x-request-id'));
      assert.deepEqual(own.map((row) => [row.model, row.costUnits, row.keyId]), [['fusion', 0, keyId]], mode);
      const linked = requestRows.filter((row) => !own.includes(row));
      // merge and best-of: two members and the judge; debate adds one revision per member.
      assert.equal(linked.length, mode === 'debate' ? 5 : 3, mode);
      for (const row of linked) assert.equal(row.keyId, keyId);
      assert.deepEqual(new Set(linked.map((row) => row.model)), new Set(['alpha', 'beta', 'judge']));
      const ledgerUsd = linked.reduce((sum, row) => sum + row.costUnits, 0) / 1e8;
      assert.ok(ledgerUsd > 0);
      assert.equal(typeof completion.usage.cost, 'number', 'usage.cost');
      assert.ok(Math.abs(completion.usage.cost - ledgerUsd) < 1e-8, `${mode}: response ${completion.usage.cost}, ledger ${ledgerUsd}`);
      assert.equal(response.headers.get('x-modelmux-cost'), ledgerUsd.toFixed(8), 'x-modelmux-cost');
      assert.equal(completion.usage.prompt_tokens, linked.reduce((sum, row) => sum + row.inputTokens, 0));
      assert.equal(completion.usage.completion_tokens, linked.reduce((sum, row) => sum + row.outputTokens, 0));
    }
  });

  it('refuses a fusion without a key, before any member is called', async () => {
    const before = panel.requests.length;
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fusion', messages: [{ role: 'user', content: 'hi' }], fusion: { pool: ['alpha', 'beta'], judge: 'judge' } }),
    });
    assert.equal(response.status, 401);
    assert.equal(panel.requests.length, before);
  });
});
