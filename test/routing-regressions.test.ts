// Regressions found in review of the routing change: deadlines, breakers and probes, encoding limits
// of one provider, names built to hurt (colons, length), and a stream whose finish comes last.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { FakeClock } from './clock.ts';
import { scripted } from './scripted-provider.ts';
import { hello, provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';
import { until } from './until.ts';

const timeouts = { ...defaultTimeouts, firstByteMs: 2_000, idleMs: 2_000 };

async function send(stack: Stack, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'shared', messages: hello, ...body }) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const servers: Server[] = [];
after(() => servers.forEach((server) => server.close()));

describe('failover', () => {
  test('with every breaker open, the soonest-due candidate is tried (docs/routing.md), not the last in the list', async () => {
    const early = await scripted([{ status: 500 }]);
    const late = await scripted([{ status: 500 }]);
    servers.push(early.server, late.server);
    const stack = await startStack({
      routing: { maxAttempts: 2, breaker: { failureThreshold: 1, cooldownMs: 60_000, maxCooldownMs: 60_000 } },
      extraProviders: [provider('early', early.url, timeouts, [{ id: 'shared' }]), provider('late', late.url, timeouts, [{ id: 'shared' }])],
    });
    try {
      const order = { provider: { order: ['early', 'late'] } };
      // Both fail: `early` opens first, so it is due first.
      const first = await send(stack, order);
      assert.equal(first.status, 500);
      const key = (id: string): string => `${id}/shared`;
      const early_ = stack.gateway.router.breakers.status(key('early'));
      const late_ = stack.gateway.router.breakers.status(key('late'));
      assert.equal(early_.state, 'open');
      assert.equal(late_.state, 'open');
      assert.ok(early_.retryAt! <= late_.retryAt!);
      const second = await send(stack, order);
      assert.equal(second.status, 200, second.text);
      assert.equal(second.headers.get('x-modelmux-provider'), 'early', 'the soonest-due provider should be the last resort');
    } finally {
      await stack.close();
    }
  });

  test('a candidate whose short retry-after is not yet due after the first backoff is still retried', async () => {
    // `waits` asks for 50 ms (within max_backoff_ms 2 s, and longer than the first backoff of at
    // most 5 ms) and then answers; `broken` keeps failing.
    const waits = await scripted([{ status: 429, headers: { 'retry-after': '0.05' } }]);
    const broken = await scripted(Array.from({ length: 10 }, () => ({ status: 503 })));
    servers.push(waits.server, broken.server);
    const stack = await startStack({
      routing: { backoffMs: 5, maxBackoffMs: 2_000, maxAttempts: 6 },
      extraProviders: [provider('waits', waits.url, timeouts, [{ id: 'shared' }]), provider('broken', broken.url, timeouts, [{ id: 'shared' }])],
    });
    try {
      const answer = await send(stack, { provider: { order: ['waits', 'broken'] } });
      assert.equal(answer.status, 200, `expected waits to be retried after its retry-after; got ${answer.status} after ${answer.headers.get('x-modelmux-attempts')} attempts: ${answer.text.slice(0, 300)}`);
      assert.equal(answer.headers.get('x-modelmux-provider'), 'waits');
    } finally {
      await stack.close();
    }
  });

  test('a client that leaves a stream before its first token does not count as a success (breaker probe stays unresolved)', async () => {
    const clock = new FakeClock();
    const stack = await startStack({ clock, timeouts, routing: { breaker: { failureThreshold: 1, cooldownMs: 100, maxCooldownMs: 100 } } });
    try {
      const key = 'sim/upstream-model';
      const failed = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sim-fault': '500' }, body: JSON.stringify({ model: 'test-model', messages: hello }) });
      assert.equal(failed.status, 500);
      await failed.text();
      assert.equal(stack.gateway.router.breakers.status(key).state, 'open');
      clock.advance(150);
      // The probe: the provider sends its headers at once but no token for a minute; the client
      // gives up as soon as the provider has the request.
      const controller = new AbortController();
      const sent = stack.simulator.requests.length;
      const probe = fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', signal: controller.signal, headers: { 'content-type': 'application/json', 'x-sim-ttft-ms': '60000' }, body: JSON.stringify({ model: 'test-model', messages: hello, stream: true }) });
      await until(() => stack.simulator.requests.length > sent, 'the probe reaching the provider');
      controller.abort();
      await assert.rejects(probe);
      // The attempt settles within a tick of the gateway seeing the client leave.
      await until(() => /modelmux_requests_in_flight 0/.test(stack.gateway.metrics.render()), 'the gateway letting the request go');
      await new Promise((resolve) => setImmediate(resolve));
      assert.notEqual(stack.gateway.router.breakers.status(key).state, 'closed', 'the provider never answered; its breaker must not close');
    } finally {
      await stack.close();
    }
  });

  test('embeddings move past a provider that cannot serve embeddings instead of stopping with 400', async () => {
    const stack = await startStack({
      everyFormat: true,
      extraProviders: (url) => [provider('gem', `${url}/v1beta`, timeouts, [{ id: 'emb', upstream: 'text-embedding-3-small' }], 'gemini'), provider('oai', `${url}/v1`, timeouts, [{ id: 'emb', upstream: 'text-embedding-3-small' }])],
    });
    try {
      const response = await fetch(`${stack.baseUrl}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'emb', input: 'hello', provider: { order: ['gem', 'oai'] } }) });
      const text = await response.text();
      assert.equal(response.status, 200, text.slice(0, 300));
      assert.equal(response.headers.get('x-modelmux-provider'), 'oai');
    } finally {
      await stack.close();
    }
  });
});

describe('the routing deadline', () => {
  test('a stalled stream cannot outlive deadline_ms (a non-streamed answer is bounded by its provider\'s timeouts instead)', async () => {
    const stack = await startStack({
      timeouts: { ...defaultTimeouts, firstByteMs: 3_000, idleMs: 3_000 },
      routing: { deadlineMs: 50, breaker: { failureThreshold: 1000, cooldownMs: 0, maxCooldownMs: 0 } },
      extraProviders: (url) => {
        const stalled = provider('stalled', `${url}/v1`, defaultTimeouts, [{ id: 'shared', upstream: 'shared-upstream' }]);
        stalled.headers = { ...stalled.headers, 'x-sim-fault': 'stall' };
        stalled.timeouts = { ...defaultTimeouts, firstByteMs: 3_000, idleMs: 3_000 };
        const healthy = provider('healthy', `${url}/v1`, defaultTimeouts, [{ id: 'shared', upstream: 'shared-upstream' }]);
        return [stalled, healthy];
      },
    });
    try {
      const started = Date.now();
      const answer = await send(stack, { stream: true, provider: { order: ['stalled', 'healthy'] } });
      const elapsed = Date.now() - started;
      assert.equal(answer.status, 504);
      assert.match(answer.text, /routing_deadline_exceeded/);
      assert.ok(elapsed < 1_000, `the request took ${elapsed} ms with deadline_ms 50 and a first-byte timeout of 3000 (status ${answer.status}, attempts ${answer.headers.get('x-modelmux-attempts')})`);
    } finally {
      await stack.close();
    }
  });
});

describe('provider-specific encoding limits', () => {
  test('a Responses-only field moves on to a provider of the client\'s format instead of stopping with 400', async () => {
    const stack = await startStack({
      extraProviders: (url) => [
        provider('claudeonly', `${url}/v1`, timeouts, [{ id: 'shared', upstream: 'shared-upstream' }], 'anthropic'),
        { ...provider('resp', `${url}/v1`, timeouts, [{ id: 'shared', upstream: 'shared-upstream' }], 'openai'), formats: ['openai-responses' as const] },
      ],
    });
    try {
      const response = await fetch(`${stack.baseUrl}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'shared', input: 'hi', background: true, provider: { order: ['claudeonly', 'resp'] } }) });
      const text = await response.text();
      assert.equal(response.headers.get('x-modelmux-attempts'), '2', `stopped at the first provider: ${response.status} ${text.slice(0, 300)}`);
    } finally {
      await stack.close();
    }
  });
});

describe('names', () => {
  test('<model>:cheapest works for a model whose id starts with a provider id (openai/gpt-oss-120b:cheapest)', async () => {
    const stack = await startStack({
      extraProviders: (url) => [
        provider('cheap', `${url}/v1`, timeouts, [{ id: 'sim/shared-model', upstream: 'cheap-upstream', inputPrice: 0.1, outputPrice: 0.1 }]),
        provider('dear', `${url}/v1`, timeouts, [{ id: 'sim/shared-model', upstream: 'dear-upstream', inputPrice: 5, outputPrice: 5 }]),
      ],
    });
    try {
      const plain = await (await fetch(`${stack.baseUrl}/v1/route?model=sim/shared-model`)).json() as { candidates: { provider: string }[] };
      assert.deepEqual(plain.candidates.map((candidate) => candidate.provider).sort(), ['cheap', 'dear']);
      const response = await fetch(`${stack.baseUrl}/v1/route?model=${encodeURIComponent('sim/shared-model:cheapest')}`);
      const plan = (await response.json()) as { candidates: { provider: string; upstream: string }[] };
      assert.deepEqual(plan.candidates.map((candidate) => `${candidate.provider}:${candidate.upstream}`), ['cheap:cheap-upstream', 'dear:dear-upstream'], 'the suffix was swallowed into a pinned upstream name');
    } finally {
      await stack.close();
    }
  });

  test('a model name with many colons is a 4xx, not a stack overflow (500)', async () => {
    const stack = await startStack();
    try {
      const answer = await send(stack, { model: `a${':b'.repeat(20_000)}` });
      assert.notEqual(answer.status, 500, answer.text.slice(0, 200));
    } finally {
      await stack.close();
    }
  });

  test('a long model name with colons does not block the event loop for seconds (resolve is quadratic)', async () => {
    const stack = await startStack();
    try {
      const started = Date.now();
      const answer = await send(stack, { model: `${'x'.repeat(4_000_000)}${':b'.repeat(1_000)}` });
      const elapsed = Date.now() - started;
      assert.ok(answer.status >= 400);
      assert.ok(elapsed < 1_000, `one request took ${elapsed} ms of CPU in Router.resolve`);
    } finally {
      await stack.close();
    }
  });

  test('client-chosen pinned names do not make the router keep unbounded bytes', async () => {
    const stack = await startStack();
    try {
      for (let index = 0; index < 20; index++) {
        await send(stack, { model: `sim/${String(index).padStart(6, '0')}${'z'.repeat(200_000)}` });
      }
      const stats = stack.gateway.router.stats as unknown as { entries: Map<string, unknown> };
      const breakers = stack.gateway.router.breakers as unknown as { entries: Map<string, unknown> };
      const held = [...stats.entries.keys(), ...breakers.entries.keys()].reduce((sum, key) => sum + key.length, 0);
      assert.ok(held < 1_000_000, `the router holds ${held} bytes of client-chosen keys after 20 requests (bounded only by count: 10,000 keys)`);
    } finally {
      await stack.close();
    }
  });
});

/** A provider that answers each request, once its body is read, with `reply`; its base URL. */
async function upstream(reply: (path: string, response: ServerResponse) => void): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => reply(request.url ?? '', response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

/** A provider of the client's own format that answers each request with `events`: what a streamed
 * Messages request through the gateway gets back. */
async function messagesStreamFrom(events: string): Promise<{ status: number; text: string }> {
  const url = await upstream((_path, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(events);
  });
  const stack = await startStack({ extraProviders: [provider('claudeish', url, timeouts, [{ id: 'shared' }], 'anthropic')] });
  try {
    const response = await fetch(`${stack.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'shared', max_tokens: 10, stream: true, messages: hello }) });
    return { status: response.status, text: await response.text() };
  } finally {
    await stack.close();
  }
}

describe('streams', () => {
  for (const { id, first } of [{ id: 'resp_up', first: 0 }, { id: 'gen-42', first: 7 }]) test(`a relayed Responses stream broken mid-way ends with the error of that response, not the start of another (${id}, events from ${first})`, async () => {
    // A provider's own id is kept whatever its prefix, and the failure's events are numbered on.
    const response = { id, object: 'response', created_at: 1, status: 'in_progress', model: 'm', output: [] };
    const events = [
      `event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: first, response })}\n\n`,
      `event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', sequence_number: first + 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hel' })}\n\n`,
    ].join('');
    // The provider's connection breaks after the first words.
    const url = await upstream((_path, answer) => {
      answer.writeHead(200, { 'content-type': 'text/event-stream' });
      answer.write(events, () => answer.destroy());
    });
    const stack = await startStack({ extraProviders: [{ ...provider('respy', url, timeouts, [{ id: 'responses-broken' }], 'openai'), formats: ['openai-responses' as const] }] });
    try {
      const reply = await fetch(`${stack.baseUrl}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'responses-broken', input: 'hi', stream: true }) });
      const text = await reply.text();
      assert.equal(reply.status, 200);
      assert.equal(text.match(/event: response\.created\n/g)?.length, 1, text);
      const failed = /event: response\.failed\ndata: (.*)\n/.exec(text);
      assert.ok(failed, text);
      assert.equal((JSON.parse(failed[1]) as { response: { id: string } }).response.id, id);
      // The official SDK: one response, its words, then its failure, numbered in order.
      const seen: string[] = [];
      for await (const event of await stack.client.responses.create({ model: 'responses-broken', input: 'hi', stream: true })) seen.push(`${event.type === 'response.failed' ? `${event.type} ${event.response.id}` : event.type} ${event.sequence_number}`);
      assert.deepEqual(seen, [`response.created ${first}`, `response.output_text.delta ${first + 1}`, `error ${first + 2}`, `response.failed ${id} ${first + 3}`]);
    } finally {
      await stack.close();
    }
  });

  test('a provider of the client\'s own format that answers a stream request whole still gives the client a stream', async () => {
    // Some servers ignore `stream`: each answer here is whole JSON, whatever was asked.
    const answers: Record<string, unknown> = {
      '/v1/chat/completions': { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Whole hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
      '/v1/messages': { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'Whole hello' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 2 } },
      '/v1/responses': { id: 'resp_1', object: 'response', created_at: 1, status: 'completed', model: 'm', output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Whole hello', annotations: [] }] }], usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } },
    };
    const url = await upstream((path, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answers[path]));
    });
    const stack = await startStack({
      extraProviders: [
        provider('chatty', url, timeouts, [{ id: 'chat-whole' }]),
        provider('claudeish', url, timeouts, [{ id: 'claude-whole' }], 'anthropic'),
        { ...provider('respy', url, timeouts, [{ id: 'responses-whole' }], 'openai'), formats: ['openai-responses' as const] },
      ],
    });
    try {
      let chatText = '';
      for await (const chunk of await stack.client.chat.completions.create({ model: 'chat-whole', messages: hello, stream: true })) chatText += chunk.choices[0]?.delta.content ?? '';
      assert.equal(chatText, 'Whole hello');
      const message = await stack.anthropic.messages.stream({ model: 'claude-whole', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      assert.deepEqual(message.content.map((block) => (block.type === 'text' ? block.text : block.type)), ['Whole hello']);
      assert.equal(message.usage.input_tokens, 3);
      // A client that reads the prompt's size at the start (LangChain) finds it there too.
      const raw = await (await fetch(`${stack.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-whole', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }) })).text();
      assert.ok((JSON.parse(/event: message_start\ndata: (.*)\n/.exec(raw)![1]) as { message: { usage: { input_tokens: number } } }).message.usage.input_tokens > 0, raw);
      // Chat choices past the first are lost on the way, and named so.
      const several = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat-whole', n: 2, stream: true, messages: hello }) });
      await several.text();
      assert.match(several.headers.get('x-modelmux-dropped-params') ?? '', /\bn\b/);
      let responsesText = '';
      for await (const event of await stack.client.responses.create({ model: 'responses-whole', input: 'hi', stream: true })) if (event.type === 'response.output_text.delta') responsesText += event.delta;
      assert.equal(responsesText, 'Whole hello');
    } finally {
      await stack.close();
    }
  });

  test('a same-format Messages stream whose only finish arrives at the end of the body still reaches the client', async () => {
    // An Anthropic-compatible server: an empty answer whose last event lacks its closing blank line.
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":0}}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":0}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}',
    ].join('');
    const { status, text } = await messagesStreamFrom(events);
    assert.equal(status, 200);
    assert.match(text, /message_start/, `the client got ${JSON.stringify(text)}`);
    assert.match(text, /message_stop"\}\n\n/, 'the last event goes out terminated');
  });

  test("a same-format Messages stream that ends on the provider's error event, unterminated, still shows the client that error", async () => {
    // The answer had begun; then the provider reported an error in a last event lacking its blank line.
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":0}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    ].join('');
    const { status, text } = await messagesStreamFrom(events);
    assert.equal(status, 200);
    assert.match(text, /"text":"Hel"/, `the client got ${JSON.stringify(text)}`);
    // A complete event (a client's parser drops an unterminated one at the end of the body).
    assert.match(text, /event: error\ndata: \{[^\n]*"overloaded_error"[^\n]*\}\n\n/, `the client got ${JSON.stringify(text)}`);
  });
});
