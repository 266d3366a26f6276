// Connection hygiene seen from raw sockets: idle and slow connections are cut at the configured
// timeouts, and a cap on open connections evicts idle ones before it refuses anyone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anthropicError, connectionCount, openAIError, openRaw, parseResponse, rawExchange, startGuarded, waitFor } from './raw-http.ts';
import type { Guarded, RawConnection } from './raw-http.ts';

describe('connection timeouts', () => {
  let guarded: Guarded;
  before(async () => {
    guarded = await startGuarded({ headersTimeoutMs: 200, bodyTimeoutMs: 400, keepAliveTimeoutMs: 200 });
  });
  after(() => guarded.close());

  test('a connection that sends nothing is closed after the header timeout', async () => {
    const connection = await openRaw(guarded.port);
    await waitFor(connection.closed, 'a silent connection is closed');
  });

  test('a request whose headers never end is answered 408 and closed', async () => {
    const connection = await openRaw(guarded.port, 'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n');
    await waitFor(connection.closed, 'a connection trickling headers is closed');
    const answer = parseResponse(connection.received());
    assert.equal(answer.status, 408);
    assert.equal(openAIError(answer.body).code, 'request_timeout');
  });

  test('a body that never arrives in full is cut with a 408 in the caller\'s format', async () => {
    const head = (path: string): string => `POST ${path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`;
    const anthropic = await rawExchange(guarded.port, head('/v1/messages'));
    assert.equal(anthropic.status, 408);
    assert.match(anthropic.headers, /connection: close/);
    assert.match(anthropicError(anthropic.body).message, /not received in time/);
    const logged = guarded.logs.map((line) => JSON.parse(line)).find((record) => record.msg === 'request' && record.path === '/v1/messages');
    assert.equal(logged?.status, 408, 'the access log records what the client was told');
    const openai = await rawExchange(guarded.port, head('/v1/chat/completions'));
    assert.equal(openai.status, 408);
    assert.equal(openAIError(openai.body).code, 'request_timeout');
  });

  test('an idle kept-alive connection is closed after the keep-alive timeout', async () => {
    const connection = await openRaw(guarded.port, 'GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
    await waitFor(() => connection.received().includes('"ok"'), 'the health answer');
    assert.match(connection.received().toLowerCase(), /connection: keep-alive/);
    await waitFor(connection.closed, 'the idle kept-alive connection is closed');
  });
});

describe('the connection cap', () => {
  test('idle connections cannot lock out a legitimate request: the oldest idle one is evicted', async () => {
    const guarded = await startGuarded({ maxConnections: 4 });
    const idle: RawConnection[] = [];
    try {
      for (let index = 0; index < 4; index++) idle.push(await openRaw(guarded.port));
      await waitFor(async () => (await connectionCount(guarded.gateway)) === 4, 'the gateway holds the four idle connections');
      const answer = await rawExchange(guarded.port, 'GET /health HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n');
      assert.equal(answer.status, 200);
      assert.ok(idle[0].closed(), 'the oldest idle connection made room');
      assert.ok(idle.slice(1).every((connection) => !connection.closed()), 'only one was evicted');
    } finally {
      for (const connection of idle) connection.socket.destroy();
      await guarded.close();
    }
  });

  test('a connection serving a request is never evicted; with every one busy, a new one is refused', async () => {
    const guarded = await startGuarded({ maxConnections: 2 });
    const busy: RawConnection[] = [];
    try {
      guarded.stack.simulator.reset();
      const body = JSON.stringify({ model: 'test-model', stream: true, messages: [{ role: 'user', content: 'wait' }] });
      const slowStream = `POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nx-sim-ttft-ms: 5000\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      for (let index = 0; index < 2; index++) busy.push(await openRaw(guarded.port, slowStream));
      await waitFor(() => guarded.stack.simulator.requests.length === 2, 'both requests reached the provider');
      const refused = await openRaw(guarded.port);
      await waitFor(refused.closed, 'the connection over the cap is refused');
      assert.equal(refused.received(), '');
      assert.ok(busy.every((connection) => !connection.closed()), 'the busy connections are kept');
      assert.ok(guarded.logs.some((line) => /connections refused: every open connection is serving a request/.test(line)), 'the refusal is logged');
      for (const connection of busy) connection.socket.destroy();
      await waitFor(async () => (await connectionCount(guarded.gateway)) === 0, 'the busy connections are gone');
      const answer = await rawExchange(guarded.port, 'GET /health HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n');
      assert.equal(answer.status, 200);
    } finally {
      for (const connection of busy) connection.socket.destroy();
      await guarded.close();
    }
  });
});
