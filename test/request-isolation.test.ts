// One request's trouble stays its own: characters a header cannot carry, an exception inside the
// gateway while it handles a provider's events, and a client that stops reading its stream. None
// takes the process down; a fault of the gateway's own is a 500 (or the format's error event) that is
// not retried, not blamed on the provider and not charged to the caller.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { RequestLedger } from '../src/accounts/request-ledger.ts';
import { defaultConnectionLimits, defaultTimeouts } from '../src/config/types.ts';
import { ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';
import { provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

/** Fails the test if anything escapes to the process while it runs. */
function watchProcess(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const record = (error: unknown): void => {
    errors.push(error);
  };
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    errors,
    stop() {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

async function post(stack: Stack, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe('characters a header cannot carry', () => {
  let stack: Stack;
  const watch = watchProcess();
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    watch.stop();
    await stack.close();
  });

  // An emoji, and each half of one alone: JSON carries all three, a header none of them.
  const names = ['\\ud83d\\ude00', '\\ud83d', '\\ude00x'];
  const endpoints: [string, (extra: string) => string][] = [
    ['/v1/chat/completions', (extra) => `{"model":"test-model","messages":[{"role":"user","content":"hi"}]${extra}}`],
    ['/v1/responses', (extra) => `{"model":"test-model","input":"hi"${extra}}`],
    ['/v1/messages', (extra) => `{"model":"test-model","max_tokens":16,"messages":[{"role":"user","content":"hi"}]${extra}}`],
    ['/v1/messages/count_tokens', (extra) => `{"model":"test-model","messages":[{"role":"user","content":"hi"}]${extra}}`],
    ['/v1/embeddings', (extra) => `{"model":"test-model","input":"hi"${extra}}`],
  ];

  for (const [path, body] of endpoints) {
    for (const stream of [true, false]) {
      if (!stream || !path.endsWith('count_tokens')) {
        test(`${path}${stream ? ', streamed' : ''}: in a provider preference's key or the model name, never a crash or a 5xx, one upstream call at most`, async () => {
          for (const name of names) {
            for (const extra of [`,"provider":{"${name}":1}`, `,"provider":{"order":["${name}"]}`]) {
              const before = stack.simulator.requests.length;
              const answer = await post(stack, path, body(`${extra}${stream ? ',"stream":true' : ''}`));
              assert.ok(answer.status < 500, `${path} ${extra}: ${answer.status} ${answer.text.slice(0, 300)}`);
              assert.ok(stack.simulator.requests.length - before <= 1, 'not retried');
            }
            const model = await post(stack, path, body(stream ? ',"stream":true' : '').replace('"test-model"', `"sim/x${name}"`));
            assert.ok(model.status < 500, `${path} model ${name}: ${model.status} ${model.text.slice(0, 300)}`);
          }
          assert.equal((await fetch(`${stack.baseUrl}/health`)).status, 200);
          assert.deepEqual(watch.errors, []);
        });
      }
    }
  }

  test('the dropped parameter is named in the header, percent-encoded as UTF-8', async () => {
    const answer = await post(stack, '/v1/chat/completions', '{"model":"test-model","stream":true,"provider":{"\\ud83d\\ude00":1,"\\ud83d":2},"messages":[{"role":"user","content":"hi"}]}');
    assert.equal(answer.status, 200);
    const dropped = answer.headers.get('x-modelmux-dropped-params') ?? '';
    assert.match(dropped, /%F0%9F%98%80/);
    assert.match(dropped, /%EF%BF%BD/, 'a lone surrogate is shown as U+FFFD');
  });
});

describe('a fault inside the gateway', () => {
  let stack: BillingStack;
  let key: string;
  const watch = watchProcess();
  const costWith = RequestLedger.prototype.costWith;
  before(async () => {
    stack = await startBillingStack({ everyFormat: true });
    key = (await stack.createKey({ name: 'faults' })).key;
    // The gateway prices a usage report while it relays a provider's events: a bug there is a fault
    // inside an upstream event handler, the kind that used to take the process down.
    RequestLedger.prototype.costWith = function () {
      throw new TypeError('a bug in pricing');
    };
  });
  after(async () => {
    RequestLedger.prototype.costWith = costWith;
    watch.stop();
    await stack.close();
  });

  const cases: { name: string; path: string; body: Record<string, unknown>; anthropic: boolean }[] = [
    { name: 'Chat relayed, streamed', path: '/v1/chat/completions', body: { ...ask, stream: true, stream_options: { include_usage: true } }, anthropic: false },
    { name: 'Chat relayed, whole', path: '/v1/chat/completions', body: ask, anthropic: false },
    { name: 'Messages translated, streamed', path: '/v1/messages', body: { model: 'chat/test', max_tokens: 16, stream: true, messages: ask.messages }, anthropic: true },
    { name: 'Messages translated, whole', path: '/v1/messages', body: { model: 'chat/test', max_tokens: 16, messages: ask.messages }, anthropic: true },
    { name: 'Responses relayed, streamed', path: '/v1/responses', body: { model: 'responses/test', input: 'hi', stream: true }, anthropic: false },
  ];
  for (const { name, path, body, anthropic } of cases) {
    test(`${name}: fails alone in the caller's format, once, unbilled, not blamed on the provider`, async () => {
      const response = await stack.call(path, key, body);
      const text = await response.text();
      const requestId = response.headers.get('x-request-id')!;
      if (response.status === 200) {
        // The stream had begun: it ends with the format's error event, not a clean-looking end.
        assert.match(text, anthropic ? /event: error\ndata: {"type":"error"/ : /"code":"internal_error"|"type":"error"|response\.failed/);
      } else {
        assert.equal(response.status, 500);
        const parsed = JSON.parse(text);
        if (anthropic) assert.equal(parsed.error.type, 'api_error');
        else assert.equal(parsed.error.code, 'internal_error');
      }
      await waitFor(() => stack.rowsOf(requestId).some((row) => row.kind === 'request'));
      const rows = stack.rowsOf(requestId);
      const attempts = rows.filter((row) => row.kind === 'attempt');
      assert.equal(attempts.length, 1, 'not retried anywhere');
      assert.equal(attempts[0].errorClass, 'internal_error');
      const request = rows.find((row) => row.kind === 'request')!;
      assert.equal(request.costUnits, 0, 'the caller does not pay for the gateway');
      assert.equal(stack.gateway.router.breakers.size, 0, 'no provider blamed');
      assert.ok(
        stack.logs.some((line) => line.includes('"internal error"') && line.includes(requestId) && line.includes('a bug in pricing')),
        'the stack is logged',
      );
      assert.equal((await fetch(`${stack.baseUrl}/health`)).status, 200);
      assert.deepEqual(watch.errors, []);
    });
  }
});

describe('a stream nobody reads', () => {
  let stack: Stack;
  let upstream: Server;
  let stopped = false;
  before(async () => {
    // An upstream that streams as fast as it may, for as long as it is read.
    upstream = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x'.repeat(16_000) }, finish_reason: null }] })}\n\n`;
      let sent = 0;
      const pump = (): void => {
        while (!stopped && sent < 4_000 && response.write(chunk)) sent++;
        if (sent >= 4_000 || stopped) response.end();
      };
      response.on('drain', pump);
      response.on('close', () => (sent = 4_000));
      pump();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    stack = await startStack({ extraProviders: [provider('flood', url, defaultTimeouts, [{ id: 'flood', upstream: 'flood' }])] });
    stack.gateway.config.connections = { ...defaultConnectionLimits, streamUnreadTimeoutMs: 200 };
  });
  after(async () => {
    stopped = true;
    upstream.closeAllConnections();
    upstream.close();
    await stack.close();
  });

  test('is closed once its client has not read it for stream_unread_timeout, and its upstream call stops', async () => {
    const port = Number(new URL(stack.baseUrl).port);
    const socket = connect(port, '127.0.0.1');
    const body = JSON.stringify({ model: 'flood', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    socket.pause();
    try {
      await waitFor(() => stack.logs.some((line) => line.includes('client_read_timeout')), 5_000);
      const line = JSON.parse(stack.logs.find((entry) => entry.includes('client_read_timeout'))!);
      assert.equal(line.status, 499);
      assert.equal(line.model, 'flood');
    } finally {
      socket.destroy();
    }
  });
});

async function waitFor(check: () => boolean, limitMs = 2_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
