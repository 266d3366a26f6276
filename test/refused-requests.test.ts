// A request refused before any provider is called (its key's budget, models or rate limit, a model
// nobody serves, no eligible provider) is counted, logged and recorded under the model it asked for:
// in the metrics as a known model or `<provider>/*` only, never the client's own text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';

describe('refused requests name the model they asked for', () => {
  let stack: BillingStack;
  before(async () => {
    stack = await startBillingStack();
  });
  after(() => stack.close());

  /** The request's metrics series, access-log line and ledger row, after a refusal with `status`. */
  async function refused(key: string, body: Record<string, unknown>, status: number): Promise<{ metrics: string; logged: Record<string, unknown>; row: { model: string | null; status: number } }> {
    const response = await stack.call('/v1/chat/completions', key, body);
    assert.equal(response.status, status, await response.clone().text());
    await response.arrayBuffer();
    const requestId = response.headers.get('x-request-id')!;
    const logged = await poll(() => stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((record) => record.msg === 'request' && record.request_id === requestId));
    const row = stack.rowsOf(requestId).find((candidate) => candidate.kind === 'request')!;
    return { metrics: await (await fetch(`${stack.baseUrl}/metrics`)).text(), logged, row };
  }

  test('a budget, a key\'s models and a rate limit refuse under the model asked for', async () => {
    const broke = await stack.createKey({ budget: { limit_usd: 0, period: 'day' } });
    const overBudget = await refused(broke.key, ask, 402);
    assert.match(overBudget.metrics, /modelmux_requests_total\{model="test-model",provider="none",status="402"\} 1/);
    assert.equal(overBudget.logged.model, 'test-model');
    assert.equal(overBudget.row.model, 'test-model');

    const narrow = await stack.createKey({ allowed_models: ['test-*'] });
    const notAllowed = await refused(narrow.key, { ...ask, model: 'sim/some-guess' }, 403);
    assert.match(notAllowed.metrics, /modelmux_requests_total\{model="sim\/\*",provider="none",status="403"\} 1/);
    assert.doesNotMatch(notAllowed.metrics, /some-guess/);
    assert.equal(notAllowed.logged.model, 'sim/some-guess');
    assert.equal(notAllowed.row.model, 'sim/some-guess');

    const limited = await stack.createKey({ requests_per_minute: 1 });
    assert.equal((await stack.call('/v1/chat/completions', limited.key, { ...ask, model: 'echo-model' })).status, 200);
    const tooMany = await refused(limited.key, { ...ask, model: 'echo-model' }, 429);
    assert.match(tooMany.metrics, /modelmux_requests_total\{model="echo-model",provider="none",status="429"\} 1/);
    assert.equal(tooMany.row.model, 'echo-model');
  });

  test('no eligible provider counts under the model; a model nobody serves stays unknown in the metrics', async () => {
    const { key } = await stack.createKey();
    const noProvider = await refused(key, { ...ask, model: 'test-model', provider: { only: ['nobody'] } }, 400);
    assert.match(noProvider.metrics, /modelmux_requests_total\{model="test-model",provider="none",status="400"\} 1/);
    assert.equal(noProvider.logged.model, 'test-model');
    assert.equal(noProvider.row.model, 'test-model');

    const unknown = await refused(key, { ...ask, model: 'nowhere/made-up-name' }, 404);
    assert.doesNotMatch(unknown.metrics, /made-up-name/);
    assert.match(unknown.metrics, /modelmux_requests_total\{model="unknown",provider="none",status="404"\} 1/);
    assert.equal(unknown.logged.model, 'nowhere/made-up-name', 'the log and the caller\'s own rows name what was asked for');
    assert.equal(unknown.row.model, 'nowhere/made-up-name');
  });
});

/** The access log and the ledger are written as the response closes, just after its last byte. */
async function poll<T>(find: () => T | undefined): Promise<T> {
  for (let tries = 0; tries < 100; tries++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('not found in time');
}
