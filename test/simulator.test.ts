// Simulator, OpenAI side: chat completions, responses, embeddings and models, checked against the
// shapes of real recorded OpenAI answers; plus determinism and the record of received requests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixture, fixtureLines, json, keys, parseEvents, post, postJson, simulator, useSimulator, without } from './simulator-helpers.ts';

useSimulator();

describe('OpenAI chat completions', () => {
  test('a whole answer has the keys of a recorded OpenAI answer', async () => {
    const answer = await postJson('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'Hello there' }] });
    const real = fixture('openai-chat/openai-text.json');
    assert.deepEqual(keys(answer), keys(real));
    assert.deepEqual(keys(answer.choices[0]), keys(real.choices[0]));
    assert.deepEqual(keys(answer.choices[0].message), keys(real.choices[0].message));
    assert.deepEqual(keys(answer.usage), keys(real.usage));
    assert.deepEqual(keys(answer.usage.prompt_tokens_details), keys(real.usage.prompt_tokens_details));
    assert.deepEqual(keys(answer.usage.completion_tokens_details), keys(real.usage.completion_tokens_details));
    assert.equal(answer.object, 'chat.completion');
    assert.equal(answer.model, 'gpt-test');
    assert.equal(answer.choices[0].finish_reason, 'stop');
    assert.match(answer.choices[0].message.content, /gpt-test/);
    assert.match(answer.choices[0].message.content, /Hello there/);
    assert.equal(answer.usage.completion_tokens, 16);
    assert.equal(answer.usage.prompt_tokens, Math.ceil('Hello there'.length / 4));
    assert.equal(answer.usage.total_tokens, answer.usage.prompt_tokens + 16);
  });

  test('a stream with include_usage matches the recorded chunk keys, one delta per token, usage, [DONE]', async () => {
    const body = { model: 'fast', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] };
    const response = await post('/v1/chat/completions', body);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = parseEvents(await response.text());
    assert.equal(events.at(-1)?.data, '[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    const real = fixtureLines('openai-chat/openai-text.chunks.txt');
    for (const chunk of chunks) assert.deepEqual(keys(chunk), without(keys(real[0]), 'obfuscation'));
    assert.deepEqual(chunks[0].choices[0].delta, real[0].choices[0].delta);
    const deltas = chunks.slice(1, -2).map((chunk) => chunk.choices[0].delta.content);
    assert.equal(deltas.length, 16);
    for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.usage, null);
    assert.deepEqual(chunks.at(-2).choices[0], { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    assert.deepEqual(keys(usageChunk.usage), keys(real.at(-1).usage));
    assert.equal(usageChunk.usage.completion_tokens, 16);
    const whole = await postJson('/v1/chat/completions', { ...body, stream: false });
    assert.equal(deltas.join(''), whole.choices[0].message.content);
  });

  test('without include_usage there is no usage field and no usage chunk', async () => {
    const events = parseEvents(await (await post('/v1/chat/completions', { model: 'fast', stream: true, messages: [] })).text());
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    for (const chunk of chunks) {
      assert.equal('usage' in chunk, false);
      assert.equal(chunk.choices.length, 1);
    }
  });

  test('max_tokens and max_completion_tokens cap the answer with finish_reason length', async () => {
    for (const limit of [{ max_tokens: 3 }, { max_completion_tokens: 3 }]) {
      const answer = await postJson('/v1/chat/completions', { model: 'fast', messages: [{ role: 'user', content: 'x' }], ...limit });
      assert.equal(answer.choices[0].finish_reason, 'length');
      assert.equal(answer.usage.completion_tokens, 3);
      assert.equal(answer.choices[0].message.content, 'Simulated reply from');
    }
  });

  test('stop cuts the answer before the stop sequence with finish_reason stop', async () => {
    const answer = await postJson('/v1/chat/completions', { model: 'fast', stop: ['reply'], messages: [{ role: 'user', content: 'x' }] });
    assert.equal(answer.choices[0].message.content, 'Simulated ');
    assert.equal(answer.choices[0].finish_reason, 'stop');
  });

  test('the echo preset answers the last user message exactly, sim/ prefix allowed', async () => {
    const messages = [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: [{ type: 'text', text: 'say  this\nback' }] }];
    for (const model of ['echo', 'sim/echo']) {
      const answer = await postJson('/v1/chat/completions', { model, messages });
      assert.equal(answer.choices[0].message.content, 'say  this\nback');
      assert.equal(answer.model, model);
    }
  });

  test('tools: a call to the first tool with arguments from the required properties', async () => {
    const answer = await postJson('/v1/chat/completions', { model: 'fast', tools, messages: [{ role: 'user', content: 'weather?' }] });
    const choice = answer.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    const [call] = choice.message.tool_calls;
    assert.deepEqual(keys(call), ['function', 'id', 'type']);
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'sim', days: 1, metric: true, hours: [], where: {}, unit: 'celsius' });
  });

  test('tools: tool_choice names the tool, none answers text, a tool result answers text', async () => {
    const named = await postJson('/v1/chat/completions', {
      model: 'fast', tools, tool_choice: { type: 'function', function: { name: 'clock' } }, messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal(named.choices[0].message.tool_calls[0].function.name, 'clock');
    assert.equal(named.choices[0].message.tool_calls[0].function.arguments, '{}');
    const none = await postJson('/v1/chat/completions', { model: 'fast', tools, tool_choice: 'none', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(none.choices[0].finish_reason, 'stop');
    const afterTool = await postJson('/v1/chat/completions', {
      model: 'fast', tools, messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    assert.equal(afterTool.choices[0].finish_reason, 'stop');
    assert.equal(typeof afterTool.choices[0].message.content, 'string');
  });

  test('tools streamed: id, type and name first with empty arguments, then argument fragments', async () => {
    const events = parseEvents(await (await post('/v1/chat/completions', { model: 'fast', stream: true, tools, messages: [] })).text());
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    const first = chunks[0].choices[0].delta;
    assert.equal(first.role, 'assistant');
    assert.deepEqual(keys(first.tool_calls[0]), ['function', 'id', 'index', 'type']);
    assert.equal(first.tool_calls[0].function.name, 'weather');
    assert.equal(first.tool_calls[0].function.arguments, '');
    const fragments = chunks.slice(1, -1).map((chunk) => chunk.choices[0].delta.tool_calls[0].function.arguments);
    assert.ok(fragments.length > 1);
    assert.equal(JSON.parse(fragments.join('')).city, 'sim');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });
});

describe('OpenAI responses', () => {
  const realText = () => fixtureLines('openai-responses/openai-reasoning-encrypted-content.1.chunks.txt').slice(94);

  test('a whole response has the keys of a recorded response', async () => {
    const answer = await postJson('/v1/responses', { model: 'fast', input: 'Hello responses' });
    const real = fixture('openai-responses/openai-reasoning-encrypted-content.1.json');
    assert.deepEqual(keys(answer), without(keys(real), 'billing'));
    assert.deepEqual(keys(answer.output[0]), keys(real.output[1]));
    assert.deepEqual(keys(answer.output[0].content[0]), keys(real.output[1].content[0]));
    assert.deepEqual(keys(answer.usage), keys(real.usage));
    assert.equal(answer.status, 'completed');
    assert.match(answer.output[0].content[0].text, /Hello responses/);
    assert.equal(answer.usage.output_tokens, 16);
  });

  test('a stream has the recorded event names, sequence numbers and event: lines', async () => {
    const input = [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }];
    const events = parseEvents(await (await post('/v1/responses', { model: 'fast', input, stream: true })).text());
    const payloads = events.map((event) => JSON.parse(event.data));
    for (const [index, event] of events.entries()) {
      assert.equal(event.event, payloads[index].type);
      assert.equal(payloads[index].sequence_number, index);
    }
    assert.deepEqual(collapse(payloads.map((payload) => payload.type)), collapse(realText().map((payload) => payload.type)));
    for (const payload of payloads) {
      const twin = realText().find((real) => real.type === payload.type);
      assert.deepEqual(keys(payload), without(keys(twin), 'obfuscation'), payload.type);
    }
    const text = payloads.filter((payload) => payload.type === 'response.output_text.delta').map((payload) => payload.delta).join('');
    assert.equal(payloads.at(-1).response.output[0].content[0].text, text);
  });

  test('max_output_tokens ends the response incomplete', async () => {
    const answer = await postJson('/v1/responses', { model: 'fast', input: 'x', max_output_tokens: 2 });
    assert.equal(answer.status, 'incomplete');
    assert.deepEqual(answer.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(answer.usage.output_tokens, 2);
  });

  test('tools: a function_call item, streamed with argument deltas; a function output gets text', async () => {
    const functionTools = tools.map((tool) => ({ type: 'function', ...tool.function }));
    const answer = await postJson('/v1/responses', { model: 'fast', input: 'x', tools: functionTools });
    const real = fixture('openai-responses/parallel-tool-call-wrapper.1.json');
    assert.deepEqual(keys(answer.output[0]), keys(real.output[0]));
    assert.equal(answer.output[0].name, 'weather');
    assert.equal(JSON.parse(answer.output[0].arguments).days, 1);

    const events = parseEvents(await (await post('/v1/responses', { model: 'fast', input: 'x', tools: functionTools, stream: true })).text());
    const types = collapse(events.map((event) => event.event));
    assert.deepEqual(types, ['response.created', 'response.in_progress', 'response.output_item.added',
      'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done', 'response.completed']);

    const input = [
      { role: 'user', content: 'x' },
      { type: 'function_call', call_id: 'c', name: 'weather', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c', output: 'sunny' },
    ];
    const reply = await postJson('/v1/responses', { model: 'fast', input, tools: functionTools });
    assert.equal(reply.output[0].type, 'message');
  });
});

describe('OpenAI embeddings and models', () => {
  test('embeddings: deterministic unit vectors of the requested size, usage, recorded keys', async () => {
    const answer = await postJson('/v1/embeddings', { model: 'embed', input: ['alpha', 'beta'], dimensions: 12 });
    const real = fixture('openai-embeddings/openai-embedding.json');
    assert.deepEqual(keys(answer), keys(real));
    assert.deepEqual(keys(answer.data[0]), keys(real.data[0]));
    assert.deepEqual(keys(answer.usage), keys(real.usage));
    assert.equal(answer.data.length, 2);
    assert.equal(answer.data[1].index, 1);
    const [first, second] = answer.data.map((item: { embedding: number[] }) => item.embedding);
    assert.equal(first.length, 12);
    assert.notDeepEqual(first, second);
    assert.ok(Math.abs(Math.hypot(...first) - 1) < 1e-5);
    const again = await postJson('/v1/embeddings', { model: 'embed', input: 'alpha', dimensions: 12 });
    assert.deepEqual(again.data[0].embedding, first);
    const defaults = await postJson('/v1/embeddings', { model: 'embed', input: 'alpha' });
    assert.equal(defaults.data[0].embedding.length, 256);
  });

  test('embeddings: base64 holds the same float32 values', async () => {
    const floats = await postJson('/v1/embeddings', { model: 'embed', input: 'alpha', dimensions: 8 });
    const encoded = await postJson('/v1/embeddings', { model: 'embed', input: 'alpha', dimensions: 8, encoding_format: 'base64' });
    const bytes = Buffer.from(encoded.data[0].embedding, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    decoded.forEach((value, index) => assert.ok(Math.abs(value - floats.data[0].embedding[index]) < 1e-7));
  });

  test('models: an OpenAI list of the presets', async () => {
    const response = await fetch(`${simulator.url}/v1/models`);
    const list = await json(response);
    assert.equal(list.object, 'list');
    assert.deepEqual(list.data.map((model: { id: string }) => model.id), ['fast', 'slow', 'echo']);
    assert.deepEqual(keys(list.data[0]), ['created', 'id', 'object', 'owned_by']);
  });
});

describe('determinism and the request record', () => {
  test('the same request gives the same bytes, ids included, after reset', async () => {
    const body = { model: 'fast', stream: true, messages: [{ role: 'user', content: 'same' }] };
    const runs: string[] = [];
    for (let run = 0; run < 2; run++) {
      simulator.reset();
      runs.push((await (await post('/v1/chat/completions', body)).text()).replace(/"created":\d+/g, ''));
    }
    assert.equal(runs[0], runs[1]);
  });

  test('requests are recorded with method, path, headers and parsed body; reset forgets them', async () => {
    simulator.reset();
    await post('/v1/chat/completions?trace=1', { model: 'fast', messages: [] }, { 'x-custom': 'yes' });
    assert.equal(simulator.requests.length, 1);
    const [entry] = simulator.requests;
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/v1/chat/completions?trace=1');
    assert.equal(entry.headers['x-custom'], 'yes');
    assert.deepEqual(entry.body, { model: 'fast', messages: [] });
    simulator.reset();
    assert.equal(simulator.requests.length, 0);
  });

  test('the record keeps the last 100 requests', async () => {
    simulator.reset();
    for (let index = 0; index < 105; index++) await post('/v1/embeddings', { model: 'e', input: String(index) });
    assert.equal(simulator.requests.length, 100);
    assert.deepEqual(simulator.requests[0].body, { model: 'e', input: '5' });
  });
});

const tools = [
  {
    type: 'function',
    function: {
      name: 'weather',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' }, days: { type: 'integer' }, metric: { type: 'boolean' }, hours: { type: 'array' },
          where: { type: 'object' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, note: { type: 'string' },
        },
        required: ['city', 'days', 'metric', 'hours', 'where', 'unit'],
      },
    },
  },
  { type: 'function', function: { name: 'clock', parameters: { type: 'object', properties: {} } } },
];

/** Event names with repeats folded: [a, b, b, c] -> [a, b, c]. */
function collapse(names: Array<string | undefined>): Array<string | undefined> {
  return names.filter((name, index) => index === 0 || name !== names[index - 1]);
}
