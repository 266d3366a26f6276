// POST /v1/messages/count_tokens under a virtual key: the key's models, licence filter, rate limits and
// budget apply as they do to inference, the caller's own provider key is used, and a $0 ledger row is left.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { adminKey, ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';
import { scripted } from './scripted-provider.ts';
import type { ScriptedProvider } from './scripted-provider.ts';
import { provider, providerKey } from './stack.ts';

type ErrorBody = { error: { code?: string; param?: string; type?: string; message: string }; type?: string };

let stack: BillingStack;
let counter: ScriptedProvider;
before(async () => {
  counter = await scripted([]);
  stack = await startBillingStack({
    extraProviders: (url) => [
      { ...provider('ant', counter.url, defaultTimeouts, [{ id: 'counted-model', upstream: 'claude-counted', inputPrice: 3, outputPrice: 15 }], 'anthropic'), clientKeys: true },
      provider('research', `${url}/v1`, defaultTimeouts, [{ id: 'research-model', upstream: 'fast', license: { name: 'cc-by-nc-4.0', commercial: false } }]),
    ],
  });
});
after(async () => {
  await stack.close();
  counter.server.close();
});

function get(path: string, key = adminKey): Promise<Response> {
  return fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
}

describe('count_tokens goes through the key\'s admission', () => {
  const countBody = { model: 'counted-model', messages: [{ role: 'user', content: 'how many tokens is this?' }] };
  const counted = () => counter.script.push({ status: 200, body: { input_tokens: 42 } });

  test('a model the key may not use is a 403 in Anthropic\'s format, and the provider is never asked', async () => {
    const { key } = await stack.createKey({ allowed_models: ['test-*'] });
    const calls = counter.calls;
    const refused = await stack.call('/v1/messages/count_tokens', key, countBody);
    assert.equal(refused.status, 403);
    const body = (await refused.json()) as ErrorBody;
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'permission_error');
    assert.equal(counter.calls, calls);
    const rows = stack.rowsOf(refused.headers.get('x-request-id')!);
    assert.deepEqual(rows.map((row) => [row.kind, row.operation, row.status]), [['request', 'count_tokens', 403]], 'the refusal is in the ledger, as a count');
    const unknown = await stack.call('/v1/messages/count_tokens', key, { ...countBody, model: 'no-such-model' });
    assert.equal(unknown.status, 404, 'an unknown model is a 404, as for inference');
  });

  test('a model a commercial key may not reach is refused as inference refuses it', async () => {
    const { key } = await stack.createKey({ commercial_use: true });
    const refused = await stack.call('/v1/messages/count_tokens', key, { ...countBody, model: 'research-model' });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as ErrorBody).error.message, /cc-by-nc-4\.0/);
  });

  test('a count draws one request from the rate limit and no tokens', async () => {
    const limited = await stack.createKey({ requests_per_minute: 1 });
    const first = await stack.call('/v1/messages/count_tokens', limited.key, { ...countBody, model: 'test-model' });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-remaining-requests'), '0');
    const second = await stack.call('/v1/messages/count_tokens', limited.key, { ...countBody, model: 'test-model' });
    assert.equal(second.status, 429);
    assert.equal(((await second.json()) as ErrorBody).error.type, 'rate_limit_error');
    assert.equal((await stack.call('/v1/chat/completions', limited.key, ask)).status, 429, 'the same allowance as inference');

    const tokens = await stack.createKey({ tokens_per_minute: 50 });
    const large = { model: 'test-model', messages: [{ role: 'user', content: 'x'.repeat(4_000) }] };
    const count = await stack.call('/v1/messages/count_tokens', tokens.key, large);
    assert.equal(count.status, 200, 'a prompt larger than the allowance may still be counted');
    assert.equal(count.headers.get('x-ratelimit-remaining-tokens'), '50');
  });

  test('a hard budget with nothing left refuses even a free count; a soft one lets it through', async () => {
    const hard = await stack.createKey({ budget: { limit_usd: 0, period: 'month', hard: true } });
    const refused = await stack.call('/v1/messages/count_tokens', hard.key, countBody);
    assert.equal(refused.status, 402);
    const body = (await refused.json()) as ErrorBody;
    assert.equal(body.type, 'error');
    assert.match(body.error.message, /this call is free, but a key with nothing left is refused every call/);
    const credits = await stack.createKey({ credits_usd: 0 });
    assert.equal((await stack.call('/v1/messages/count_tokens', credits.key, countBody)).status, 402);

    const soft = await stack.createKey({ budget: { limit_usd: 0, period: 'month', hard: false } });
    counted();
    const allowed = await stack.call('/v1/messages/count_tokens', soft.key, countBody);
    assert.equal(allowed.status, 200);
    assert.ok(allowed.headers.get('x-modelmux-budget-warning'));
    const budget = await stack.createKey({ budget: { limit_usd: 0.000001, period: 'day' } });
    counted();
    assert.equal((await stack.call('/v1/messages/count_tokens', budget.key, countBody)).status, 200, 'whatever is left is enough');
    const spend = (await stack.admin('GET', `/admin/keys/${budget.id}`)).body.spend as { spent_usd: number; reserved_usd: number };
    assert.deepEqual([spend.spent_usd, spend.reserved_usd], [0, 0], 'nothing spent, nothing left held');
  });

  test('a count leaves ledger rows at $0, marked as a count and left out of usage totals', async () => {
    const { id, key } = await stack.createKey();
    counted();
    const asked = await stack.call('/v1/messages/count_tokens', key, countBody);
    assert.equal(asked.status, 200);
    assert.deepEqual(await asked.json(), { input_tokens: 42 });
    const askedRows = stack.rowsOf(asked.headers.get('x-request-id')!);
    assert.deepEqual(askedRows.map((row) => [row.kind, row.operation, row.provider, row.model, row.costUnits, row.billed, row.status]), [
      ['attempt', 'count_tokens', 'ant', 'counted-model', 0, false, 200],
      ['request', 'count_tokens', 'ant', 'counted-model', 0, false, 200],
    ]);

    const estimated = await stack.call('/v1/messages/count_tokens', key, { ...countBody, model: 'test-model' });
    assert.equal(estimated.headers.get('x-modelmux-estimate'), 'true');
    const estimatedRows = stack.rowsOf(estimated.headers.get('x-request-id')!);
    assert.deepEqual(estimatedRows.map((row) => [row.kind, row.operation, row.attempt, row.costUnits, row.inputTokens]), [['request', 'count_tokens', 0, 0, 0]], 'no provider was called');

    const usage = (await (await get('/v1/usage', key)).json()) as { totals: { requests: number } };
    assert.equal(usage.totals.requests, 0, 'usage counts calls that generate; counts are in the ledger');
    const ledger = await (await get(`/admin/ledger?key=${id}&format=jsonl`)).text();
    const exported = ledger.trim().split('\n').map((line) => JSON.parse(line) as { operation: string | null });
    assert.deepEqual(exported.map((row) => row.operation), ['count_tokens', 'count_tokens', 'count_tokens']);
    assert.equal((await stack.call('/v1/chat/completions', key, ask)).status, 200);
    const csv = (await (await get(`/admin/ledger?key=${id}`)).text()).trim().split('\n');
    assert.equal(csv[0].split(',').at(-1), 'operation');
    assert.equal(csv.at(-1)!.split(',').at(-1), '', 'an ordinary call has no operation');
  });

  test('a count on the caller\'s own provider key goes with that key; a refused key never counts', async () => {
    const { id, key } = await stack.createKey();
    counted();
    const own = 'sk-ant-caller-own-key-0123456789';
    const response = await stack.call('/v1/messages/count_tokens', key, countBody, { 'x-modelmux-key-ant': own });
    assert.equal(response.status, 200);
    assert.equal(counter.headers.at(-1)!['x-api-key'], own);
    assert.notEqual(counter.headers.at(-1)!['x-api-key'], providerKey);

    await stack.admin('DELETE', `/admin/keys/${id}`);
    const calls = counter.calls;
    const revoked = await stack.call('/v1/messages/count_tokens', key, countBody);
    assert.equal(revoked.status, 401);
    assert.equal(((await revoked.json()) as ErrorBody).type, 'error');
    assert.equal(counter.calls, calls);
  });
});
