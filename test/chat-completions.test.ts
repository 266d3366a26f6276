// The gateway driven by the official `openai` SDK against the simulator: the happy paths.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hello, sim, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

describe('chat completions through the gateway', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('non-streamed: the SDK gets the completion, usage and route headers', async () => {
    const { data, response } = await stack.client.chat.completions.create({ model: 'test-model', messages: hello }).withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.ok(data.choices[0].message.content && data.choices[0].message.content.length > 0);
    assert.ok(data.usage && data.usage.completion_tokens > 0 && data.usage.prompt_tokens > 0);
    assert.equal(response.headers.get('x-modelmux-provider'), 'sim');
    assert.equal(response.headers.get('x-modelmux-model'), 'test-model');
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('the upstream receives its own model name, the request id, and never the client key', async () => {
    stack.simulator.reset();
    await stack.client.chat.completions.create({ model: 'test-model', messages: hello }, { headers: { 'x-request-id': 'trace-123' } });
    const received = stack.simulator.requests.at(-1)!;
    assert.equal((received.body as { model: string }).model, 'upstream-model');
    assert.equal(received.headers['x-request-id'], 'trace-123');
    assert.equal(received.headers.authorization, 'Bearer sk-test-provider-secret-0123456789');
  });

  test('the client request id comes back', async () => {
    const { response } = await stack.client.chat.completions.create({ model: 'test-model', messages: hello }, { headers: { 'x-request-id': 'my-id-42' } }).withResponse();
    assert.equal(response.headers.get('x-request-id'), 'my-id-42');
  });

  test('streamed: the SDK stream helper assembles the same text as the non-streamed answer', async () => {
    const whole = await stack.client.chat.completions.create({ model: 'test-model', messages: hello });
    const stream = stack.client.chat.completions.stream({ model: 'test-model', messages: hello, stream: true });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0].message.content, whole.choices[0].message.content);
    assert.equal(final.choices[0].finish_reason, whole.choices[0].finish_reason);
  });

  test('streamed without include_usage: the usage the gateway asked for rides on the finish chunk', async () => {
    stack.simulator.reset();
    const stream = await stack.client.chat.completions.create({ model: 'test-model', messages: hello, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length > 2);
    assert.ok(chunks.every((chunk) => chunk.choices.length > 0), 'no usage-only chunk reaches the client');
    const last = chunks.at(-1)!;
    assert.ok(last.choices[0].finish_reason && last.usage && last.usage.completion_tokens > 0, 'the finish chunk carries the usage');
    const sent = stack.simulator.requests.at(-1)!.body as { stream_options?: { include_usage?: boolean } };
    assert.equal(sent.stream_options?.include_usage, true, 'the gateway asks upstream for usage');
  });

  test('streamed with include_usage: the client gets the usage chunk', async () => {
    const stream = await stack.client.chat.completions.create({ model: 'test-model', messages: hello, stream: true, stream_options: { include_usage: true } });
    let usage = null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.ok(usage && usage.completion_tokens > 0);
  });

  test('tool calls pass through intact, streamed and not', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const whole = await stack.client.chat.completions.create({ model: 'test-model', messages: hello, tools });
    const streamed = await stack.client.chat.completions.stream({ model: 'test-model', messages: hello, tools, stream: true }).finalChatCompletion();
    const call = whole.choices[0].message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'sim' });
    const streamedCall = streamed.choices[0].message.tool_calls?.[0];
    assert.ok(streamedCall && streamedCall.type === 'function');
    assert.equal(streamedCall.function.name, 'get_weather');
    assert.equal(streamedCall.function.arguments, call.function.arguments);
    assert.ok(streamedCall.id, 'the streamed call keeps its id');
  });

  test('`<provider>/<upstream model>` reaches any model of a configured provider', async () => {
    const { data, response } = await stack.client.chat.completions.create({ model: 'sim/anything-else', messages: hello }).withResponse();
    assert.equal(data.model, 'sim/anything-else', 'the answer names the model as the client asked for it');
    assert.equal(response.headers.get('x-modelmux-model'), 'sim/anything-else');
  });

  test('a paced stream arrives incrementally, not buffered', async () => {
    const stream = await stack.client.chat.completions.create(
      { model: 'test-model', messages: hello, stream: true },
      sim({ 'tokens-per-second': 100, 'output-tokens': 6 }),
    );
    const arrivals: number[] = [];
    for await (const _chunk of stream) arrivals.push(performance.now());
    assert.ok(arrivals.length >= 6);
    // Paced at 100 tokens/s (50 ms in all), the chunks come spread over time rather than all at once at the end.
    assert.ok(arrivals.at(-1)! - arrivals[0] >= 20, `chunks spread over ${arrivals.at(-1)! - arrivals[0]} ms`);
  });

  test('GET /v1/models lists the configured models with modelmux fields, through the SDK', async () => {
    const models = [];
    for await (const model of stack.client.models.list()) models.push(model);
    const model = models.find((entry) => entry.id === 'test-model') as unknown as { owned_by: string; modelmux: { context_window: number; providers: Record<string, unknown>[] } };
    assert.equal(model.owned_by, 'sim');
    assert.equal(model.modelmux.context_window, 8192);
    assert.equal(model.modelmux.providers[0].provider, 'sim');
    assert.equal(model.modelmux.providers[0].upstream, 'upstream-model');
    assert.equal(model.modelmux.providers[0].input_price, 0.1);
    const one = await stack.client.models.retrieve('test-model');
    assert.equal(one.id, 'test-model');
  });

  test('50 concurrent streams all complete', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => stack.client.chat.completions.stream({ model: 'test-model', messages: hello, stream: true }).finalChatCompletion()),
    );
    assert.equal(results.filter((result) => result.choices[0].message.content).length, 50);
  });

  test('health, readiness and Prometheus metrics', async () => {
    assert.deepEqual(await (await fetch(`${stack.baseUrl}/health`)).json(), { status: 'ok' });
    const ready = await fetch(`${stack.baseUrl}/ready`);
    assert.equal(ready.status, 200);
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    assert.match(metrics, /^modelmux_requests_total\{model="test-model",provider="sim",status="200"\} \d+$/m);
    assert.match(metrics, /^modelmux_request_duration_seconds_bucket\{model="test-model",provider="sim",le="\+Inf"\} \d+$/m);
    assert.match(metrics, /^modelmux_time_to_first_token_seconds_count\{model="test-model",provider="sim"\} \d+$/m);
    assert.match(metrics, /^modelmux_tokens_total\{model="test-model",provider="sim",direction="output"\} [1-9]\d*$/m);
    assert.match(metrics, /^# TYPE modelmux_request_errors_total counter$/m);
  });

  test('every request is logged as one JSON line with its request id', async () => {
    await stack.client.chat.completions.create({ model: 'test-model', messages: hello }, { headers: { 'x-request-id': 'log-me-1' } });
    const line = stack.logs.map((text) => JSON.parse(text)).find((record) => record.request_id === 'log-me-1');
    assert.ok(line);
    assert.equal(line.msg, 'request');
    assert.equal(line.status, 200);
    assert.equal(line.model, 'test-model');
    assert.equal(line.provider, 'sim');
    assert.equal(typeof line.duration_ms, 'number');
    assert.ok(line.output_tokens > 0);
  });
});
