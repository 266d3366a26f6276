// Regressions for what a hostile or unlucky client, or a careless provider, could do to the gateway:
// crash it, read its secrets, grow its memory, or get a non-OpenAI answer.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { headerMatcher } from '../src/providers/registry.ts';
import { hello, provider, providerKey, startStack } from './stack.ts';
import type { Stack } from './stack.ts';
import { until } from './until.ts';

async function listen(server: ReturnType<typeof createServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('hostile requests', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('malformed percent-encoding in a path is a 400, and the gateway keeps serving', async () => {
    for (const path of ['/v1/models/%E0%A4%A', '/v1/models/%']) {
      const response = await fetch(stack.baseUrl + path);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_url');
    }
    assert.equal((await fetch(`${stack.baseUrl}/health`)).status, 200);
  });

  test('headers too large get an OpenAI-shaped 431', async () => {
    const port = Number(new URL(stack.baseUrl).port);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/v1/models', headers: { 'x-big': 'x'.repeat(64 * 1024) } }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });
    assert.equal(answer.status, 431);
    assert.equal(JSON.parse(answer.body).error.code, 'bad_http_request');
  });

  test('JSON nested deeper than the gateway can re-serialise is a 400, not a 500', async () => {
    const body = `{"model":"test-model","messages":[{"role":"user","content":"x"}],"metadata":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(response.status, 400);
    assert.ok(!stack.logs.some((line) => line.includes('"internal error"')));
  });

  test('arbitrary <provider>/<name> models do not grow the metrics', async () => {
    for (let index = 0; index < 30; index++) await stack.client.chat.completions.create({ model: `sim/random-${index}`, messages: hello });
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    assert.ok(!metrics.includes('random-'), 'unknown names are not labels');
    assert.match(metrics, /modelmux_requests_total\{model="sim\/\*",provider="sim",status="200"\} 30/);
    const logged = stack.logs.map((line) => JSON.parse(line)).filter((record) => record.msg === 'request' && /^sim\/random-/.test(record.model ?? ''));
    assert.equal(logged.length, 30, 'the log still names the model asked for');
  });

  test('GET /v1/models/{id} answers for models the gateway knows, 404 for a guess', async () => {
    assert.equal((await fetch(`${stack.baseUrl}/v1/models/test-model`)).status, 200);
    assert.equal((await fetch(`${stack.baseUrl}/v1/models/sim%2Fnot-a-known-model`)).status, 404);
  });
});

describe('a provider that echoes credentials', () => {
  test('neither the key nor a secret header reaches the client, the logs or the metrics, whatever field carries it', async () => {
    const headerSecret = 'azure-header-secret-0987654321';
    const upstream = createServer((request, response) => {
      request.resume();
      const echoed = `${request.headers.authorization} ${request.headers['api-key']}`;
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `bad key ${echoed}`, type: `type ${echoed}`, code: `code ${echoed}`, param: `param ${echoed}` } }));
    });
    const port = await listen(upstream);
    const leaky = provider('leaky', `http://127.0.0.1:${port}/v1`, defaultTimeouts, [{ id: 'leaky', upstream: 'leaky', inputPrice: null, outputPrice: null, contextWindow: null }]);
    leaky.headers = { 'api-key': headerSecret };
    const stack = await startStack({ extraProviders: [leaky] });
    try {
      const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'leaky', messages: hello }) });
      const text = await response.text();
      assert.equal(response.status, 401);
      const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
      for (const place of [text, metrics, ...stack.logs]) {
        assert.ok(!place.includes(providerKey), place);
        assert.ok(!place.includes(headerSecret), place);
      }
      assert.match(metrics, /modelmux_request_errors_total\{model="leaky",provider="leaky",type="upstream_401"\} 1/);
    } finally {
      await stack.close();
      upstream.close();
    }
  });
});

describe('header forwarding', () => {
  test('even `*` never forwards hop-by-hop headers or the client\'s credentials', async () => {
    const stack = await startStack();
    try {
      const sim = stack.gateway.registry.providers.find((entry) => entry.id === 'sim')!;
      sim.forwardsHeader = headerMatcher(['*']);
      stack.simulator.reset();
      await stack.client.chat.completions.create({ model: 'test-model', messages: hello }, { headers: { 'x-team': 'blue', cookie: 'session=1', 'x-api-key': 'client-secret' } });
      const received = stack.simulator.requests.at(-1)!.headers;
      assert.equal(received['x-team'], 'blue');
      assert.equal(received.cookie, undefined);
      assert.equal(received['x-api-key'], undefined);
      assert.equal(received.authorization, `Bearer ${providerKey}`);
    } finally {
      await stack.close();
    }
  });
});

describe('a slow client', () => {
  test('is not blamed on the provider: back-pressure pauses the idle timeout', async () => {
    const event = `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'y'.repeat(32 * 1024) }, finish_reason: null }] })}\n\n`;
    /** When the provider last wrote: held back by a client that reads nothing, or done, it stops. */
    let lastWriteAt = performance.now();
    const upstream = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const pump = (): void => {
        while (sent < 256) {
          sent++;
          lastWriteAt = performance.now();
          if (!response.write(event)) return void response.once('drain', pump);
        }
        lastWriteAt = performance.now();
        response.end(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
      };
      pump();
    });
    const port = await listen(upstream);
    const stack = await startStack({
      timeouts: { idleMs: 300 },
      extraProviders: [provider('bulk', `http://127.0.0.1:${port}/v1`, { ...defaultTimeouts, idleMs: 300 }, [{ id: 'bulk', upstream: 'x', inputPrice: null, outputPrice: null, contextWindow: null }])],
    });
    try {
      const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bulk', stream: true, messages: hello }) });
      const reader = response.body!.getReader();
      await reader.read();
      // Not reading, until nothing has left the provider for longer than the idle timeout. (The
      // timeout is a real timer, and not shorter: loopback TCP itself can pause a full flow for
      // ~200 ms, which a shorter idle timeout would rightly call idle.)
      await until(() => performance.now() - lastWriteAt >= 400, 'the provider quiet for 400 ms');
      let text = '';
      const decoder = new TextDecoder();
      for (let part = await reader.read(); !part.done; part = await reader.read()) text += decoder.decode(part.value, { stream: true });
      assert.ok(!text.includes('"error"'), text.slice(-300));
      assert.ok(text.endsWith('data: [DONE]\n\n'));
    } finally {
      await stack.close();
      upstream.close();
    }
  });
});
