// GET /v1/route tells a breaker that is holding a provider back from one whose cooldown has passed,
// which the next request will probe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { scripted } from './scripted-provider.ts';
import { hello, provider, startStack } from './stack.ts';

test('a breaker past its retry time shows as half-open and due for a probe; one still cooling down as open', async () => {
  const flaky = await scripted([{ status: 500 }]);
  const resting = await scripted([{ status: 503, headers: { 'retry-after': '30' } }]);
  const stack = await startStack({
    routing: { maxAttempts: 2, breaker: { failureThreshold: 1, cooldownMs: 0, maxCooldownMs: 0 } },
    extraProviders: [provider('flaky', flaky.url, defaultTimeouts, [{ id: 'shared' }]), provider('resting', resting.url, defaultTimeouts, [{ id: 'shared' }])],
  });
  try {
    const failed = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'shared', messages: hello, provider: { order: ['flaky', 'resting'] } }) });
    assert.equal(failed.status, 503, await failed.text());
    const route = (await (await fetch(`${stack.baseUrl}/v1/route?model=shared`)).json()) as { candidates: { provider: string; breaker: { state: string; retry_at: string | null; probe_due: boolean } }[] };
    const breaker = (id: string) => route.candidates.find((candidate) => candidate.provider === id)!.breaker;
    assert.equal(breaker('flaky').state, 'half-open');
    assert.equal(breaker('flaky').probe_due, true);
    assert.equal(breaker('resting').state, 'open');
    assert.equal(breaker('resting').probe_due, false);
    assert.ok(Date.parse(breaker('resting').retry_at!) > Date.now() + 20_000);
  } finally {
    await stack.close();
    flaky.server.close();
    resting.server.close();
  }
});
