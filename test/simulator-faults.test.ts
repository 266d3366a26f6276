// Simulator faults and knobs: error bodies in each provider's shape, broken connections, broken
// streams, latency knobs set by option, preset and header, and clean-up when clients go away.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { startSimulator } from '../src/simulator/index.ts';
import { defaultKnobs, presetOf, resolveKnobs } from '../src/simulator/knobs.ts';
import { json, parseEvents, post, recorded, simulator, useSimulator } from './simulator-helpers.ts';

useSimulator();

type Format = 'openai' | 'anthropic' | 'google';
interface Endpoint {
  name: string;
  format: Format;
  path: string;
  streamPath: string;
  body: Record<string, unknown>;
  streamBody: Record<string, unknown>;
}

const user = [{ role: 'user', content: 'hi' }];
const endpoints: Endpoint[] = [
  endpoint('chat', 'openai', '/v1/chat/completions', { model: 'fast', messages: user }),
  endpoint('responses', 'openai', '/v1/responses', { model: 'fast', input: 'hi' }),
  endpoint('embeddings', 'openai', '/v1/embeddings', { model: 'fast', input: 'hi' }),
  endpoint('anthropic', 'anthropic', '/v1/messages', { model: 'fast', max_tokens: 100, messages: user }),
  {
    name: 'gemini',
    format: 'google',
    path: '/v1beta/models/fast:generateContent',
    streamPath: '/v1beta/models/fast:streamGenerateContent?alt=sse',
    body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    streamBody: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
  },
];
const streaming = endpoints.filter((item) => item.name !== 'embeddings');

describe('faults answered with an error body', () => {
  for (const target of endpoints) {
    test(`${target.name}: 429 with retry-after, 500 and 503 in the ${target.format} shape`, async () => {
      const limited = await post(target.path, target.body, { 'x-sim-fault': '429' });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '1');
      assertErrorShape(target.format, await json(limited), 429);
      const later = await post(target.path, target.body, { 'x-sim-fault': '429', 'x-sim-retry-after': '7' });
      assert.equal(later.headers.get('retry-after'), '7');
      const laterBody = await json(later);
      if (target.format === 'google') assert.equal(laterBody.error.details[1].retryDelay, '7s');
      for (const status of [500, 503]) {
        const failed = await post(target.path, target.body, { 'x-sim-fault': String(status) });
        assert.equal(failed.status, status);
        assertErrorShape(target.format, await json(failed), status);
      }
    });
  }

  test('unknown routes are 404 and bodies that are not JSON are 400, each in its format', async () => {
    const missing = await post('/v1/nothing', {});
    assert.equal(missing.status, 404);
    assertErrorShape('openai', await json(missing), 404);
    const wrongMethod = await fetch(simulator.url + '/v1/chat/completions');
    assert.equal(wrongMethod.status, 404);
    await wrongMethod.arrayBuffer();
    for (const target of endpoints) {
      const broken = await fetch(simulator.url + target.path, { method: 'POST', body: '{"model": "fast",' });
      assert.equal(broken.status, 400);
      assertErrorShape(target.format, await json(broken), 400);
    }
  });

  test('a knob header that makes no sense is a 400', async () => {
    const response = await post('/v1/chat/completions', { model: 'fast', messages: user }, { 'x-sim-fault': 'explode' });
    assert.equal(response.status, 400);
    assert.match((await json(response)).error.message, /x-sim-fault/);
  });
});

describe('faults that break the connection', () => {
  test('reset: the socket is destroyed before any header', async () => {
    for (const target of endpoints) {
      await assert.rejects(post(target.path, target.body, { 'x-sim-fault': 'reset' }));
    }
  });

  test('stall: no answer until the client gives up', async () => {
    simulator.reset();
    const controller = new AbortController();
    const pending = post('/v1/chat/completions', { model: 'fast', messages: user }, { 'x-sim-fault': 'stall' }, controller.signal);
    await until(() => simulator.requests.length === 1);
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
  });

  test('stall: close() ends stalled requests instead of waiting for them', async () => {
    const own = await startSimulator({ knobs: { fault: 'stall' } });
    const pending = fetch(own.url + '/v1/messages', { method: 'POST', body: JSON.stringify({ model: 'x', max_tokens: 5, messages: [] }) });
    await until(() => own.requests.length === 1);
    await own.close();
    await assert.rejects(pending);
  });

  for (const target of streaming) {
    test(`cut, ${target.name}: N token events, then the connection drops without a terminator`, async () => {
      const response = await post(target.streamPath, target.streamBody, { 'x-sim-fault': 'cut', 'x-sim-fault-after': '5' });
      assert.equal(response.status, 200);
      const { text, failed } = await readAll(response);
      assert.ok(failed, 'the body should end in an error');
      assert.equal(tokenEvents(target, text), 5);
      assert.doesNotMatch(text, /\[DONE\]|message_stop|response\.completed|finishReason/);
    });
  }

  test('cut, whole answer: headers and half the body, then the connection drops', async () => {
    for (const target of endpoints) {
      const response = await post(target.path, target.body, { 'x-sim-fault': 'cut' });
      assert.equal(response.status, 200);
      await assert.rejects(response.text());
    }
  });

  for (const target of streaming) {
    test(`malformed, ${target.name}: one truncated event after N tokens, then the stream goes on`, async () => {
      const response = await post(target.streamPath, target.streamBody, { 'x-sim-fault': 'malformed' });
      const { text, failed } = await readAll(response);
      assert.equal(failed, false);
      const events = parseEvents(text);
      const brokenAt = events.findIndex((event) => !parses(event.data));
      assert.notEqual(brokenAt, -1);
      assert.equal(events.filter((event) => !parses(event.data)).length, 1);
      const dataOf = (list: Array<{ data: string }>) => list.map((event) => event.data).join('\n\n');
      assert.equal(tokenEvents(target, dataOf(events.slice(0, brokenAt))), 3);
      assert.equal(tokenEvents(target, dataOf(events.filter((event) => parses(event.data)))), 16);
    });
  }

  test('malformed, whole answer: status 200 with a body that is not JSON', async () => {
    for (const target of endpoints) {
      const response = await post(target.path, target.body, { 'x-sim-fault': 'malformed' });
      assert.equal(response.status, 200);
      assert.equal(parses(await response.text()), false);
    }
  });
});

describe('knobs', () => {
  test('x-sim-output-tokens sets the answer length', async () => {
    const response = await post('/v1/chat/completions', { model: 'fast', messages: user }, { 'x-sim-output-tokens': '40' });
    assert.equal((await json(response)).usage.completion_tokens, 40);
  });

  test('x-sim-ttft-ms delays a whole answer', async () => {
    const started = performance.now();
    const response = await post('/v1/chat/completions', { model: 'fast', messages: user }, { 'x-sim-ttft-ms': '50' });
    await json(response);
    assert.ok(performance.now() - started >= 45);
  });

  test('x-sim-ttft-ms on a stream: headers at once, the first event later', async () => {
    const started = performance.now();
    const response = await post('/v1/chat/completions', { model: 'fast', stream: true, messages: user }, { 'x-sim-ttft-ms': '50' });
    const reader = response.body!.getReader();
    const first = reader.read();
    // Had the first event come with the headers, it would be readable before the next turn of the loop.
    const early = await Promise.race([first.then(() => 'an event'), new Promise((resolve) => setImmediate(() => resolve('nothing yet')))]);
    assert.equal(early, 'nothing yet', 'the headers come before the first event');
    await first;
    assert.ok(performance.now() - started >= 45, 'the first event waits for the time to first token');
    await reader.cancel();
  });

  test('x-sim-tokens-per-second paces the events', async () => {
    const started = performance.now();
    const response = await post('/v1/chat/completions', { model: 'fast', stream: true, messages: user },
      { 'x-sim-tokens-per-second': '100', 'x-sim-output-tokens': '6' });
    let reads = 0;
    for await (const chunk of response.body!) reads += chunk.byteLength > 0 ? 1 : 0;
    assert.ok(performance.now() - started >= 45, '6 tokens at 100/s take at least 5 intervals of 10 ms');
    assert.ok(reads >= 3, 'the events should arrive in several pieces');
  });

  test('the slow preset waits before answering; headers override presets', async () => {
    // The preset's 300 ms wait is read from its knobs rather than waited for; its pace (30 tokens/s)
    // shows that a request naming the model gets it.
    assert.deepEqual(resolveKnobs(defaultKnobs, presetOf('sim/slow'), {}), { ...defaultKnobs, ttftMs: 300, tokensPerSecond: 30 });
    const started = performance.now();
    const slow = await post('/v1/chat/completions', { model: 'sim/slow', stream: true, messages: user }, { 'x-sim-ttft-ms': '0', 'x-sim-output-tokens': '2' });
    await slow.text();
    assert.ok(performance.now() - started >= 30, 'two tokens at 30/s are one interval of 33 ms apart');
    const overridden = await post('/v1/chat/completions', { model: 'slow', messages: user }, { 'x-sim-ttft-ms': '0', 'x-sim-tokens-per-second': '0' });
    assert.equal(overridden.status, 200);
    await json(overridden);
  });

  test('startSimulator knobs are the defaults and headers win over them', async () => {
    const own = await startSimulator({ knobs: { outputTokens: 4, fault: '500' } });
    try {
      const failing = await fetch(own.url + '/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'x', messages: user }) });
      assert.equal(failing.status, 500);
      await failing.arrayBuffer();
      const healthy = await fetch(own.url + '/v1/chat/completions', {
        method: 'POST', headers: { 'x-sim-fault': 'none' }, body: JSON.stringify({ model: 'x', messages: user }),
      });
      assert.equal((await json(healthy)).usage.completion_tokens, 4);
    } finally {
      await own.close();
    }
    await assert.rejects(startSimulator({ knobs: { ttftMs: -1 } }));
  });

  test('x-sim-fault-rate: the fault strikes that share of requests', async () => {
    const statuses = async (rate: string, count: number): Promise<Set<number>> => {
      const seen = new Set<number>();
      for (let index = 0; index < count; index++) {
        const response = await post('/v1/chat/completions', { model: 'fast', messages: user }, { 'x-sim-fault': '500', 'x-sim-fault-rate': rate });
        seen.add(response.status);
        await response.arrayBuffer();
      }
      return seen;
    };
    assert.deepEqual(await statuses('0', 20), new Set([200]));
    assert.deepEqual(await statuses('1', 20), new Set([500]));
    // Both outcomes over 200 requests; missing one by chance has odds of 2^-199.
    assert.deepEqual(await statuses('0.5', 200), new Set([200, 500]));
    for (const bad of ['1.5', '-0.1', 'half', '']) {
      const response = await post('/v1/chat/completions', { model: 'fast', messages: user }, { 'x-sim-fault': '500', 'x-sim-fault-rate': bad });
      assert.equal(response.status, 400);
      assert.match((await json(response)).error.message, /x-sim-fault-rate/);
    }
    await assert.rejects(startSimulator({ knobs: { faultRate: 2 } }));
  });

  test('a client that leaves mid-stream leaves no pacing timer behind', async () => {
    const originalSet = globalThis.setTimeout;
    const originalClear = globalThis.clearTimeout;
    // Only the pacing timer (2 s at 0.5 tokens/s) is watched; the HTTP client's own timers are left alone.
    const watched = new Set<NodeJS.Timeout>();
    const cleared = new Set<NodeJS.Timeout>();
    globalThis.setTimeout = ((callback: (...values: unknown[]) => void, delay?: number, ...values: unknown[]) => {
      const timer: NodeJS.Timeout = originalSet(() => {
        watched.delete(timer);
        callback(...values);
      }, delay);
      if ((delay ?? 0) > 1500 && (delay ?? 0) <= 2000) watched.add(timer);
      return timer;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((timer: NodeJS.Timeout) => {
      if (watched.delete(timer)) cleared.add(timer);
      originalClear(timer);
    }) as typeof clearTimeout;
    try {
      const body = JSON.stringify({ model: 'fast', stream: true, messages: user });
      const client = httpRequest(simulator.url + '/v1/chat/completions', { method: 'POST', agent: false, headers: { 'x-sim-tokens-per-second': '0.5' } });
      client.end(body);
      const [response] = await once(client, 'response');
      await once(response, 'data');
      await until(() => watched.size === 1, originalSet);
      client.destroy();
      await until(() => watched.size === 0, originalSet);
      assert.equal(cleared.size, 1, 'the pending pacing timer should have been cleared, not left to fire');
    } finally {
      globalThis.setTimeout = originalSet;
      globalThis.clearTimeout = originalClear;
    }
  });
});

function endpoint(name: string, format: Format, path: string, body: Record<string, unknown>): Endpoint {
  return { name, format, path, streamPath: path, body, streamBody: { ...body, stream: true } };
}

function assertErrorShape(format: Format, body: any, status: number): void {
  if (format === 'openai') {
    const real = JSON.parse(readFileSync(new URL('openai-chat/reasoning-model-legacy-parameter-error.json', recorded), 'utf8'));
    assert.deepEqual(Object.keys(body), ['error']);
    assert.deepEqual(Object.keys(body.error).sort(), Object.keys(real.error).sort());
    if (status === 429) assert.equal(body.error.code, 'rate_limit_exceeded');
    return;
  }
  if (format === 'anthropic') {
    assert.equal(body.type, 'error');
    assert.deepEqual(Object.keys(body.error).sort(), ['message', 'type']);
    const types: Record<number, string> = { 400: 'invalid_request_error', 404: 'not_found_error', 429: 'rate_limit_error', 500: 'api_error', 503: 'overloaded_error' };
    assert.equal(body.error.type, types[status]);
    return;
  }
  const real = JSON.parse(readFileSync(new URL('google/google-429-retry-info.json', recorded), 'utf8'));
  assert.equal(body.error.code, status);
  const statuses: Record<number, string> = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };
  assert.equal(body.error.status, statuses[status]);
  if (status === 429) {
    assert.deepEqual(Object.keys(body.error).sort(), Object.keys(real.error).sort());
    const detailTypes = (details: Array<Record<string, unknown>>) => details.map((detail) => detail['@type']);
    assert.deepEqual(detailTypes(body.error.details), detailTypes(real.error.details));
    assert.match(body.error.details[1].retryDelay, /^\d+(\.\d+)?s$/);
  }
}

/** Events that carry one token each, recognised per format. */
function tokenEvents(target: Endpoint, text: string): number {
  const marker = target.format === 'anthropic'
    ? /"type":"text_delta"/g
    : target.format === 'google'
      ? /"parts":\[\{"text":"[^"]/g
      : target.name === 'responses'
        ? /"type":"response\.output_text\.delta"/g
        : /"delta":\{"content":/g;
  return (text.match(marker) ?? []).length;
}

async function readAll(response: Response): Promise<{ text: string; failed: boolean }> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of response.body!) text += decoder.decode(chunk, { stream: true });
    return { text, failed: false };
  } catch {
    return { text, failed: true };
  }
}

function parses(text: string): boolean {
  if (text === '[DONE]') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Waits for a condition, polling; gives up after two seconds so a broken test cannot hang. */
async function until(condition: () => boolean, timer: typeof setTimeout = setTimeout): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 2000) throw new Error('condition not reached within 2 s');
    await new Promise((resolve) => timer(resolve, 10));
  }
}
