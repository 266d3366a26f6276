import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from './http-agent.ts';
import { dispatchUpstream } from './upstream-body.ts';
import type { UpstreamBody, UpstreamResponse } from './upstream-body.ts';

type Route = (request: IncomingMessage, response: ServerResponse) => void;
const routes = new Map<string, Route>();
const server = createServer((request, response) => {
  const route = routes.get(request.url ?? '');
  if (route) return route(request, response);
  response.writeHead(404).end();
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

after(async () => {
  server.closeAllConnections();
  server.close();
  await agent.close();
});

const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));
const write = (response: ServerResponse, text: string): Promise<void> => new Promise((resolve) => response.write(text, () => resolve()));

function open(path: string, signal: AbortSignal = new AbortController().signal, at: string = origin): Promise<UpstreamResponse> {
  return dispatchUpstream(agent, { origin: at, path, method: 'GET' }, signal);
}

/** Every event the body emits, in order; `kinds` folds runs of 'data' into one. */
function record(body: UpstreamBody) {
  const log: string[] = [];
  const errors: unknown[] = [];
  let text = '';
  body.on('data', (chunk: Buffer) => {
    log.push('data');
    text += chunk.toString('utf8');
  });
  body.on('end', () => log.push('end'));
  body.on('error', (error: unknown) => errors.push(error) && log.push('error'));
  const closed = new Promise<void>((resolve) => body.on('close', () => resolve(void log.push('close'))));
  const kinds = (): string[] => log.filter((kind, index) => kind !== 'data' || log[index - 1] !== 'data');
  return { log, errors, closed, kinds, text: () => text };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(2);
}

test('an interim answer (103 Early Hints) is passed over: the status, headers and body are the final ones', { timeout: 5000 }, async () => {
  routes.set('/hints', (_request, response) => {
    response.writeEarlyHints({ link: '</x>; rel=preload' }, () => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      response.end('{"error":{"message":"slow down"}}');
    });
  });
  const { status, headers, body } = await open('/hints');
  assert.equal(status, 429);
  assert.equal(headers['retry-after'], '3');
  assert.equal(headers.link, undefined);
  const seen = record(body);
  await seen.closed;
  assert.equal(seen.text(), '{"error":{"message":"slow down"}}');
  assert.deepEqual(seen.kinds(), ['data', 'end', 'close']);
});

test('a whole body: status, lowercased headers, every chunk then end then close, listened to late', { timeout: 5000 }, async () => {
  routes.set('/whole', (_request, response) => {
    response.statusCode = 201;
    response.setHeader('X-Answer', 'Forty-Two');
    response.setHeader('Set-Cookie', ['a=1', 'b=2']);
    response.end('hello, whole body');
  });
  const { status, headers, body } = await open('/whole');
  assert.equal(status, 201);
  assert.equal(headers['x-answer'], 'Forty-Two');
  assert.equal(Object.hasOwn(headers, 'X-Answer'), false);
  assert.deepEqual(headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(headers['content-length'], '17');
  const seen = record(body);
  assert.deepEqual(seen.log, [], 'held chunks are not delivered inside on()');
  await seen.closed;
  assert.equal(seen.text(), 'hello, whole body');
  assert.deepEqual(seen.kinds(), ['data', 'end', 'close']);

  // The whole body (several chunks) has come and is held before anyone listens.
  let finished: Promise<unknown> = Promise.resolve();
  routes.set('/held', (_request, response) => {
    finished = once(response, 'finish');
    response.write('one,');
    response.write('two,');
    response.end('three');
  });
  const late = await open('/held');
  await finished;
  await new Promise((resolve) => setImmediate(resolve));
  await sleep(20);
  assert.equal(late.body.destroyed, false);
  const heard = record(late.body);
  assert.deepEqual(heard.log, []);
  await heard.closed;
  assert.equal(heard.text(), 'one,two,three');
  assert.deepEqual(heard.kinds(), ['data', 'end', 'close']);
  assert.equal(late.body.destroyed, true);
});

test('a body written in several pieces over time arrives in order and whole', { timeout: 5000 }, async () => {
  routes.set('/pieces', (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('first,');
    setImmediate(() => {
      response.write('second,');
      setImmediate(() => response.end('third'));
    });
  });
  const { body } = await open('/pieces');
  const seen = record(body);
  await seen.closed;
  assert.equal(seen.text(), 'first,second,third');
  assert.deepEqual(seen.kinds(), ['data', 'end', 'close']);
});

test('pause() stops data; resume() delivers what was held, in order, later, then the rest', { timeout: 5000 }, async () => {
  let server!: ServerResponse;
  routes.set('/paced', (_request, response) => {
    server = response;
    response.writeHead(200);
    response.write('A');
  });
  const { body } = await open('/paced');
  // Paused from inside the first 'data', as the engine does when its client stops reading.
  body.once('data', () => body.pause());
  const seen = record(body);
  await until(() => seen.text() === 'A');
  await write(server, 'B');
  await new Promise((resolve) => setImmediate(resolve));
  await write(server, 'C');
  body.on('data', () => undefined); // a listener added while paused does not restart the flow
  await sleep(30);
  assert.equal(seen.text(), 'A', 'nothing is delivered while paused');
  assert.deepEqual(seen.log, ['data']);
  body.resume();
  assert.deepEqual(seen.log, ['data'], 'resume() emits nothing inside the call');
  await until(() => seen.text() === 'ABC');
  // Paused, the socket is paused too: a large write backs up at the provider, not in this body.
  body.pause();
  const big = 8 << 20;
  let flushed = false;
  server.write(Buffer.alloc(big, 'x'), () => (flushed = true));
  for (let waited = 0; waited < 50 && !flushed; waited += 10) await sleep(10); // unpaused, it goes in ~20 ms
  assert.equal(flushed, false, 'the provider could write it all while the body was paused');
  assert.equal(seen.text(), 'ABC');
  body.resume();
  server.end('D');
  await seen.closed;
  assert.equal(seen.text().length, big + 4);
  assert.ok(seen.text().startsWith('ABCx') && seen.text().endsWith('xD'));
  assert.deepEqual(seen.kinds(), ['data', 'end', 'close']);
});

test('an abort before the answer starts rejects with its reason; after, the body fails with it', { timeout: 5000 }, async () => {
  const reason = new Error('the caller left');
  await assert.rejects(open('/whole', AbortSignal.abort(reason)), (error) => error === reason);

  let arrived!: () => void;
  const request = new Promise<void>((resolve) => (arrived = resolve));
  routes.set('/stall', () => arrived());
  const before = new AbortController();
  const pending = open('/stall', before.signal);
  await request;
  const late = new Error('left while waiting');
  before.abort(late);
  await assert.rejects(pending, (error) => error === late);

  // Queued behind another request on the only connection, an aborted request never goes out.
  const single = new Agent({ connections: 1 });
  const paths: string[] = [];
  let release = (): void => undefined;
  routes.set('/first', (request, response) => {
    paths.push(request.url!);
    release = () => response.end('done');
  });
  routes.set('/second', (request, response) => {
    paths.push(request.url!);
    response.end();
  });
  const first = dispatchUpstream(single, { origin, path: '/first', method: 'GET' }, new AbortController().signal);
  await until(() => paths.length === 1);
  const queued = new AbortController();
  const second = dispatchUpstream(single, { origin, path: '/second', method: 'GET' }, queued.signal);
  queued.abort(reason);
  release();
  await assert.rejects(second, (error) => error === reason);
  assert.equal((await first).status, 200);
  assert.deepEqual(paths, ['/first']);
  await single.close();

  routes.set('/started', (_request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write('part');
  });
  const during = new AbortController();
  const { body } = await open('/started', during.signal);
  const seen = record(body);
  await until(() => seen.text() === 'part');
  const midway = new Error('left midway');
  during.abort(midway);
  await seen.closed;
  assert.deepEqual(seen.kinds(), ['data', 'error', 'close']);
  assert.equal(seen.errors.length, 1);
  assert.equal(seen.errors[0], midway);
});

test('destroy() mid-body closes without an end, and the connection is closed', { timeout: 5000 }, async () => {
  let connectionClosed: Promise<unknown> = Promise.resolve();
  routes.set('/destroy', (request, response) => {
    connectionClosed = once(request.socket, 'close');
    response.writeHead(200, { 'content-length': '100' });
    response.write('part');
  });
  const { body } = await open('/destroy');
  const seen = record(body);
  await until(() => seen.text() === 'part');
  body.destroy();
  assert.equal(body.destroyed, true);
  await seen.closed;
  assert.deepEqual(seen.kinds(), ['data', 'close']);
  await connectionClosed;

  // With an error: 'error' (that error) then 'close'.
  const failing = await open('/destroy');
  const heard = record(failing.body);
  await until(() => heard.text() === 'part');
  const error = new Error('enough');
  failing.body.destroy(error);
  await heard.closed;
  assert.deepEqual(heard.kinds(), ['data', 'error', 'close']);
  assert.equal(heard.errors[0], error);
  await connectionClosed;
});

test('the provider cutting the connection mid-body fails the body', { timeout: 5000 }, async () => {
  routes.set('/cut', (_request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write('partial', () => response.socket?.destroy());
  });
  const { body } = await open('/cut');
  const seen = record(body);
  await seen.closed;
  assert.equal(seen.text(), 'partial');
  assert.deepEqual(seen.kinds(), ['data', 'error', 'close']);
  assert.equal((seen.errors[0] as { code?: string }).code, 'UND_ERR_SOCKET');

  // Nobody listening: the body is over, and nothing is thrown (an 'error' with no listener would
  // throw, uncaught, and fail this file).
  const unheard = await open('/cut');
  await until(() => unheard.body.destroyed);
  await sleep(10);
});

test('a refused connection rejects with ECONNREFUSED', { timeout: 5000 }, async () => {
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as AddressInfo).port;
  closed.close();
  await once(closed, 'close');
  await assert.rejects(open('/', new AbortController().signal, `http://127.0.0.1:${port}`), (error: { code?: string }) => {
    assert.equal(error.code, 'ECONNREFUSED');
    return true;
  });
});
