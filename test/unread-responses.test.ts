// A response its client never takes is not held forever: a whole answer larger than the socket's
// buffers, and a ledger export the client stops reading half-way, are closed once the client has
// taken nothing for `stream_unread_timeout_ms`, as a stream is; the request is logged as a 499
// `client_read_timeout`, and its ledger rows are written. A client that reads, however slowly, is
// never cut, nor is one for time the gateway itself could not run.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { defaultConnectionLimits, defaultTimeouts } from '../src/config/types.ts';
import type { LedgerRow } from '../src/store/store.ts';
import { adminKey, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';
import { provider } from './stack.ts';
import { until } from './until.ts';

/** Far more than the kernel's socket buffers take on loopback. */
const answerBytes = 24 * 1024 * 1024;

describe('a response nobody reads', () => {
  let stack: BillingStack;
  let upstream: Server;
  let key: string;
  before(async () => {
    const content = 'x'.repeat(answerBytes);
    const answer = JSON.stringify({ id: 'chatcmpl-big', object: 'chat.completion', created: 1, model: 'big', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10 } });
    upstream = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(answer);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    stack = await startBillingStack({ extraProviders: [provider('big', url, defaultTimeouts, [{ id: 'big', upstream: 'big', inputPrice: 1, outputPrice: 2 }])] });
    stack.gateway.config.connections = { ...defaultConnectionLimits, streamUnreadTimeoutMs: 200 };
    key = (await stack.createKey()).key;
  });
  after(async () => {
    upstream.closeAllConnections();
    upstream.close();
    await stack.close();
  });

  /** Sends a request on a raw socket that then reads nothing (until the test resumes it). */
  const unreadRequest = (head: string, body = ''): { socket: Socket; closed: () => boolean; received: () => number } => {
    let closed = false;
    let received = 0;
    const socket = connect(Number(new URL(stack.baseUrl).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.on('close', () => (closed = true));
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.write(`${head}host: x\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    socket.pause();
    return { socket, closed: () => closed, received: () => received };
  };
  /** Reading again shows the gateway closed the connection, before the whole response came. */
  const cutShort = async (client: ReturnType<typeof unreadRequest>, size: number): Promise<void> => {
    client.socket.resume();
    await until(client.closed, 'the connection to close');
    assert.ok(client.received() < size, `${client.received()} bytes of ${size}`);
  };
  /** A client that reads slowly but steadily: every 25 ms (an eighth of the limit, so a late timer
   * in this shared event loop cannot leave a whole limit without a read) it takes a burst of at
   * least 256 KB. A burst of one loop turn can show the gateway nothing: the gateway sees progress
   * only when its own socket's queue moves, behind megabytes of kernel buffers on both sides, and a
   * client's kernel reopens its window only once a good part of its receive buffer (autotuned to
   * megabytes by now) is free. Such a reader, every 50 ms, took up to ~4 MB with the gateway's
   * queue unmoved for four looks in a row, and was cut at 4,157,952 bytes (the slow reader about
   * one full run in ten; the held-loop test in a full run on a busy machine). */
  const readInBursts = (client: ReturnType<typeof unreadRequest>): NodeJS.Timeout =>
    setInterval(() => {
      const from = client.received();
      client.socket.resume();
      const pauseOnceTaken = (): void => {
        if (client.received() - from >= 256 * 1024 || client.closed()) client.socket.pause();
        else setImmediate(pauseOnceTaken);
      };
      setImmediate(pauseOnceTaken);
    }, 25);
  const logLine = (requestId: string): Record<string, unknown> | undefined =>
    stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'request' && line.request_id === requestId);

  test('a whole answer the client never takes is closed after the unread limit, its rows written', async () => {
    const body = JSON.stringify({ model: 'big', messages: [{ role: 'user', content: 'hi' }] });
    const client = unreadRequest(`POST /v1/chat/completions HTTP/1.1\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\nx-request-id: unread-whole\r\n`, body);
    try {
      await until(() => logLine('unread-whole') !== undefined, 'the request to be logged');
      const line = logLine('unread-whole')!;
      assert.equal(line.status, 499);
      assert.equal(line.error_code, 'client_read_timeout');
      await cutShort(client, answerBytes);
      const request = stack.rowsOf('unread-whole').find((row: LedgerRow) => row.kind === 'request');
      assert.ok(request, 'the request has its ledger row');
      assert.equal(request.outputTokens, 7);
    } finally {
      client.socket.destroy();
    }
  });

  test('a ledger export the client stops reading is closed after the unread limit', async () => {
    // Enough rows that the export outgrows the socket's buffers.
    const model = 'm'.repeat(2_000);
    const rows: LedgerRow[] = [];
    for (let index = 0; index < 12_000; index++) {
      rows.push({ kind: 'request', at: Date.now() - 1_000, requestId: `row-${index}`, routeId: null, attempt: 1, keyId: null, team: null, model, provider: 'big', upstreamModel: null, latencyMs: 1, ttftMs: null, status: 200, errorClass: null, billed: false, groupId: null, operation: null, inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, costUnits: 0 });
    }
    stack.store.settle(null, rows);
    const client = unreadRequest(`GET /admin/ledger HTTP/1.1\r\nauthorization: Bearer ${adminKey}\r\nx-request-id: unread-export\r\n`);
    try {
      await until(() => logLine('unread-export') !== undefined, 'the export to be logged');
      assert.equal(logLine('unread-export')!.status, 499);
      assert.equal(logLine('unread-export')!.error_code, 'client_read_timeout');
      await cutShort(client, rows.length * model.length);
    } finally {
      client.socket.destroy();
    }
  });

  test('a client that reads slowly but steadily gets the whole answer', async () => {
    const body = JSON.stringify({ model: 'big', messages: [{ role: 'user', content: 'hi' }] });
    const client = unreadRequest(`POST /v1/chat/completions HTTP/1.1\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\nx-request-id: slow-reader\r\nconnection: close\r\n`, body);
    const reader = readInBursts(client);
    try {
      await until(client.closed, 'the answer to arrive', 20_000);
      assert.ok(client.received() > answerBytes, `${client.received()} bytes`);
      assert.equal(logLine('slow-reader')?.status, 200);
    } finally {
      clearInterval(reader);
      client.socket.destroy();
    }
  });

  test('a client that reads is not cut for time this process could not run (its event loop held past the limit)', async () => {
    const body = JSON.stringify({ model: 'big', messages: [{ role: 'user', content: 'hi' }] });
    const client = unreadRequest(`POST /v1/chat/completions HTTP/1.1\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\nx-request-id: held-loop\r\nconnection: close\r\n`, body);
    const reader = readInBursts(client);
    // Six times in a row, the loop is held longer than the limit (as a long GC pause or a busy
    // machine would): a watch that counted each look, or each limit's worth of time, would cut this
    // client, which had no turn to read.
    let holds = 0;
    const holder = setInterval(() => {
      if (++holds > 6) return clearInterval(holder);
      const until = Date.now() + 250;
      while (Date.now() < until);
    }, 150);
    try {
      await until(client.closed, 'the answer to arrive', 20_000);
      assert.ok(client.received() > answerBytes, `${client.received()} bytes`);
      assert.equal(logLine('held-loop')?.status, 200);
    } finally {
      clearInterval(reader);
      clearInterval(holder);
      client.socket.destroy();
    }
  });

  test('an answer read at once is not cut', async () => {
    const response = await stack.call('/v1/chat/completions', key, { model: 'big', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content.length, answerBytes);
  });
});
