// What a virtual key sees and spends when it is refused: /v1/models lists only the models the key
// may call, and a request refused for its budget (402) leaves the key's rate limit as it was.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';

describe('a key with allowed models', () => {
  let stack: BillingStack;
  before(async () => {
    stack = await startBillingStack();
  });
  after(() => stack.close());

  const get = async (path: string, key: string): Promise<{ status: number; body: { data?: { id: string }[]; id?: string } }> => {
    const response = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as { data?: { id: string }[]; id?: string } };
  };

  test('lists only those models, and knows no other', async () => {
    const everything = await stack.createKey();
    const all = await get('/v1/models', everything.key);
    assert.deepEqual(all.body.data?.map((model) => model.id).sort(), ['echo-model', 'test-model']);

    const scoped = await stack.createKey({ allowed_models: ['test-*'] });
    const listed = await get('/v1/models', scoped.key);
    assert.deepEqual(listed.body.data?.map((model) => model.id), ['test-model']);
    assert.equal((await get('/v1/models/test-model', scoped.key)).status, 200);
    assert.equal((await get('/v1/models/echo-model', scoped.key)).status, 404);
    assert.ok((await get('/v1/models?all=true', scoped.key)).body.data?.every((model) => model.id.startsWith('test-')));
  });
});

describe('a request refused for its budget', () => {
  let stack: BillingStack;
  before(async () => {
    stack = await startBillingStack();
  });
  after(() => stack.close());

  test('takes nothing from the key\'s requests per minute', async () => {
    const { id, key } = await stack.createKey({ requests_per_minute: 2, tokens_per_minute: 10_000, budget: { limit_usd: 0, period: 'day' } });
    for (let index = 0; index < 3; index++) {
      const refused = await stack.call('/v1/chat/completions', key, ask);
      assert.equal(refused.status, 402, `refusal ${index + 1}`);
      assert.equal(refused.headers.get('x-ratelimit-remaining-requests'), '2');
      assert.equal(refused.headers.get('x-ratelimit-remaining-tokens'), '10000');
    }
    assert.equal((await stack.admin('PATCH', `/admin/keys/${id}`, { budget: { limit_usd: 5, period: 'day' } })).status, 200);
    const answered = await stack.call('/v1/chat/completions', key, ask);
    assert.equal(answered.status, 200, 'the refusals used none of the two requests a minute');
    assert.equal(answered.headers.get('x-ratelimit-remaining-requests'), '1');
  });
});
