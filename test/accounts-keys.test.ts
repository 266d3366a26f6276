// Virtual keys end to end: the admin API's key lifecycle, what a key may call, rate limits at their
// edge, the key never stored or shown again, and the usage API (JSON and CSV) per key and for admins.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { adminKey, ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';
import { defaultTimeouts } from '../src/config/types.ts';
import { FakeClock } from './clock.ts';
import { provider, startStack } from './stack.ts';

describe('virtual keys', () => {
  let stack: BillingStack;
  before(async () => {
    stack = await startBillingStack({
      extraProviders: (url) => [provider('research', `${url}/v1`, defaultTimeouts, [{ id: 'research-model', upstream: 'fast', license: { name: 'cc-by-nc-4.0', commercial: false } }])],
    });
  });
  after(() => stack.close());

  test('lifecycle: created (secret shown once), listed by prefix, shown with spend, updated, revoked', async () => {
    const created = await stack.admin('POST', '/admin/keys', { name: 'ci', team: 'platform', metadata: { owner: 'ana' }, budget: { limit_usd: 5, period: 'month' } });
    assert.equal(created.status, 201);
    const secret = created.body.key as string;
    assert.match(secret, /^mmx-[A-Za-z0-9_-]{43}$/);
    assert.equal(created.body.prefix, secret.slice(0, 12));
    assert.equal('hash' in created.body, false);

    const listed = await stack.admin('GET', '/admin/keys?team=platform');
    const entry = (listed.body.data as Record<string, unknown>[]).find((key) => key.id === created.body.id)!;
    assert.equal(entry.prefix, created.body.prefix);
    assert.equal(JSON.stringify(listed.body).includes(secret), false, 'the secret is never listed');

    const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: secret, maxRetries: 0 });
    await client.chat.completions.create({ ...ask, messages: [{ role: 'user', content: 'hi' }] });
    const shown = await stack.admin('GET', `/admin/keys/${created.body.id}`);
    assert.equal(JSON.stringify(shown.body).includes(secret), false);
    const spend = shown.body.spend as Record<string, number>;
    assert.ok(spend.spent_usd > 0, 'the call was billed to the key');
    assert.equal(spend.reserved_usd, 0, 'nothing left reserved after the call settled');

    const patched = await stack.admin('PATCH', `/admin/keys/${created.body.id}`, { name: 'ci-2', budget: null, requests_per_minute: 10 });
    assert.equal(patched.body.name, 'ci-2');
    assert.equal(patched.body.budget, null);
    assert.equal(patched.body.requests_per_minute, 10);

    const revoked = await stack.admin('DELETE', `/admin/keys/${created.body.id}`);
    assert.ok(revoked.body.revoked_at);
    const refused = await stack.call('/v1/chat/completions', secret, ask);
    assert.equal(refused.status, 401);
    const error = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(error.error.code, 'key_revoked');
    assert.equal(error.error.message.includes(secret), false);
    const active = await stack.admin('GET', '/admin/keys?team=platform');
    assert.equal((active.body.data as unknown[]).some((key) => (key as { id: string }).id === created.body.id), false, 'revoked keys are left out unless asked for');
  });

  test('missing, unknown and expired keys get a 401 in the caller\'s own format', async () => {
    const none = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask) });
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'missing_api_key');

    const guess = 'mmx-' + 'A'.repeat(43);
    const anthropic = new Anthropic({ baseURL: stack.baseUrl, apiKey: guess, maxRetries: 0 });
    await assert.rejects(anthropic.messages.create({ model: 'test-model', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }), (error: InstanceType<typeof Anthropic.APIError>) => {
      assert.equal(error.status, 401);
      assert.equal((error.error as { type: string }).type, 'error', 'Anthropic-shaped error body');
      assert.equal(JSON.stringify(error.error).includes(guess), false);
      return true;
    });

    // The API refuses a key made already expired, so this one expires after it is made.
    const { id, key } = await stack.createKey({ expires_in: '1h' });
    stack.store.updateKey(id, { expiresAt: Date.now() - 1000 });
    const expired = await stack.call('/v1/chat/completions', key, ask);
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as { error: { code: string } }).error.code, 'key_expired');
  });

  test('the admin API takes only the admin key; the admin key may call models too', async () => {
    const { key } = await stack.createKey();
    const asUser = await fetch(`${stack.baseUrl}/admin/keys`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(asUser.status, 403);
    const anonymous = await fetch(`${stack.baseUrl}/admin/keys`);
    assert.equal(anonymous.status, 401);
    const asAdmin = await stack.call('/v1/chat/completions', adminKey, ask);
    assert.equal(asAdmin.status, 200);
    const bad = await stack.admin('POST', '/admin/keys', { budget: { limit_usd: -1 } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /budget\.limit_usd/);
    const unknownField = await stack.admin('POST', '/admin/keys', { budgett: 1 });
    assert.equal(unknownField.status, 400);
  });

  test('the database never holds a key, only its hash', async () => {
    const { key } = await stack.createKey({ name: 'secret-check' });
    assert.equal((await stack.call('/v1/chat/completions', key, ask)).status, 200);
    const needle = Buffer.from(key);
    for (const file of readdirSync(stack.dataDir)) {
      assert.equal(readFileSync(join(stack.dataDir, file)).includes(needle), false, `${file} holds the key`);
    }
  });

  test('allowed models: a pattern admits matching models, anything else is a 403', async () => {
    const { key } = await stack.createKey({ allowed_models: ['test-*'] });
    assert.equal((await stack.call('/v1/chat/completions', key, ask)).status, 200);
    const refused = await stack.call('/v1/chat/completions', key, { ...ask, model: 'echo-model' });
    assert.equal(refused.status, 403);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'model_not_allowed');
    assert.match(body.error.message, /test-\*/);
  });

  test('a key for commercial use never reaches a model whose licence forbids it', async () => {
    const research = await stack.createKey();
    assert.equal((await stack.call('/v1/chat/completions', research.key, { ...ask, model: 'research-model' })).status, 200);
    const product = await stack.createKey({ commercial_use: true });
    const refused = await stack.call('/v1/chat/completions', product.key, { ...ask, model: 'research-model' });
    assert.equal(refused.status, 400);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'no_eligible_provider');
    assert.match(body.error.message, /cc-by-nc-4\.0/);
  });

  test('requests per minute: the limit passes, the next gets a 429 with retry-after and x-ratelimit headers', async () => {
    const { key } = await stack.createKey({ requests_per_minute: 3 });
    for (let index = 0; index < 3; index++) {
      const response = await stack.call('/v1/chat/completions', key, ask);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-ratelimit-limit-requests'), '3');
      assert.equal(response.headers.get('x-ratelimit-remaining-requests'), String(2 - index));
    }
    const limited = await stack.call('/v1/chat/completions', key, ask);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.headers.get('x-ratelimit-remaining-requests'), '0');
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'rate_limit_exceeded');
  });

  test('a rate-limited key passes again once its minute has passed (on the gateway\'s clock)', async () => {
    const clock = new FakeClock();
    const own = await startBillingStack({ clock });
    try {
      const { key } = await own.createKey({ requests_per_minute: 1 });
      assert.equal((await own.call('/v1/chat/completions', key, ask)).status, 200);
      const limited = await own.call('/v1/chat/completions', key, ask);
      assert.equal(limited.status, 429);
      clock.advance(Number(limited.headers.get('retry-after')) * 1000);
      assert.equal((await own.call('/v1/chat/completions', key, ask)).status, 200);
    } finally {
      await own.close();
    }
  });

  test('tokens per minute: counted by estimate, corrected to the real count; a request over what is left is refused', async () => {
    const { key } = await stack.createKey({ tokens_per_minute: 200 });
    // Counted by estimate first, then corrected to what the call used: here the whole 150 tokens.
    const first = await stack.call('/v1/chat/completions', key, { ...ask, max_tokens: 150 }, { 'x-sim-output-tokens': '150' });
    assert.equal(first.status, 200);
    const second = await stack.call('/v1/chat/completions', key, { ...ask, max_tokens: 150 });
    assert.equal(second.status, 429);
    assert.ok(second.headers.get('x-ratelimit-remaining-tokens'));
    assert.match(((await second.json()) as { error: { message: string } }).error.message, /tokens per minute/);
    const whole = await stack.call('/v1/chat/completions', key, { ...ask, max_tokens: 500 });
    assert.equal(whole.status, 429, 'a request larger than the whole allowance can never pass');
  });

  test('usage: a key sees its own totals and series; the admin sees any key or team; CSV export', async () => {
    const mine = await stack.createKey({ team: 'usage-team' });
    const other = await stack.createKey({ team: 'other-team' });
    for (let index = 0; index < 3; index++) assert.equal((await stack.call('/v1/chat/completions', mine.key, ask)).status, 200);
    assert.equal((await stack.call('/v1/chat/completions', other.key, ask)).status, 200);

    const own = await fetch(`${stack.baseUrl}/v1/usage?group_by=day,model`, { headers: { authorization: `Bearer ${mine.key}` } });
    const usage = (await own.json()) as { totals: { requests: number; cost_usd: number }; data: { day: string; model: string; requests: number }[] };
    assert.equal(usage.totals.requests, 3, 'only this key\'s requests');
    assert.ok(usage.totals.cost_usd > 0);
    assert.deepEqual(usage.data.map((row) => [row.model, row.requests]), [['test-model', 3]]);
    assert.match(usage.data[0].day, /^\d{4}-\d{2}-\d{2}$/);

    const team = await stack.admin('GET', '/admin/usage?team=other-team&group_by=key');
    assert.deepEqual((team.body.data as { key: string; requests: number }[]).map((row) => [row.key, row.requests]), [[other.id, 1]]);

    const csv = await fetch(`${stack.baseUrl}/admin/usage?group_by=team,model&format=csv`, { headers: { authorization: `Bearer ${adminKey}` } });
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'team,model,requests,errors,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,reasoning_tokens,cost_usd');
    assert.ok(lines.some((line) => line.startsWith('usage-team,test-model,3,0,')));

    const ledger = await fetch(`${stack.baseUrl}/admin/ledger?key=${mine.id}`, { headers: { authorization: `Bearer ${adminKey}` } });
    const rows = (await ledger.text()).trim().split('\n');
    assert.equal(rows.length, 1 + 6, 'a header, then an attempt row and a request row per call');

    const bad = await fetch(`${stack.baseUrl}/v1/usage?group_by=colour`, { headers: { authorization: `Bearer ${mine.key}` } });
    assert.equal(bad.status, 400);
  });
});

test('an open gateway (no admin key) checks no keys and keeps the admin API shut', async () => {
  const stack = await startStack();
  try {
    const answer = await stack.client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] });
    assert.ok(answer.choices[0].message.content);
    const admin = await fetch(`${stack.baseUrl}/admin/keys`, { headers: { authorization: `Bearer ${adminKey}` } });
    assert.equal(admin.status, 403);
    assert.match(((await admin.json()) as { error: { message: string } }).error.message, /MODELMUX_ADMIN_KEY/);
    const usage = await fetch(`${stack.baseUrl}/v1/usage`);
    assert.equal(usage.status, 503, 'no data directory: no ledger to read');
  } finally {
    await stack.close();
  }
});
