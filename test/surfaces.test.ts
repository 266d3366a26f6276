// Every client surface against every provider format, end to end through the simulator: Claude
// Code-style conversations, dropped parameters and strict mode, errors in the client's own format,
// streams that fail midway, count_tokens, embeddings and a 1M-token prompt.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { formatProviders, sim, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const providers = Object.keys(formatProviders);

const readFile: Anthropic.Tool = {
  name: 'read_file',
  description: 'Read a file from the workspace',
  input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};
const runTests: Anthropic.Tool = {
  name: 'run_tests',
  description: 'Run the test suite',
  input_schema: { type: 'object', properties: {} },
  cache_control: { type: 'ephemeral' },
};

/** A Claude Code-like session so far: system prompt with cache markers, thinking with signatures,
 * parallel tool calls and their results, then a new instruction. */
function conversation(): Anthropic.MessageParam[] {
  return [
    { role: 'user', content: [{ type: 'text', text: 'The build fails. Find out why.', cache_control: { type: 'ephemeral' } }] },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should read the config and run the tests.', signature: 'sig-one' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'package.json' } },
        { type: 'tool_use', id: 'toolu_02', name: 'run_tests', input: {} },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_01', content: '{"name":"demo","scripts":{"test":"node --test"}}' },
        { type: 'tool_result', tool_use_id: 'toolu_02', content: [{ type: 'text', text: '1 failing: expected 2, got 3' }], is_error: true },
      ],
    },
    { role: 'assistant', content: [{ type: 'text', text: 'One test fails on an off-by-one.' }] },
    { role: 'user', content: 'Read src/sum.js and fix it.' },
  ];
}

describe('surfaces × provider formats', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true, fixtures: true });
  });
  after(() => stack.close());

  for (const provider of providers) {
    test(`Claude Code-style session served by the ${formatProviders[provider as keyof typeof formatProviders]} provider`, async () => {
      const model = `${provider}/sim-coder`;
      const base = { model, max_tokens: 2048, system: [{ type: 'text' as const, text: 'You are a coding agent.', cache_control: { type: 'ephemeral' as const } }], tools: [readFile, runTests] };
      const streamed = await stack.anthropic.messages.stream({ ...base, messages: conversation() }).finalMessage();
      const call = streamed.content.find((block) => block.type === 'tool_use');
      assert.ok(call && call.type === 'tool_use', `a tool call came back: ${JSON.stringify(streamed.content)}`);
      assert.equal(call.name, 'read_file');
      assert.deepEqual(call.input, { path: 'sim' });
      assert.match(call.id, /^[A-Za-z0-9_-]+$/);
      assert.equal(streamed.stop_reason, 'tool_use');
      assert.ok(streamed.usage.output_tokens > 0);

      // What reached the provider: history, tool results and system prompt all there.
      const sent = JSON.stringify(stack.simulator.requests.at(-1)?.body);
      for (const piece of ['You are a coding agent.', 'package.json', 'expected 2, got 3', 'One test fails on an off-by-one.', 'Read src/sum.js and fix it.']) {
        assert.ok(sent.includes(piece), `${piece} reached the provider: ${sent.slice(0, 400)}`);
      }

      // The next turn answers the call; the model answers in text.
      const messages: Anthropic.MessageParam[] = [
        ...conversation(),
        { role: 'assistant', content: streamed.content as Anthropic.ContentBlockParam[] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'export const sum = (a, b) => a + b + 1;' }] },
      ];
      const whole = await stack.anthropic.messages.create({ ...base, messages });
      assert.equal(whole.stop_reason, 'end_turn');
      assert.ok(whole.content.some((block) => block.type === 'text' && block.text.length > 0));
    });
  }

  test('a parameter the provider cannot honour is named in x-modelmux-dropped-params; strict mode refuses it', async () => {
    const body = { model: 'chat/sim-model', max_tokens: 64, top_k: 5, messages: [{ role: 'user', content: 'hi' }] };
    const relaxed = await post(stack, '/v1/messages', body);
    assert.equal(relaxed.status, 200);
    assert.match(relaxed.headers.get('x-modelmux-dropped-params') ?? '', /top_k/);

    const strict = await post(stack, '/v1/messages', body, { 'x-modelmux-strict': 'true' });
    assert.equal(strict.status, 400);
    const error = (await strict.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(error.type, 'error');
    assert.equal(error.error.type, 'invalid_request_error');
    assert.match(error.error.message, /top_k/);

    const native = await post(stack, '/v1/messages', { ...body, model: 'claude/sim-model' });
    assert.equal(native.headers.get('x-modelmux-dropped-params'), null, 'nothing is dropped on the same-format path');
  });

  test('errors reach each client in its own format, with the status and retry-after kept', async () => {
    const missing = await post(stack, '/v1/messages', { max_tokens: 10, messages: [] });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { type: string }).type, 'error');

    const limited = await post(stack, '/v1/messages', { model: 'chat/sim-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, sim({ fault: 429, 'retry-after': 7 }).headers);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    const body = (await limited.json()) as { type: string; error: { type: string } };
    assert.deepEqual([body.type, body.error.type], ['error', 'rate_limit_error']);

    // Google's RetryInfo (in the body of a real recorded 429) becomes retry-after, for a Chat client.
    const google = await post(stack, '/v1/chat/completions', { model: 'google/replay:google/google-429-retry-info', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(google.status, 429);
    assert.ok(Number(google.headers.get('retry-after')) > 0, `retry-after: ${google.headers.get('retry-after')}`);
    assert.ok(((await google.json()) as { error?: unknown }).error);

    const sdkError = await stack.anthropic.messages.create({ model: 'google/sim-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, sim({ fault: 503 })).catch((error: unknown) => error);
    assert.ok(sdkError instanceof Anthropic.APIError && sdkError.status === 503, String(sdkError));
  });

  test('a translated stream that fails midway ends with an error event, never a clean end', async () => {
    for (const [path, body, marker] of [
      ['/v1/messages', { model: 'chat/sim-model', max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'count' }] }, 'event: error'],
      ['/v1/responses', { model: 'claude/sim-model', stream: true, input: 'count' }, 'event: error'],
      ['/v1/chat/completions', { model: 'google/sim-model', stream: true, messages: [{ role: 'user', content: 'count' }] }, 'data: {"error"'],
    ] as const) {
      const response = await post(stack, path, body, sim({ fault: 'cut', 'fault-after': 3, 'output-tokens': 50 }).headers);
      assert.equal(response.status, 200, path);
      const text = await response.text();
      assert.ok(text.includes(marker), `${path}: ${text.slice(-300)}`);
      assert.ok(!text.includes('message_stop') && !text.includes('response.completed') && !text.includes('[DONE]'), `${path} did not end cleanly`);
    }
  });

  test('count_tokens is estimated (and says so) for providers that cannot count', async () => {
    // 900 tokens in o200k; a model of unknown tokenizer is counted on the safe side of that.
    const response = await post(stack, '/v1/messages/count_tokens', { model: 'chat/sim-model', messages: [{ role: 'user', content: 'Count these words, please. '.repeat(150) }] });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-modelmux-estimate'), 'true');
    const { input_tokens } = (await response.json()) as { input_tokens: number };
    assert.ok(input_tokens >= 900 && input_tokens < 1100, String(input_tokens));
  });

  test('embeddings are served by OpenAI-format providers and refused clearly by others', async () => {
    const ok = await stack.client.embeddings.create({ model: 'chat/sim-embed', input: ['one', 'two'] });
    assert.equal(ok.data.length, 2);
    const refused = await post(stack, '/v1/embeddings', { model: 'claude/sim-embed', input: 'one' });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /does not serve embeddings/);
  });

  test('hostile field names and model names neither crash the gateway nor reach its prototypes', async () => {
    const polluting = await post(stack, '/v1/messages', {
      model: 'claude/sim-model',
      max_tokens: 10,
      '__proto__.temperature': 5,
      messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 'mmx1.gemini.abc' }, { type: 'text', text: 'x' }] }, { role: 'user', content: 'again' }],
    });
    await polluting.arrayBuffer();
    assert.equal(({} as Record<string, unknown>).temperature, undefined);
    const after = await stack.client.chat.completions.create({ model: 'chat/sim-model', messages: [{ role: 'user', content: 'still fine?' }] });
    assert.ok(after.choices[0].message.content);

    for (const body of [
      { model: 'google/m', stream: true, 'x\ny': 1, messages: [{ role: 'user', content: 'hi' }] },
      { model: 'google/m\u20ac', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { model: 'chat/m\u20ac', stream: true, messages: [{ role: 'user', content: 'hi' }] },
    ]) {
      const response = await post(stack, '/v1/chat/completions', body);
      assert.equal(response.status, 200, JSON.stringify(body));
      await response.text();
    }
    const many = await post(stack, '/v1/messages', { model: 'google/m', max_tokens: 10, messages: [{ role: 'user', content: Array.from({ length: 800 }, (_, index) => ({ type: 'text', text: `part ${index}`, citations: [] })) }] });
    assert.equal(many.status, 200);
    assert.ok((many.headers.get('x-modelmux-dropped-params') ?? '').length <= 1024);
  });

  test('a 1M-token prompt (4 MB of text) goes through each codec intact', async () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(155_000);
    for (const [path, body] of [
      ['/v1/chat/completions', { model: 'claude/sim-model', max_tokens: 16, messages: [{ role: 'user', content: text }] }],
      ['/v1/messages', { model: 'google/sim-model', max_tokens: 16, messages: [{ role: 'user', content: text }] }],
      ['/v1/responses', { model: 'aws/sim-model', max_output_tokens: 16, input: text }],
      ['/v1/messages', { model: 'responses/sim-model', max_tokens: 16, messages: [{ role: 'user', content: text }] }],
      ['/v1/responses', { model: 'chat/sim-model', max_output_tokens: 16, input: text }],
    ] as const) {
      const response = await post(stack, path, body);
      assert.equal(response.status, 200, `${path} → ${body.model}: ${await response.clone().text()}`);
      await response.arrayBuffer();
      const sent = JSON.stringify(stack.simulator.requests.at(-1)?.body);
      assert.ok(sent.includes(text), `${body.model} received the whole prompt`);
    }
  });
});

async function post(stack: Stack, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
