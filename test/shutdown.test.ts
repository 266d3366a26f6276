// Shutting down as a load balancer expects: /ready turns 503 at once while the listener still takes
// connections through the drain, then refuses them; requests in flight finish within the grace, and
// those still running at its end are ended with a `server_shutting_down` error (a stream with its
// format's error event), logged as such, never as a client's 499, and with their ledger rows.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';
import { hello, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

describe('the drain', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('/ready answers 503 at once; new connections are served through the drain, refused after it', async () => {
    const closing = stack.gateway.close({ drainMs: 500, graceMs: 0 });
    const ready = await fresh(stack, 'GET', '/ready');
    assert.equal(ready.status, 503);
    assert.match(ready.body, /shutting down/);
    const served = await fresh(stack, 'POST', '/v1/chat/completions', { model: 'test-model', messages: hello });
    assert.equal(served.status, 200, served.body);
    await closing;
    await assert.rejects(fresh(stack, 'GET', '/health'), /ECONNREFUSED/);
  });
});

describe('the grace', () => {
  let stack: BillingStack;
  let key: string;
  before(async () => {
    stack = await startBillingStack();
    key = (await stack.createKey()).key;
  });
  after(() => stack.close());

  test('requests that finish within it finish as usual; an answer begun after the listener stops closes its connection', async () => {
    const stream = await stack.call('/v1/chat/completions', key, { ...ask, stream: true }, { 'x-sim-output-tokens': '10', 'x-sim-tokens-per-second': '100' });
    const whole = fresh(stack, 'POST', '/v1/chat/completions', ask, { authorization: `Bearer ${key}`, 'x-sim-ttft-ms': '100' });
    await waitFor(() => stack.simulator.requests.length >= 2);
    const closing = stack.gateway.close({ drainMs: 0, graceMs: 10_000 });
    const text = await stream.text();
    assert.match(text, /data: \[DONE\]/);
    assert.doesNotMatch(text, /server_shutting_down/);
    const answered = await whole;
    assert.equal(answered.status, 200, answered.body);
    assert.equal(answered.headers.connection, 'close', 'the client is told not to reuse the connection');
    await closing;
  });
});

describe('the end of the grace', () => {
  let stack: BillingStack;
  let key: string;
  before(async () => {
    stack = await startBillingStack();
    key = (await stack.createKey()).key;
  });
  after(() => stack.close());

  test('streams still running end with their format\'s error event, logged as such and recorded; a whole answer still awaited is a 503', async () => {
    const slow = { 'x-sim-output-tokens': '400', 'x-sim-tokens-per-second': '40' };
    const chat = await stack.call('/v1/chat/completions', key, { ...ask, stream: true }, slow);
    const messages = await stack.call('/v1/messages', key, { model: 'test-model', max_tokens: 500, stream: true, messages: [{ role: 'user', content: 'hi' }] }, slow);
    const whole = stack.call('/v1/chat/completions', key, ask, { 'x-sim-ttft-ms': '20000' });
    const chatReader = readAll(chat);
    const messagesReader = readAll(messages);
    await waitFor(() => stack.simulator.requests.length >= 3);
    await stack.gateway.close({ drainMs: 0, graceMs: 50 });

    const chatText = await chatReader;
    assert.match(chatText, /data: \{"error":\{"message":"the gateway is shutting down[^"]*","type":"server_error","code":"server_shutting_down"\}\}\n\n$/);
    const messagesText = await messagesReader;
    assert.match(messagesText, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"the gateway is shutting down[^"]*"\}[^\n]*\n\n$/);
    const refused = await whole;
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'server_shutting_down');

    const logged = stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((record) => record.msg === 'request' && record.path !== '/admin/keys');
    assert.equal(logged.length, 3);
    for (const record of logged) {
      assert.equal(record.error_code, 'server_shutting_down', JSON.stringify(record));
      assert.notEqual(record.status, 499);
    }
    assert.match(stack.gateway.metrics.render(), /modelmux_request_errors_total\{model="test-model",provider="sim",type="server_shutting_down"\} 3/);
    assert.ok(stack.logs.some((line) => /ending the requests still in flight after the grace/.test(line)));
    assert.equal(stack.gateway.router.stats.get('sim/upstream-model').samples, 0, 'a shutdown says nothing about the provider');

    const store = openSqliteStore(stack.dataDir);
    try {
      const rows = store.rows({ from: 0, to: Date.now() + 60_000, limit: 100 }).filter((row) => row.kind === 'request');
      assert.equal(rows.length, 3, 'every request cut has its ledger row');
      for (const row of rows) assert.equal(row.errorClass, 'server_shutting_down');
      assert.ok(rows.some((row) => row.outputTokens > 0), 'a stream cut short is billed for what it produced');
    } finally {
      store.close();
    }
  });
});

describe('the end of the grace, for fusions and comparisons', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('a fusion or a comparison still running is a 503 server_shutting_down, or its stream\'s error event, not a 502 or silence', async () => {
    const stalled = { 'x-sim-ttft-ms': '20000' };
    const fusion = fresh(stack, 'POST', '/v1/chat/completions', { model: 'fusion', fusion: { pool: ['test-model', 'sim/other-model'], judge: 'test-model' }, messages: hello }, stalled);
    const fusionStream = fresh(stack, 'POST', '/v1/chat/completions', { model: 'fusion', stream: true, fusion: { pool: ['test-model', 'sim/other-model'], judge: 'test-model', progress: true }, messages: hello }, stalled);
    const comparison = fresh(stack, 'POST', '/v1/compare', { models: ['test-model', 'sim/other-model'], prompt: 'Hello', panel: 'none' }, stalled);
    const comparisonStream = fresh(stack, 'POST', '/v1/compare', { models: ['test-model', 'sim/other-model'], prompt: 'Hello', panel: 'none', stream: true }, stalled);
    await waitFor(() => stack.simulator.requests.length >= 8);
    await stack.gateway.close({ drainMs: 0, graceMs: 50 });

    for (const whole of [await fusion, await comparison]) {
      assert.equal(whole.status, 503, whole.body);
      assert.equal((JSON.parse(whole.body) as { error: { code: string } }).error.code, 'server_shutting_down');
    }
    const fusionText = await fusionStream;
    assert.equal(fusionText.status, 200);
    assert.match(fusionText.body, /data: \{"error":\{[^\n]*"code":"server_shutting_down"\}\}\n\n$/);
    const comparisonText = await comparisonStream;
    assert.equal(comparisonText.status, 200);
    assert.match(comparisonText.body, /event: error\ndata: \{[^\n]*"code":"server_shutting_down"[^\n]*\n\n$/);
  });
});

describe('the end of the grace, for bodies still arriving', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('a request whose body is still being sent is a 503 server_shutting_down in its format, not a reset', async () => {
    const chat = uploading(stack, '/v1/chat/completions', '{"model":"test-model","messages":');
    const messages = uploading(stack, '/v1/messages', '{"model":"test-model","max_tokens":5,"messages":');
    await waitFor(() => /^modelmux_requests_in_flight 2$/m.test(stack.gateway.metrics.render()));
    await stack.gateway.close({ drainMs: 0, graceMs: 50 });

    const chatAnswer = await chat;
    assert.equal(chatAnswer.status, 503, chatAnswer.body);
    assert.equal(chatAnswer.headers.connection, 'close');
    assert.equal((JSON.parse(chatAnswer.body) as { error: { code: string } }).error.code, 'server_shutting_down');
    const messagesAnswer = await messages;
    assert.equal(messagesAnswer.status, 503, messagesAnswer.body);
    assert.match(messagesAnswer.body, /^\{"type":"error","error":\{"type":"api_error","message":"the gateway is shutting down/);
  });
});

type Answer = { status: number; headers: IncomingMessage['headers']; body: string };

/** A request whose chunked body starts with `start` and goes on no further: what it is answered. */
function uploading(stack: Stack, path: string, start: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${stack.baseUrl}${path}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
      collect(response).then((answer) => {
        outgoing.destroy();
        resolve(answer);
      }, reject);
    });
    outgoing.on('error', reject);
    outgoing.write(start);
  });
}

/** A request on a connection of its own (no pooled connection kept from an earlier request). */
function fresh(stack: Stack, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const outgoing = httpRequest(`${stack.baseUrl}${path}`, { method, agent: false, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers } }, (response) => {
      collect(response).then(resolve, reject);
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** A response's status, headers and whole body. */
function collect(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
    response.on('error', reject);
  });
}

/** Everything a streamed answer says until it ends, whoever ends it. */
async function readAll(response: Response): Promise<string> {
  assert.equal(response.status, 200);
  return response.text();
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
}
