// A fault of the gateway's own around a provider's stream ends that request alone, and ends it: an
// exception while the stream's end is delivered still reaches the client as the format's error event
// (rather than a response that never ends), and a writer that fails before the stream starts stops
// the provider's stream (rather than letting it generate, and be held, to its end).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { surfaceCodecs } from '../src/protocol/codecs.ts';
import { hello, provider, sim, startStack } from './stack.ts';
import type { Stack } from './stack.ts';
import { until } from './until.ts';

/** A Chat provider that streams a word every 10 ms for two seconds, and notes a caller that hangs up. */
function slowProvider(): { server: Server; abandoned: () => number } {
  let abandoned = 0;
  const chunk = (delta: object, finish: string | null = null): string => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'slow', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(chunk({ role: 'assistant', content: 'word' }));
    let sent = 1;
    const timer = setInterval(() => {
      if (sent++ < 200) return void response.write(chunk({ content: ' word' }));
      clearInterval(timer);
      response.end(chunk({}, 'stop') + 'data: [DONE]\n\n');
    }, 10);
    response.on('close', () => {
      clearInterval(timer);
      if (!response.writableFinished) abandoned++;
    });
  });
  return { server, abandoned: () => abandoned };
}

describe("a fault of the gateway's own around a stream", () => {
  let stack: Stack;
  let slow: ReturnType<typeof slowProvider>;
  before(async () => {
    slow = slowProvider();
    await new Promise<void>((resolve) => slow.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.server.address() as AddressInfo).port}/v1`;
    stack = await startStack({ extraProviders: [provider('slow', url, defaultTimeouts, [{ id: 'slow', upstream: 'slow' }])], routing: { maxAttempts: 1 } });
  });
  after(async () => {
    slow.server.closeAllConnections();
    slow.server.close();
    await stack.close();
  });

  const ask = (body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ messages: hello, stream: true, ...body }), signal: AbortSignal.timeout(5_000) });

  test("an exception while the stream's end is delivered ends the response with an error event", async () => {
    const router = stack.gateway.router;
    const succeeded = router.succeeded;
    router.succeeded = () => {
      throw new TypeError('a bug in the stats');
    };
    try {
      // Paced, so the stream ends while the client is being written to.
      const response = await ask({ model: 'test-model', stream_options: { include_usage: true } }, sim({ 'tokens-per-second': 200, 'output-tokens': 8 }).headers);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.match(text, /"code":"internal_error"/);
      await until(() => stack.logs.some((line) => line.includes('"internal error"') && line.includes('a bug in the stats')), 'the stack in the log');
    } finally {
      router.succeeded = succeeded;
    }
  });

  test('a writer that fails before the stream starts stops the provider stream', async () => {
    // A Messages client of a Chat provider: the stream is translated, so its encoder is made first.
    const codec = surfaceCodecs.anthropic;
    const createStreamEncoder = codec.createStreamEncoder;
    const abandoned = slow.abandoned();
    (codec as { createStreamEncoder: unknown }).createStreamEncoder = () => {
      throw new TypeError('a bug in the encoder');
    };
    try {
      const response = await fetch(`${stack.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow', max_tokens: 64, messages: hello, stream: true }),
        signal: AbortSignal.timeout(5_000),
      });
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { type: 'error', error: { type: 'api_error', message: 'internal error in modelmux; the request id in x-request-id identifies it in the logs' } });
    } finally {
      (codec as { createStreamEncoder: unknown }).createStreamEncoder = createStreamEncoder;
    }
    await until(() => slow.abandoned() > abandoned, 'the provider stream to be stopped', 1_000);
  });
});
