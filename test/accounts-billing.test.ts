// What a call costs and who pays: usage.cost and x-modelmux-cost on every surface, the arithmetic of
// cached, cache-written and reasoning tokens at catalog prices, budgets and credits at their edges,
// 200 concurrent requests against a budget for 50, failed attempts, and a stream the client abandons.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { costOf, toMicroCents } from '../src/accounts/cost.ts';
import { ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';
import { scripted } from './scripted-provider.ts';
import type { ScriptedProvider } from './scripted-provider.ts';
import { provider, providerKey } from './stack.ts';
import { until } from './until.ts';
import { defaultTimeouts } from '../src/config/types.ts';

const pricey = { id: 'pricey-model', upstream: 'pricey', inputPrice: 1000, outputPrice: 1000 };

describe('billing', () => {
  let stack: BillingStack;
  let openaiLike: ScriptedProvider;
  let anthropicLike: ScriptedProvider;
  before(async () => {
    openaiLike = await scripted([]);
    anthropicLike = await scripted([]);
    stack = await startBillingStack({
      everyFormat: true,
      extraProviders: (url) => [
        provider('expensive', `${url}/v1`, defaultTimeouts, [pricey]),
        { ...provider('oai', openaiLike.url, defaultTimeouts, [{ id: 'embed-model', upstream: 'embed', inputPrice: 1000, outputPrice: 0 }], 'openai'), clientKeys: true },
        provider('ant', anthropicLike.url, defaultTimeouts, [{ id: 'short-claude', upstream: 'claude-short', inputPrice: 1000, outputPrice: 1000, maxOutput: 1_024 }], 'anthropic'),
      ],
    });
  });
  after(async () => {
    await stack.close();
    openaiLike.server.close();
    anthropicLike.server.close();
  });

  test('usage.cost and x-modelmux-cost on Chat (whole and streamed), Responses and Messages, relayed and translated', async () => {
    const { key } = await stack.createKey();
    const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const whole = await client.chat.completions.create({ ...ask, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const cost = (whole.data.usage as unknown as { cost: number }).cost;
    assert.ok(cost > 0);
    assert.equal(whole.response.headers.get('x-modelmux-cost'), cost.toFixed(8));
    const expected = costOf({ inputTokens: whole.data.usage!.prompt_tokens, outputTokens: whole.data.usage!.completion_tokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }, { input: 0.1, output: 0.2, cachedInput: null, cacheWrite: null })!;
    assert.equal(toMicroCents(cost), toMicroCents(expected.total), 'priced at the model\'s configured prices');

    const stream = await client.chat.completions.create({ ...ask, messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let streamedCost: number | undefined;
    for await (const chunk of stream) if (chunk.usage) streamedCost = (chunk.usage as unknown as { cost: number }).cost;
    assert.ok(streamedCost !== undefined && streamedCost > 0, 'the usage chunk carries the cost');

    for (const model of ['responses/any-model', 'chat/any-model', 'claude/any-model']) {
      const responses = await client.responses.create({ model, input: 'hi' }).withResponse();
      assert.ok(Number(responses.response.headers.get('x-modelmux-cost')) >= 0, model);
      assert.equal(typeof (responses.data.usage as unknown as { cost: number }).cost, 'number', `${model}: usage.cost in a Responses answer`);
    }
    const anthropic = new Anthropic({ baseURL: stack.baseUrl, apiKey: key, maxRetries: 0 });
    for (const model of ['claude/any-model', 'chat/any-model']) {
      const message = await anthropic.messages.create({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      assert.equal(typeof (message.data.usage as unknown as { cost: number }).cost, 'number', `${model}: usage.cost in a Messages answer`);
      assert.ok(message.response.headers.get('x-modelmux-cost'));
    }
    // Streams relayed byte for byte in the client's own format carry it in their final usage event.
    const responsesStream = await client.responses.create({ model: 'responses/any-model', input: 'hi', stream: true });
    let completedCost: number | undefined;
    for await (const event of responsesStream) if (event.type === 'response.completed') completedCost = (event.response.usage as unknown as { cost: number }).cost;
    assert.ok(completedCost !== undefined && completedCost >= 0, 'response.completed carries usage.cost');
    const messageStream = anthropic.messages.stream({ model: 'claude/any-model', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] });
    let deltaCost: number | undefined;
    for await (const event of messageStream) if (event.type === 'message_delta') deltaCost = (event.usage as unknown as { cost: number }).cost;
    assert.equal(typeof deltaCost, 'number', 'message_delta carries usage.cost');
    assert.ok((await messageStream.finalMessage()).content.length > 0, 'the stream is whole');

    const translatedStream = await client.chat.completions.create({ model: 'claude/any-model', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let translatedCost: number | undefined;
    for await (const chunk of translatedStream) if (chunk.usage) translatedCost = (chunk.usage as unknown as { cost: number }).cost;
    assert.equal(typeof translatedCost, 'number', 'a translated stream carries the cost too');

    // A client that did not ask for the usage chunk gets the usage, and its cost, on the finish chunk.
    for (const model of [ask.model, 'claude/any-model']) {
      const unasked = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true });
      let finishCost: number | undefined;
      for await (const chunk of unasked) {
        if (!chunk.usage) continue;
        assert.equal(chunk.choices[0]?.finish_reason, 'stop', model);
        finishCost = (chunk.usage as unknown as { cost: number }).cost;
      }
      assert.equal(typeof finishCost, 'number', `${model}: the finish chunk carries usage.cost`);
    }
  });

  test('cached input and reasoning tokens are priced at the catalog\'s prices for them (o4-mini)', async () => {
    openaiLike.script.push({
      status: 200,
      body: {
        id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'o4-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10_000, completion_tokens: 3_000, total_tokens: 13_000, prompt_tokens_details: { cached_tokens: 8_000 }, completion_tokens_details: { reasoning_tokens: 2_500 } },
      },
    });
    const { key } = await stack.createKey();
    const response = await stack.call('/v1/chat/completions', key, { model: 'oai/o4-mini', messages: [{ role: 'user', content: 'think' }] });
    assert.equal(response.status, 200);
    // o4-mini: $1.10 input, $0.275 cached input, $4.40 output per 1M; reasoning is billed as output.
    const usd = (2_000 * 1.1 + 8_000 * 0.275 + 3_000 * 4.4) / 1_000_000;
    assert.equal(response.headers.get('x-modelmux-cost'), usd.toFixed(8));
    const rows = stack.rowsOf(response.headers.get('x-request-id')!);
    const request = rows.find((row) => row.kind === 'request')!;
    assert.deepEqual([request.inputTokens, request.cachedInputTokens, request.outputTokens, request.reasoningTokens, request.costUnits], [10_000, 8_000, 3_000, 2_500, toMicroCents(usd)]);
  });

  test('a whole answer that comes without its usage is billed by estimate, not free, relayed or translated', async () => {
    const content = 'x'.repeat(400);
    const bare = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'o4-mini', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] };
    const { key } = await stack.createKey();
    const chat = { model: 'oai/o4-mini', messages: [{ role: 'user', content: 'think' }] };
    const messages = { model: 'oai/o4-mini', max_tokens: 200, messages: [{ role: 'user', content: 'think' }] };
    for (const [path, body, answer] of [['/v1/chat/completions', chat, bare], ['/v1/messages', messages, bare], ['/v1/chat/completions', chat, { ...bare, usage: {} }]] as const) {
      openaiLike.script.push({ status: 200, body: answer });
      const response = await stack.call(path, key, body);
      assert.equal(response.status, 200, path);
      await response.text();
      const request = stack.rowsOf(response.headers.get('x-request-id')!).find((row) => row.kind === 'request')!;
      assert.equal(request.billed, true, path);
      assert.ok(request.inputTokens > 0 && request.outputTokens >= 100, `${path}: ${request.inputTokens} in, ${request.outputTokens} out`);
      assert.ok(request.costUnits > 0, path);
    }
  });

  test('embeddings that come without their usage are billed for their input by estimate, not free', async () => {
    const { key } = await stack.createKey();
    openaiLike.script.push({ status: 200, body: { object: 'list', model: 'embed', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }] } });
    const response = await stack.call('/v1/embeddings', key, { model: 'embed-model', input: 'a sentence of some eight words or so' });
    assert.equal(response.status, 200);
    await response.text();
    const request = stack.rowsOf(response.headers.get('x-request-id')!).find((row) => row.kind === 'request')!;
    assert.equal(request.billed, true);
    assert.ok(request.inputTokens > 0 && request.outputTokens === 0, `${request.inputTokens} in, ${request.outputTokens} out`);
    assert.ok(request.costUnits > 0);
  });

  test('cache reads and cache writes are priced apart (claude-haiku-4-5, Anthropic usage)', async () => {
    anthropicLike.script.push({
      status: 200,
      body: {
        id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-haiku-4-5-20251001', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null,
        usage: { input_tokens: 1_000, cache_read_input_tokens: 20_000, cache_creation_input_tokens: 4_000, output_tokens: 500 },
      },
    });
    const { key } = await stack.createKey();
    const response = await stack.call('/v1/chat/completions', key, { model: 'ant/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], max_tokens: 600 });
    assert.equal(response.status, 200);
    const offer = stack.gateway.catalog.find('claude-haiku-4-5')!.offers.find((candidate) => candidate.provider.id === 'ant')!;
    const prices = offer.prices!;
    const usd = (1_000 * prices.input + 20_000 * prices.cachedInput! + 4_000 * prices.cacheWrite! + 500 * prices.output) / 1_000_000;
    assert.ok(prices.cacheWrite! > prices.input && prices.cachedInput! < prices.input, 'the catalog prices writes above and reads below input');
    assert.equal(response.headers.get('x-modelmux-cost'), usd.toFixed(8));
  });

  test('over a hard budget: 402 with the limit, the spend and the reset time; $0 lets nothing through', async () => {
    const zero = await stack.createKey({ budget: { limit_usd: 0, period: 'day' } });
    const refused = await stack.call('/v1/chat/completions', zero.key, ask);
    assert.equal(refused.status, 402);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'budget_exceeded');
    assert.match(body.error.message, /limit is \$0\.00 per day, \$0\.00 is spent/);
    assert.match(body.error.message, /resets at \d{4}-\d{2}-\d{2}T00:00:00\.000Z/);
    assert.equal(refused.headers.get('x-modelmux-budget-limit'), '0.00000000');
    assert.ok(refused.headers.get('x-modelmux-budget-reset'));

    // Room for one call of pricey-model, not two: at $1000 per 1M tokens, the body's ~80 bytes and 10
    // output tokens reserve about $0.09; the call spends $0.011 (1 prompt token, 10 output).
    const small = await stack.createKey({ budget: { limit_usd: 0.095, period: 'month' } });
    const call = () => stack.call('/v1/chat/completions', small.key, { model: 'pricey-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 }, { 'x-sim-output-tokens': '10' });
    assert.equal((await call()).status, 200);
    const second = await call();
    assert.equal(second.status, 402);
    assert.match(((await second.json()) as { error: { message: string } }).error.message, /limit is \$0\.095000 per month, \$0\.0\d+ is spent/);
  });

  test('the worst case counts every answer asked for (n) and the prompt at no less than its size in bytes', async () => {
    const { key } = await stack.createKey({ budget: { limit_usd: 0.3, period: 'day' } });
    const ask = (body: Record<string, unknown>) => stack.call('/v1/chat/completions', key, { model: 'pricey-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 100, ...body }, { 'x-sim-output-tokens': '1' });
    // $1000 per 1M tokens: ~80 bytes + 100 output tokens reserve ~$0.18; four answers ~$0.48.
    assert.equal((await ask({})).status, 200);
    const four = await ask({ n: 4 });
    assert.equal(four.status, 402);
    assert.match(((await four.json()) as { error: { message: string } }).error.message, /may cost up to \$0\.4\d+/);
    // A long prompt in a script of few characters per token is reserved by its bytes, not its characters.
    const wide = await ask({ messages: [{ role: 'user', content: '漢'.repeat(60) }] });
    assert.equal(wide.status, 402, 'about 260 bytes of prompt + 100 output tokens are over what is left');
  });

  test('reasoning translated to Anthropic reserves the thinking budget it adds to max_tokens', async () => {
    const { key } = await stack.createKey({ budget: { limit_usd: 0.05, period: 'day' } });
    // claude-haiku-4-5 at $5 per 1M output tokens; xhigh is a 32,768-token budget, added to max_tokens 100.
    const thinking = await stack.call('/v1/chat/completions', key, { model: 'ant/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], max_tokens: 100, reasoning_effort: 'xhigh' });
    assert.equal(thinking.status, 402);
    assert.match(((await thinking.json()) as { error: { message: string } }).error.message, /may cost up to \$0\.164\d+/);
    // A request without max_tokens is sent to Anthropic with 4,096, whatever the model's own limit.
    const { key: richer } = await stack.createKey({ budget: { limit_usd: 4, period: 'day' } });
    const unbounded = await stack.call('/v1/chat/completions', richer, { model: 'short-claude', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(unbounded.status, 402);
    assert.match(((await unbounded.json()) as { error: { message: string } }).error.message, /may cost up to \$4\.1\d+/);
    // Where max_tokens bound the reasoning (an OpenAI-compatible provider), they are what is reserved.
    const bounded = await stack.call('/v1/chat/completions', key, { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10, reasoning_effort: 'xhigh' }, { 'x-sim-output-tokens': '1' });
    assert.equal(bounded.status, 200);
    await bounded.text();
  });

  test('a document named by URL or file id reserves the whole context window: its size is not in the body', async () => {
    const { key } = await stack.createKey({ budget: { limit_usd: 0.0005, period: 'day' } });
    const ask = (part: Record<string, unknown>) => stack.call('/v1/chat/completions', key, { model: 'test-model', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise this.' }, part] }] });
    // test-model: an 8,192-token window at $0.10 per 1M input tokens, so about $0.00082 for a full one.
    const text = await ask({ type: 'text', text: 'It is short.' });
    assert.equal(text.status, 200);
    await text.text();
    const named = await ask({ type: 'file', file: { file_id: 'file-abc' } });
    assert.equal(named.status, 402);
    assert.match(((await named.json()) as { error: { message: string } }).error.message, /may cost up to \$0\.0008\d+/);
  });

  test('credits are spent down and refuse once short; a soft budget warns instead of refusing', async () => {
    const prepaid = await stack.createKey({ credits_usd: 0.095 });
    const call = (key: string) => stack.call('/v1/chat/completions', key, { model: 'pricey-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 }, { 'x-sim-output-tokens': '10' });
    const first = await call(prepaid.key);
    assert.equal(first.status, 200);
    const left = (await stack.admin('GET', `/admin/keys/${prepaid.id}`)).body.credits_usd as number;
    assert.equal(toMicroCents(left), toMicroCents(0.095) - toMicroCents(Number(first.headers.get('x-modelmux-cost'))));
    const short = await call(prepaid.key);
    assert.equal(short.status, 402);
    assert.equal(((await short.json()) as { error: { code: string } }).error.code, 'insufficient_credits');

    const soft = await stack.createKey({ budget: { limit_usd: 0.01, period: 'month', hard: false } });
    const over = await call(soft.key);
    assert.equal(over.status, 200);
    assert.match(over.headers.get('x-modelmux-budget-warning') ?? '', /soft budget/);
  });

  test('200 concurrent requests against a budget for 50 spend no more than the budget', async () => {
    const probe = await stack.createKey();
    const request = { model: 'pricey-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 };
    const knobs = { 'x-sim-output-tokens': '10' };
    const one = await stack.call('/v1/chat/completions', probe.key, request, knobs);
    const unit = toMicroCents(Number(one.headers.get('x-modelmux-cost')));
    const { id, key } = await stack.createKey({ budget: { limit_usd: (unit * 50) / 1e8, period: 'total' } });
    const statuses = await Promise.all(Array.from({ length: 200 }, () => stack.call('/v1/chat/completions', key, request, knobs).then(async (response) => (await response.arrayBuffer(), response.status))));
    const served = statuses.filter((status) => status === 200).length;
    assert.equal(statuses.filter((status) => status !== 200 && status !== 402).length, 0, 'every refusal is a 402');
    assert.ok(served >= 1 && served <= 50, `${served} served`);
    const spend = (await stack.admin('GET', `/admin/keys/${id}`)).body.spend as { spent_usd: number; reserved_usd: number };
    assert.ok(toMicroCents(spend.spent_usd) <= unit * 50, 'never over the budget');
    assert.equal(toMicroCents(spend.spent_usd), unit * served, 'each served request paid exactly its cost');
    assert.equal(spend.reserved_usd, 0, 'every reservation was released');
  });

  test('a failed attempt is a row of its own, unbilled; the request row carries the cost of the one that answered', async () => {
    openaiLike.script.push({ status: 500 }, {
      status: 200,
      body: { id: 'chatcmpl-2', object: 'chat.completion', created: 1, model: 'o4-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 } },
    });
    const { key } = await stack.createKey();
    const response = await stack.call('/v1/chat/completions', key, { model: 'oai/o4-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-modelmux-attempts'), '2');
    const rows = stack.rowsOf(response.headers.get('x-request-id')!);
    const paid = toMicroCents((100 * 1.1 + 50 * 4.4) / 1_000_000);
    assert.deepEqual(rows.map((row) => [row.kind, row.attempt, row.status, row.errorClass, row.billed, row.costUnits]), [
      ['attempt', 1, 500, 'upstream_500', false, 0],
      ['attempt', 2, 200, null, true, paid],
      ['request', 2, 200, null, true, paid],
    ]);
  });

  test('when every attempt fails, each has its row and the request row says why', async () => {
    const { key } = await stack.createKey();
    const response = await stack.call('/v1/chat/completions', key, { ...ask, models: ['pricey-model'] }, { 'x-sim-fault': '500' });
    assert.equal(response.status, 500);
    const rows = stack.rowsOf(response.headers.get('x-request-id')!);
    const request = rows.at(-1)!;
    assert.equal(request.kind, 'request');
    assert.equal(request.attempt, rows.length - 1);
    assert.deepEqual([request.status, request.errorClass, request.billed, request.costUnits], [500, 'upstream_500', false, 0]);
    assert.ok(rows.slice(0, -1).every((row) => row.kind === 'attempt' && row.status === 500 && !row.billed));
    assert.deepEqual(new Set(rows.slice(0, -1).map((row) => row.model)), new Set(['test-model', 'pricey-model']));
  });

  test('bring your own key: where a provider allows it, the caller\'s key is used, and the call costs the caller nothing here', async () => {
    const { key } = await stack.createKey();
    const answer = () => ({ status: 200, body: { id: 'chatcmpl-3', object: 'chat.completion', created: 1, model: 'o4-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 } } });
    openaiLike.script.push(answer());
    const own = 'sk-caller-own-openai-key-0123456789';
    const response = await stack.call('/v1/chat/completions', key, { model: 'oai/o4-mini', messages: [{ role: 'user', content: 'hi' }] }, { 'x-modelmux-key-oai': own });
    assert.equal(response.status, 200);
    assert.equal(openaiLike.headers.at(-1)!.authorization, `Bearer ${own}`);
    assert.equal(response.headers.get('x-modelmux-cost'), '0.00000000');
    const request = stack.rowsOf(response.headers.get('x-request-id')!).find((row) => row.kind === 'request')!;
    assert.deepEqual([request.inputTokens, request.outputTokens, request.costUnits], [100, 50, 0], 'tokens kept, no charge');

    openaiLike.script.push(answer());
    assert.equal((await stack.call('/v1/chat/completions', key, { model: 'oai/o4-mini', messages: [{ role: 'user', content: 'hi' }] })).status, 200);
    assert.equal(openaiLike.headers.at(-1)!.authorization, `Bearer ${providerKey}`, 'without one, the configured key');

    anthropicLike.script.push({ status: 200, body: { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-haiku-4-5-20251001', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 5 } } });
    assert.equal((await stack.call('/v1/chat/completions', key, { model: 'ant/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 }, { 'x-modelmux-key-ant': own })).status, 200);
    const seen = anthropicLike.headers.at(-1)!;
    assert.equal(seen['x-api-key'], providerKey, 'a provider without client_keys keeps its own key');
    assert.equal(JSON.stringify(seen).includes(own), false, 'and never sees the caller\'s key');
  });

  test('a stream the client abandons is billed for the tokens it produced', async () => {
    const { key } = await stack.createKey();
    const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'pricey-model', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: controller.signal, headers: { 'x-sim-output-tokens': '400', 'x-sim-tokens-per-second': '1000' } }).withResponse();
    const requestId = stream.response.headers.get('x-request-id')!;
    let received = 0;
    try {
      for await (const chunk of stream.data) {
        if (chunk.choices[0]?.delta?.content) received++;
        if (received === 10) {
          controller.abort();
          break;
        }
      }
    } catch {
      // The SDK reports the abort.
    }
    // A chunk the SDK had already read may still come out of the loop after the abort.
    assert.ok(received >= 10 && received < 400, `${received} chunks read`);
    const requestRow = () => stack.rowsOf(requestId).find((row) => row.kind === 'request');
    await until(() => requestRow() !== undefined, 'the abandoned request\'s row');
    const request = requestRow();
    assert.ok(request, 'the abandoned request has its row');
    assert.equal(request.status, 499);
    assert.equal(request.billed, true);
    assert.ok(request.outputTokens >= received && request.outputTokens < 400, `${request.outputTokens} tokens billed`);
    assert.ok(request.costUnits > 0);
  });
});
