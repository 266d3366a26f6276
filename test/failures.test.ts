// Faults upstream and bad input from the client: every one ends in a clear OpenAI-style error with
// the right status, never a crash, a hang, a clean-looking truncated stream or a leaked secret.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { defaultTimeouts } from '../src/config/types.ts';
import { hello, provider, providerKey, sim, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

async function expectApiError(promise: Promise<unknown>, status: number, pattern: RegExp): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${error}`);
    assert.equal(error.status, status, error.message);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail('expected the request to fail');
}

async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _chunk of stream) count++;
  return count;
}

describe('upstream faults', () => {
  let stack: Stack;
  before(async () => {
    // One attempt: these tests are about how each fault reads to the client (failover is test/failover.test.ts).
    // The timeouts under test belong to two providers of their own (the same simulator), short so the
    // tests wait for little; the other faults meet generous ones.
    stack = await startStack({
      timeouts: { firstByteMs: 5_000, idleMs: 5_000 },
      routing: { maxAttempts: 1 },
      extraProviders: (url) => [
        provider('hasty', `${url}/v1`, { ...defaultTimeouts, firstByteMs: 40 }, [{ id: 'hasty-model', upstream: 'upstream-model' }]),
        provider('fidgety', `${url}/v1`, { ...defaultTimeouts, idleMs: 40 }, [{ id: 'fidgety-model', upstream: 'upstream-model' }]),
      ],
    });
  });
  after(() => stack.close());

  test('429 keeps its status and retry-after, names the provider', async () => {
    const error = await expectApiError(stack.client.chat.completions.create({ model: 'test-model', messages: hello }, sim({ fault: 429, 'retry-after': 7 })), 429, /provider "sim" returned 429/);
    assert.equal(error.headers?.get('retry-after'), '7');
    assert.ok(error.type, 'the upstream error type is kept');
  });

  test('500 and 503 keep their status, streamed or not', async () => {
    await expectApiError(stack.client.chat.completions.create({ model: 'test-model', messages: hello }, sim({ fault: 500 })), 500, /provider "sim" returned 500/);
    await expectApiError(stack.client.chat.completions.create({ model: 'test-model', messages: hello, stream: true }, sim({ fault: 503 })), 503, /provider "sim" returned 503/);
  });

  test('connection reset before headers is a 502', async () => {
    await expectApiError(stack.client.chat.completions.create({ model: 'test-model', messages: hello }, sim({ fault: 'reset' })), 502, /closed the connection/);
  });

  test('a stall before the first byte times out with 504, streamed or not', async () => {
    await expectApiError(stack.client.chat.completions.create({ model: 'hasty-model', messages: hello }, sim({ fault: 'stall' })), 504, /first byte timed out after 40 ms/);
    await expectApiError(stack.client.chat.completions.create({ model: 'hasty-model', messages: hello, stream: true }, sim({ fault: 'stall' })), 504, /first byte timed out/);
  });

  test('a slow first token on a stream hits the first-byte timeout before anything is sent', async () => {
    await expectApiError(stack.client.chat.completions.create({ model: 'hasty-model', messages: hello, stream: true }, sim({ 'ttft-ms': 2000 })), 504, /first byte timed out/);
  });

  test('a gap between chunks longer than the idle timeout ends the stream with an error event', async () => {
    const stream = await stack.client.chat.completions.create({ model: 'fidgety-model', messages: hello, stream: true }, sim({ 'tokens-per-second': 1, 'output-tokens': 5 }));
    await assert.rejects(drain(stream), (error: Error) => error instanceof OpenAI.APIError && /idle timed out after 40 ms/.test(error.message));
  });

  test('a stream cut mid-way ends with an error event, never a clean end', async () => {
    const stream = await stack.client.chat.completions.create({ model: 'test-model', messages: hello, stream: true }, sim({ fault: 'cut', 'fault-after': 3 }));
    await assert.rejects(drain(stream), (error: Error) => error instanceof OpenAI.APIError && /provider "sim"/.test(error.message));
  });

  test('a non-streamed body cut mid-way is a 502', async () => {
    await expectApiError(stack.client.chat.completions.create({ model: 'test-model', messages: hello }, sim({ fault: 'cut' })), 502, /provider "sim"/);
  });

  test('a malformed stream event stops the stream with an error event', async () => {
    const stream = await stack.client.chat.completions.create({ model: 'test-model', messages: hello, stream: true }, sim({ fault: 'malformed', 'fault-after': 2 }));
    await assert.rejects(drain(stream), (error: Error) => error instanceof OpenAI.APIError && /malformed/.test(error.message));
  });

  test('a malformed non-streamed body is a 502', async () => {
    await expectApiError(stack.client.chat.completions.create({ model: 'test-model', messages: hello }, sim({ fault: 'malformed' })), 502, /not valid JSON/);
  });

  test('a provider nobody listens on is a 502 naming it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await startStack({ extraProviders: [provider('down', `http://127.0.0.1:${port}/v1`, defaultTimeouts, [{ id: 'down-model', upstream: 'x', inputPrice: null, outputPrice: null, contextWindow: null }])] });
    try {
      await expectApiError(down.client.chat.completions.create({ model: 'down-model', messages: hello }), 502, /provider "down" refused the connection/);
    } finally {
      await down.close();
    }
  });

  test('after every fault the gateway still serves', async () => {
    const result = await stack.client.chat.completions.create({ model: 'test-model', messages: hello });
    assert.ok(result.choices[0].message.content);
  });
});

describe('client behaviour', () => {
  test('a client that disconnects mid-stream aborts the upstream request at once', async () => {
    let upstreamClosedAt = 0;
    const upstream = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => response.write('data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tick "},"finish_reason":null}]}\n\n'), 20);
      response.on('close', () => {
        clearInterval(timer);
        upstreamClosedAt = performance.now();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    const stack = await startStack({ extraProviders: [provider('ticker', `http://127.0.0.1:${port}/v1`, defaultTimeouts, [{ id: 'ticker', upstream: 'ticker', inputPrice: null, outputPrice: null, contextWindow: null }])] });
    try {
      const controller = new AbortController();
      const stream = await stack.client.chat.completions.create({ model: 'ticker', messages: hello, stream: true }, { signal: controller.signal });
      let abortedAt = 0;
      try {
        for await (const _chunk of stream) {
          abortedAt = performance.now();
          controller.abort();
        }
      } catch {
        // The SDK may end the iteration quietly or throw an abort error; either is fine here.
      }
      assert.ok(abortedAt > 0, 'the stream started');
      for (let wait = 0; wait < 100 && upstreamClosedAt === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(upstreamClosedAt > 0, 'the upstream request was closed');
      assert.ok(upstreamClosedAt - abortedAt < 1000);
      for (let wait = 0; wait < 100 && !/modelmux_requests_in_flight 0/.test(stack.gateway.metrics.render()); wait++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.match(stack.gateway.metrics.render(), /modelmux_requests_in_flight 0/);
      const logged = stack.logs.map((line) => JSON.parse(line)).find((record) => record.msg === 'request' && record.model === 'ticker');
      assert.equal(logged?.status, 499, 'an abandoned stream is logged as closed by the client');
    } finally {
      await stack.close();
      upstream.close();
    }
  });
});

describe('bad input', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ bodyLimitBytes: 64 * 1024 });
  });
  after(() => stack.close());

  const post = async (body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, body: (await response.json()) as { error: { message: string; type: string; code: string | null; param: string | null } } };
  };

  test('malformed JSON is a 400 with OpenAI fields', async () => {
    const { status, body } = await post('{"model": "test-model", "messages": [');
    assert.equal(status, 400);
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.code, 'invalid_json');
  });

  test('invalid fields are 400s naming the param', async () => {
    const cases: [unknown, string][] = [
      [[], 'the request body must be a JSON object'],
      [null, 'the request body must be a JSON object'],
      [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
      [{ model: 'test-model' }, 'messages'],
      [{ model: 'test-model', messages: [] }, 'messages'],
      [{ model: 'test-model', messages: 'hi' }, 'messages'],
      [{ model: 'test-model', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'test-model', messages: [{ role: 'user' }] }, 'messages[0].content'],
      [{ model: 'test-model', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
      [{ model: 'test-model', messages: [{ role: 'user', content: 'x' }], temperature: 3 }, 'temperature'],
      [{ model: 'test-model', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, 'max_tokens'],
      [{ model: 'test-model', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream'],
      [{ model: 'test-model', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }, 'stream_options'],
      [{ model: 'test-model', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name'],
      [{ model: 'test-model', messages: [{ role: 'user', content: 'x' }], tool_choice: 'always' }, 'tool_choice'],
    ];
    for (const [input, expected] of cases) {
      const { status, body } = await post(JSON.stringify(input));
      assert.equal(status, 400, JSON.stringify(input));
      assert.ok(body.error.param === expected || body.error.message.includes(expected), `${JSON.stringify(input)} -> ${JSON.stringify(body.error)}`);
    }
  });

  test('an unknown model is a 404 naming the models that exist', async () => {
    await expectApiError(stack.client.chat.completions.create({ model: 'no-such-model', messages: hello }), 404, /"no-such-model" does not exist.*test-model/);
  });

  test('a body over the limit is a 413, declared or streamed', async () => {
    const big = JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] });
    const { status, body } = await post(big);
    assert.equal(status, 413);
    assert.equal(body.error.code, 'request_too_large');
    await expectApiError(stack.client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] }), 413, /larger than the limit/);
  });

  test('a chunked body over the limit is a 413 too, not a reset connection', async () => {
    // No content-length: the limit is passed while the body is read.
    const chunk = Buffer.from('x'.repeat(10 * 1024));
    const answer = await new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
      const request = httpRequest(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (part: string) => (text += part));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.write('{"model":"test-model","messages":[{"role":"user","content":"');
      for (let index = 0; index < 10; index++) request.write(chunk);
      request.end('"}]}');
    });
    assert.equal(answer.status, 413, answer.text);
    assert.equal((JSON.parse(answer.text) as { error: { code: string } }).error.code, 'request_too_large');
    assert.equal(answer.headers.connection, 'close');
  });

  test('the default limit takes a 1M-token prompt (about 4 MB)', async () => {
    const roomy = await startStack();
    try {
      // Pinned by `<provider>/<name>` to a name no catalog knows, so no context window applies (test-model's 8k would refuse it).
      const result = await roomy.client.chat.completions.create({ model: 'sim/any-roomy-model', messages: [{ role: 'user', content: 'word '.repeat(800_000) }] });
      assert.ok(result.usage && result.usage.prompt_tokens > 900_000);
    } finally {
      await roomy.close();
    }
  });

  test('unknown routes are 404 and wrong methods 405, in the OpenAI shape', async () => {
    const missing = await fetch(`${stack.baseUrl}/v1/nope`, { method: 'POST' });
    assert.equal(missing.status, 404);
    const error = ((await missing.json()) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'unknown_url');
    // It names every endpoint a client may have meant, the newer ones too.
    assert.equal(error.message, 'Unknown request URL: POST /v1/nope. modelmux serves /v1/chat/completions, /v1/responses, /v1/messages, /v1/embeddings, /v1/models, /v1/route, /v1/presets, /v1/usage and /v1/compare.');
    const wrongMethod = await fetch(`${stack.baseUrl}/v1/chat/completions`);
    assert.equal(wrongMethod.status, 405);
  });

  test('an unsafe x-request-id is replaced, not echoed', async () => {
    const response = await fetch(`${stack.baseUrl}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});

describe('secrets', () => {
  test('a provider key echoed by the upstream never reaches the client or the logs', async () => {
    const upstream = createServer((request, response) => {
      request.resume();
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${request.headers.authorization}`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    const stack = await startStack({ extraProviders: [provider('leaky', `http://127.0.0.1:${port}/v1`, defaultTimeouts, [{ id: 'leaky', upstream: 'leaky', inputPrice: null, outputPrice: null, contextWindow: null }])] });
    try {
      const error = await expectApiError(stack.client.chat.completions.create({ model: 'leaky', messages: hello }), 401, /provider "leaky" returned 401: Incorrect API key provided/);
      assert.ok(!error.message.includes(providerKey));
      assert.equal(error.code, 'invalid_api_key');
      assert.ok(stack.logs.length > 0);
      assert.ok(stack.logs.every((line) => !line.includes(providerKey) && !line.includes('provider-secret')));
    } finally {
      await stack.close();
      upstream.close();
    }
  });
});

describe('back-pressure', () => {
  test('a client that stops reading stops the gateway reading from the provider', async () => {
    let written = 0;
    let paused = false;
    const event = `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'y'.repeat(16 * 1024) }, finish_reason: null }] })}\n\n`;
    const upstream = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const pump = (): void => {
        // Bounded: stops after 64 MiB even if nothing pushes back.
        while (written < 64 * 1024 * 1024) {
          written += event.length;
          if (!response.write(event)) {
            paused = true;
            response.once('drain', pump);
            return;
          }
        }
        response.end('data: [DONE]\n\n');
      };
      pump();
      response.on('close', () => response.removeAllListeners('drain'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    const stack = await startStack({ extraProviders: [provider('firehose', `http://127.0.0.1:${port}/v1`, defaultTimeouts, [{ id: 'firehose', upstream: 'x', inputPrice: null, outputPrice: null, contextWindow: null }])] });
    try {
      const { request } = await import('node:http');
      const gatewayPort = new URL(stack.baseUrl).port;
      const clientRequest = request({ host: '127.0.0.1', port: gatewayPort, path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' } });
      clientRequest.end(JSON.stringify({ model: 'firehose', stream: true, messages: hello }));
      const response = await new Promise<import('node:http').IncomingMessage>((resolve) => clientRequest.once('response', resolve));
      response.pause();
      // Give the pipeline time to fill every buffer between the provider and the stalled client:
      // until the provider has written nothing more for 50 ms.
      let previous = -1;
      for (let round = 0, quiet = 0; round < 800 && quiet < 5; round++) {
        quiet = written === previous ? quiet + 1 : 0;
        previous = written;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.ok(paused, 'the provider saw back-pressure');
      assert.ok(written < 32 * 1024 * 1024, `the provider wrote ${written} bytes to a client that reads nothing`);
      clientRequest.destroy();
    } finally {
      await stack.close();
      upstream.close();
    }
  });
});
