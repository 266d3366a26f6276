// A provider that delivers a whole stream in one burst (it buffers, or is simply fast) has no time of
// its own between its first token and its end; its throughput is then measured over the whole
// attempt, so it still gets a figure and `:fastest` can favour it over a slower, paced provider.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProviderConfig } from '../src/config/types.ts';
import { defaultTimeouts } from '../src/config/types.ts';
import { defaultPrior } from '../src/routing/stats.ts';
import { hello, provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

function simulated(id: string, url: string, pacing: Record<string, string>): ProviderConfig {
  const config = provider(id, `${url}/v1`, defaultTimeouts, [{ id: 'shared', upstream: 'shared-upstream' }]);
  config.headers = { ...config.headers, ...pacing };
  return config;
}

describe('throughput of a stream', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      extraProviders: (url) => [
        simulated('burst', url, { 'x-sim-tokens-per-second': '0', 'x-sim-output-tokens': '200' }),
        simulated('paced', url, { 'x-sim-tokens-per-second': '100', 'x-sim-output-tokens': '20' }),
      ],
    });
  });
  after(() => stack.close());

  const stream = async (only: string): Promise<void> => {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'shared', messages: hello, stream: true, stream_options: { include_usage: true }, provider: { only: [only] } }),
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /data: \[DONE\]/);
  };

  test('delivered in one burst, it is still measured, and :fastest then puts it first', async () => {
    await stream('burst');
    await stream('paced');
    const figures = (id: string) => stack.gateway.router.stats.get(`${id}/shared-upstream`);
    assert.ok(figures('burst').tokensPerSecond > defaultPrior.tokensPerSecond, `burst: ${JSON.stringify(figures('burst'))}`);
    assert.ok(figures('paced').tokensPerSecond > defaultPrior.tokensPerSecond, `paced: ${JSON.stringify(figures('paced'))}`);
    const route = (await (await fetch(`${stack.baseUrl}/v1/route?model=shared:fastest`)).json()) as { candidates: { provider: string }[] };
    assert.deepEqual(route.candidates.map((candidate) => candidate.provider), ['burst', 'paced']);
  });
});
