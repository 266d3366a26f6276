// Failing over: every fault of the simulator, streamed and not, moves the request to the next
// provider before the client sees anything; a failure after the first token ends the stream with an
// error event; an invalid request is not retried; breakers open, cool down, probe and close; a lone
// provider's transient failure is retried with backoff.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { ProviderConfig } from '../src/config/types.ts';
import { defaultTimeouts } from '../src/config/types.ts';
import { FakeClock } from './clock.ts';
import { scripted } from './scripted-provider.ts';
import { hello, provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const timeouts = { ...defaultTimeouts, firstByteMs: 300, idleMs: 300 };
/** For the provider that never answers: its first-byte timeout is all the test waits for. */
const impatient = { ...timeouts, firstByteMs: 25 };

function simulated(id: string, simulatorUrl: string, headers: Record<string, string> = {}, providerTimeouts = timeouts): ProviderConfig {
  const config = provider(id, `${simulatorUrl}/v1`, providerTimeouts, [{ id: 'shared', upstream: 'shared-upstream' }]);
  config.headers = { ...config.headers, ...headers };
  return config;
}

async function send(stack: Stack, body: Record<string, unknown>): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'shared', messages: hello, ...body }) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('failover on every simulated fault', () => {
  let stack: Stack;
  const faults = { f429: { 'x-sim-fault': '429', 'x-sim-retry-after': '0' }, f500: { 'x-sim-fault': '500' }, f503: { 'x-sim-fault': '503' }, freset: { 'x-sim-fault': 'reset' }, fstall: { 'x-sim-fault': 'stall' }, fcut: { 'x-sim-fault': 'cut', 'x-sim-fault-after': '0' }, fmalformed: { 'x-sim-fault': 'malformed', 'x-sim-fault-after': '0' } };
  before(async () => {
    stack = await startStack({
      timeouts,
      // Breakers that never hold a provider back, so each test meets the fault itself.
      routing: { breaker: { failureThreshold: 1000, cooldownMs: 0, maxCooldownMs: 0 } },
      extraProviders: (url) => [...Object.entries(faults).map(([id, headers]) => simulated(id, url, headers, id === 'fstall' ? impatient : timeouts)), simulated('healthy', url), simulated('midway', url, { 'x-sim-fault': 'cut', 'x-sim-fault-after': '3' })],
    });
  });
  after(() => stack.close());

  for (const id of Object.keys(faults)) {
    for (const stream of [false, true]) {
      if (!stream && (id === 'fcut' || id === 'fmalformed')) continue;
      test(`${id}, ${stream ? 'streamed' : 'whole'}: the next provider answers and the client sees one clean answer`, async () => {
        const answer = await send(stack, { stream, provider: { order: [id, 'healthy'], allow_fallbacks: false } });
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.headers.get('x-modelmux-provider'), 'healthy');
        assert.equal(answer.headers.get('x-modelmux-attempts'), '2');
        if (stream) {
          assert.match(answer.text, /data: \[DONE\]/);
          assert.doesNotMatch(answer.text, /"error"/);
        } else {
          assert.equal(JSON.parse(answer.text).object, 'chat.completion');
        }
      });
    }
  }

  test('a stream that fails after its first token ends with an error event, not a clean end, and is not retried', async () => {
    const answer = await send(stack, { stream: true, provider: { order: ['midway', 'healthy'], allow_fallbacks: false } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-modelmux-provider'), 'midway');
    assert.equal(answer.headers.get('x-modelmux-attempts'), '1');
    assert.match(answer.text, /"error"/);
    assert.doesNotMatch(answer.text, /\[DONE\]/);
  });

  test('when every provider fails, the last error comes back with each attempt named', async () => {
    const answer = await send(stack, { provider: { order: ['f500', 'f503'], allow_fallbacks: false } });
    assert.equal(answer.status, 503);
    const message = JSON.parse(answer.text).error.message as string;
    assert.match(message, /provider "f500" returned 500/);
    assert.match(message, /provider "f503" returned 503/);
  });

  test('Anthropic and Responses clients fail over too', async () => {
    const messages = await fetch(`${stack.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'shared', max_tokens: 50, messages: hello, provider: { order: ['f503', 'healthy'] } }) });
    assert.equal(messages.status, 200);
    assert.equal(messages.headers.get('x-modelmux-attempts'), '2');
    const responses = await fetch(`${stack.baseUrl}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'shared', input: 'hi', stream: true, provider: { order: ['freset', 'healthy'] } }) });
    assert.equal(responses.status, 200);
    assert.match(await responses.text(), /response\.completed/);
  });
});

describe('what is not retried, and what is', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((server) => server.close()));

  test('a 400 from the provider is the request\'s fault: not sent elsewhere', async () => {
    const invalid = await scripted([{ status: 400, body: { error: { message: 'bad temperature', type: 'invalid_request_error', param: 'temperature' } } }]);
    servers.push(invalid.server);
    const stack = await startStack({ extraProviders: (url) => [{ ...provider('strict', invalid.url, timeouts, [{ id: 'shared' }]) }, simulated('healthy', url)] });
    try {
      const answer = await send(stack, { provider: { order: ['strict', 'healthy'] } });
      assert.equal(answer.status, 400);
      assert.equal(answer.headers.get('x-modelmux-attempts'), '1');
      assert.match(JSON.parse(answer.text).error.message, /bad temperature/);
    } finally {
      await stack.close();
    }
  });

  test('a lone provider\'s 503 and short retry-after are retried after a pause; a long retry-after goes back to the client', async () => {
    const lone = await scripted([{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }]);
    servers.push(lone.server);
    const stack = await startStack({ routing: { backoffMs: 5 }, extraProviders: [provider('lone', lone.url, timeouts, [{ id: 'shared' }])] });
    try {
      const answer = await send(stack, {});
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.headers.get('x-modelmux-attempts'), '3');
      lone.script.push({ status: 429, headers: { 'retry-after': '30' } });
      const limited = await send(stack, {});
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '30');
      assert.equal(limited.headers.get('x-modelmux-attempts'), '1');
    } finally {
      await stack.close();
    }
  });
});

describe('circuit breakers', () => {
  test('a failing provider is skipped after its first failure, probed after the cooldown, and closed when it recovers', async () => {
    const flaky = await scripted([{ status: 500 }, { status: 500 }]);
    const clock = new FakeClock();
    const stack = await startStack({
      clock,
      routing: { breaker: { failureThreshold: 1, cooldownMs: 200, maxCooldownMs: 400 } },
      extraProviders: (url) => [provider('flaky', flaky.url, timeouts, [{ id: 'shared' }]), simulated('healthy', url)],
    });
    const order = { provider: { order: ['flaky', 'healthy'] } };
    const state = async (): Promise<string> => {
      const plan = (await (await fetch(`${stack.baseUrl}/v1/route?model=shared&order=flaky,healthy`)).json()) as { candidates: { provider: string; breaker: { state: string } }[] };
      return plan.candidates.find((candidate) => candidate.provider === 'flaky')!.breaker.state;
    };
    try {
      const first = await send(stack, order);
      assert.equal(first.headers.get('x-modelmux-attempts'), '2');
      assert.equal(await state(), 'open');
      const second = await send(stack, order);
      assert.equal(second.headers.get('x-modelmux-attempts'), '1', 'the open breaker costs nothing');
      assert.equal(second.headers.get('x-modelmux-provider'), 'healthy');
      assert.equal(flaky.calls, 1);

      clock.advance(250);
      const probe = await send(stack, order);
      assert.equal(probe.headers.get('x-modelmux-attempts'), '2', 'the probe failed, the request still answered');
      assert.equal(flaky.calls, 2);

      // The cooldown doubled to 400 ms; once it passes, the recovered provider closes its breaker.
      clock.advance(450);
      const recovered = await send(stack, order);
      assert.equal(recovered.headers.get('x-modelmux-provider'), 'flaky');
      assert.equal(recovered.headers.get('x-modelmux-attempts'), '1');
      assert.equal(await state(), 'closed');
    } finally {
      await stack.close();
      flaky.server.close();
    }
  });
});
