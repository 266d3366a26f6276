// Choosing a provider: price and speed ordering, pinning, the OpenRouter `provider` object, every
// filter (context window, tools, images, licence, data policy, price cap), fallback models,
// stickiness, and the dry run that explains it all. Providers are the simulator behind several ids.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProviderConfig } from '../src/config/types.ts';
import { run as routeCommand } from '../src/cli/route.ts';
import { captureCli } from './cli-capture.ts';
import { hello, provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';
import { defaultTimeouts } from '../src/config/types.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

async function chat(stack: Stack, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ messages: hello, ...body }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

async function route(stack: Stack, query: string, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const response = await fetch(`${stack.baseUrl}/v1/route?${query}`, { headers });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Record<string, any>;
}

function simulated(id: string, simulatorUrl: string, model: Record<string, unknown>, headers: Record<string, string> = {}): ProviderConfig {
  const config = provider(id, `${simulatorUrl}/v1`, defaultTimeouts, [{ id: 'shared', upstream: 'shared-upstream', ...model }]);
  config.headers = { ...config.headers, ...headers };
  return config;
}

describe('choosing a provider', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      extraProviders: (url) => [
        simulated('alpha', url, { inputPrice: 1, outputPrice: 2, contextWindow: 8192 }),
        simulated('beta', url, { inputPrice: 0.2, outputPrice: 0.4, contextWindow: 200_000, capabilities: { tools: false, vision: false } }),
        simulated('gamma', url, { inputPrice: 3, outputPrice: 3, contextWindow: 1_000_000, license: { name: 'cc-by-nc-4.0', commercial: false } }, { 'x-sim-ttft-ms': '100', 'x-sim-tokens-per-second': '40' }),
      ],
    });
  });
  after(() => stack.close());

  test(':cheapest takes the lowest price, and every answer says where it went', async () => {
    const answer = await chat(stack, { model: 'shared:cheapest' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-modelmux-provider'), 'beta');
    assert.equal(answer.headers.get('x-modelmux-model'), 'shared');
    assert.equal(answer.headers.get('x-modelmux-attempts'), '1');
    assert.match(answer.headers.get('x-modelmux-route-id') ?? '', /^route-/);
  });

  test('the provider object sorts by price and honours order, only, ignore and allow_fallbacks', async () => {
    assert.equal((await chat(stack, { model: 'shared', provider: { sort: 'price' } })).headers.get('x-modelmux-provider'), 'beta');
    assert.equal((await chat(stack, { model: 'shared', provider: { order: ['gamma', 'alpha'] } })).headers.get('x-modelmux-provider'), 'gamma');
    assert.equal((await chat(stack, { model: 'shared', provider: { only: ['alpha'] } })).headers.get('x-modelmux-provider'), 'alpha');
    assert.equal((await chat(stack, { model: 'shared', provider: { ignore: ['beta', 'gamma'] } })).headers.get('x-modelmux-provider'), 'alpha');
    const plan = await route(stack, 'model=shared&order=alpha&allow_fallbacks=false');
    assert.deepEqual(plan.candidates.map((candidate: { provider: string }) => candidate.provider), ['alpha']);
    assert.ok(plan.excluded.every((exclusion: { reason: string }) => /allow_fallbacks is false/.test(exclusion.reason)));
  });

  test('a suffix or a provider prefix pins the provider', async () => {
    assert.equal((await chat(stack, { model: 'shared:gamma' })).headers.get('x-modelmux-provider'), 'gamma');
    assert.equal((await chat(stack, { model: 'alpha/shared' })).headers.get('x-modelmux-provider'), 'alpha');
  });

  test('a bad provider object is the client\'s mistake, in its own words', async () => {
    const answer = await chat(stack, { model: 'shared', provider: { sort: 'vibes' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.param, 'provider.sort');
    const unknownField = await chat(stack, { model: 'shared', provider: { quantizations: ['fp8'], sort: 'price' } });
    assert.equal(unknownField.status, 200);
    assert.match(unknownField.headers.get('x-modelmux-dropped-params') ?? '', /provider\.quantizations/);
  });

  test('max_price leaves out providers above it, with the reason', async () => {
    const plan = await route(stack, 'model=shared&max_price_prompt=0.5');
    assert.deepEqual(plan.candidates.map((candidate: { provider: string }) => candidate.provider), ['beta']);
    assert.ok(plan.excluded.some((exclusion: { provider: string; reason: string }) => exclusion.provider === 'alpha' && /max_price\.prompt/.test(exclusion.reason)));
  });

  test('a prompt that does not fit a context window never reaches that provider', async () => {
    // ~50k tokens: too big for alpha (8k), fits beta and gamma.
    const big = 'lorem ipsum '.repeat(17_000);
    const answer = await chat(stack, { model: 'shared', messages: [{ role: 'user', content: big }], provider: { order: ['alpha', 'beta', 'gamma'] } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-modelmux-provider'), 'beta');
    const million = await route(stack, 'model=shared&prompt_tokens=900000&max_tokens=1000');
    assert.deepEqual(million.candidates.map((candidate: { provider: string }) => candidate.provider), ['gamma']);
    assert.ok(million.excluded.some((exclusion: { reason: string }) => /does not fit its context window of 8192/.test(exclusion.reason)));
  });

  test('tools and images go only where they work', async () => {
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const withTools = await chat(stack, { model: 'shared:cheapest', tools });
    assert.equal(withTools.headers.get('x-modelmux-provider'), 'alpha', 'beta is cheaper but has no tools');
    const image = [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }];
    const withImage = await chat(stack, { model: 'shared:cheapest', messages: image });
    assert.equal(withImage.headers.get('x-modelmux-provider'), 'alpha');
    const plan = await route(stack, 'model=shared&tools=true&vision=true');
    assert.ok(plan.excluded.some((exclusion: { provider: string; reason: string }) => exclusion.provider === 'beta' && /tool calling/.test(exclusion.reason)));
  });

  test('a caller marked commercial never reaches a model whose licence forbids it, and is told why', async () => {
    const answer = await chat(stack, { model: 'shared:gamma' }, { 'x-modelmux-commercial-use': 'true' });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'no_eligible_provider');
    assert.match(answer.body.error.message, /cc-by-nc-4\.0\) does not allow commercial use/);
  });

  test('data_collection deny keeps to providers known not to train on data', async () => {
    const plan = await route(stack, 'model=shared&data_collection=deny');
    assert.equal(plan.candidates.length, 0);
    assert.ok(plan.excluded.every((exclusion: { reason: string }) => /data policy is unknown/.test(exclusion.reason)));
  });

  test('"fastest" is measured: once figures exist, the quick provider leads', async () => {
    // Gamma starts 100 ms late and streams 40 tokens a second; alpha, the simulator at full speed,
    // answers in one burst (its figure is then taken over the whole attempt, or over the time
    // between its pieces when the burst comes in two). The margins are wide (an alpha answer would
    // have to take about as long as gamma's, hundreds of ms, to lose) because a shard is busy.
    for (let index = 0; index < 2; index++) {
      for (const pinned of ['alpha', 'gamma']) {
        const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: `shared:${pinned}`, messages: hello, stream: true }),
        });
        await response.text();
      }
    }
    const plan = await route(stack, 'model=shared&only=alpha,gamma');
    assert.equal(plan.policy.sort, 'throughput');
    assert.equal(plan.candidates[0].provider, 'alpha');
    const gamma = plan.candidates.find((candidate: { provider: string }) => candidate.provider === 'gamma');
    assert.ok(gamma.measured && gamma.ttft_ms >= 30, `gamma's time to first token is measured (${gamma.ttft_ms} ms)`);
    const latency = await route(stack, 'model=shared&only=alpha,gamma&sort=latency');
    assert.equal(latency.candidates[0].provider, 'alpha');
  });

  test('fallback models are tried after the model\'s own providers', async () => {
    const answer = await chat(stack, { model: 'no-such-model', models: ['shared'], provider: { only: ['alpha'] } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-modelmux-model'), 'shared');
    const plan = await route(stack, 'model=test-model&models=shared&ignore=beta,gamma');
    assert.deepEqual(plan.candidates.map((candidate: { model: string }) => candidate.model), ['test-model', 'shared']);
  });

  test('GET /v1/models lists each model once with every provider offer', async () => {
    const models = (await (await fetch(`${stack.baseUrl}/v1/models`)).json()) as { data: { id: string; modelmux: { providers: { provider: string; input_price: number }[] } }[] };
    const shared = models.data.find((model) => model.id === 'shared');
    assert.deepEqual(shared?.modelmux.providers.map((offer) => offer.provider), ['alpha', 'beta', 'gamma']);
    assert.equal(shared?.modelmux.providers[1].input_price, 0.2);
  });
});

describe('sticky routing', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      // Cheapest by default, so that without stickiness `one` always leads.
      routing: { sort: 'price' },
      extraProviders: (url) => [simulated('one', url, { inputPrice: 0.5, outputPrice: 0.5 }), simulated('two', url, { inputPrice: 1, outputPrice: 1 })],
    });
  });
  after(() => stack.close());

  test('a conversation stays on the provider that holds its cache, by session id or by prompt prefix', async () => {
    const explicit = await chat(stack, { model: 'shared:cheapest' }, { 'x-session-id': 'session-a' });
    assert.equal(explicit.headers.get('x-modelmux-provider'), 'one');
    const first = await chat(stack, { model: 'shared', provider: { ignore: ['one'] } }, { 'x-session-id': 'session-a' });
    assert.equal(first.headers.get('x-modelmux-provider'), 'two');
    // Without the session, the cheaper `one` leads; an explicit sort is the client's choice, stickiness aside.
    assert.equal((await chat(stack, { model: 'shared' }, { 'x-session-id': 'session-b' })).headers.get('x-modelmux-provider'), 'one');
    assert.equal((await chat(stack, { model: 'shared' }, { 'x-session-id': 'session-a' })).headers.get('x-modelmux-provider'), 'two');
    assert.equal((await route(stack, 'model=shared:cheapest&session=session-a')).candidates[0].provider, 'one');

    const opening = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Plan a trip' }];
    const turnOne = await chat(stack, { model: 'shared', messages: opening, provider: { ignore: ['one'] } }, { authorization: 'Bearer caller-1' });
    assert.equal(turnOne.headers.get('x-modelmux-provider'), 'two');
    const turnTwo = await chat(stack, { model: 'shared', messages: [...opening, { role: 'assistant', content: 'Where to?' }, { role: 'user', content: 'Lisbon' }] }, { authorization: 'Bearer caller-1' });
    assert.equal(turnTwo.headers.get('x-modelmux-provider'), 'two');
    const otherCaller = await chat(stack, { model: 'shared', messages: opening }, { authorization: 'Bearer caller-2' });
    assert.equal(otherCaller.headers.get('x-modelmux-provider'), 'one');
  });

  test('the dry run marks the sticky candidate', async () => {
    const plan = await route(stack, 'model=shared&session=session-a');
    assert.equal(plan.candidates[0].provider, 'two');
    assert.equal(plan.candidates[0].sticky, true);
  });

  test('the dry run finds the sticky candidate of a caller that sends a key, as its requests do', async () => {
    const caller = { authorization: 'Bearer sk-some-client-key' };
    const served = await chat(stack, { model: 'shared', provider: { ignore: ['one'] } }, { ...caller, 'x-session-id': 'session-keyed' });
    assert.equal(served.headers.get('x-modelmux-provider'), 'two');
    const plan = await route(stack, 'model=shared&session=session-keyed', caller);
    assert.equal(plan.candidates[0].provider, 'two');
    assert.equal(plan.candidates[0].sticky, true);
    const byHeader = await route(stack, 'model=shared', { ...caller, 'x-session-id': 'session-keyed' });
    assert.equal(byHeader.candidates[0].sticky, true);
    // Another caller's session of the same name is another conversation.
    const other = await route(stack, 'model=shared&session=session-keyed', { authorization: 'Bearer sk-another-key' });
    assert.equal(other.candidates[0].sticky, false);
    const cli = await captureCli(routeCommand, ['shared', '--url', stack.baseUrl, '--session', 'session-keyed', '--key', 'sk-some-client-key']);
    assert.match(cli.stdout, /1\s+two\s+.*sticky/);
  });
});

describe('presets and require_parameters', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      everyFormat: true,
      presets: [{ name: 'terse', description: null, model: 'test-model', models: [], provider: null, parameters: { temperature: 0.1, max_tokens: 64 }, instructions: 'Answer in one line.', builtin: false }],
    });
  });
  after(() => stack.close());

  const lastBody = (): Record<string, any> => stack.simulator.requests.at(-1)!.body as Record<string, any>;

  test('@preset/<name> routes to its model, fills parameters, and puts its instructions before the system prompt', async () => {
    const answer = await chat(stack, { model: '@preset/terse', messages: [{ role: 'system', content: 'Be kind.' }, ...hello] });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-modelmux-model'), 'test-model');
    const sent = lastBody();
    assert.equal(sent.messages[0].content, 'Answer in one line.\n\nBe kind.');
    assert.equal(sent.temperature, 0.1);
    assert.equal(sent.max_tokens, 64);
    assert.equal(sent.provider, undefined, 'routing fields never reach a provider');
    assert.equal(sent.models, undefined);
  });

  test('<model>@preset/coding keeps the model and adds the coding instructions, on Messages too', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude/claude-x@preset/coding', max_tokens: 50, system: 'Repository: modelmux', messages: hello }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.match(lastBody().system, /^Apply these working rules to every coding task\.[\s\S]*\n\nRepository: modelmux$/);
  });

  test('a body `preset` keeps the model the client named and applies the preset\'s rules to it', async () => {
    const answer = await chat(stack, { model: 'echo-model', preset: 'terse' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-modelmux-model'), 'echo-model');
    const sent = lastBody();
    assert.equal(sent.model, 'echo');
    assert.equal(sent.messages[0].content, 'Answer in one line.');
    assert.equal(sent.temperature, 0.1);
    assert.equal(sent.preset, undefined, 'routing fields never reach a provider');
    // The built-in coding preset names no model of its own: its list is the fallbacks, after the client's.
    const coding = await chat(stack, { model: 'chat/cheap-x', preset: 'coding' });
    assert.equal(coding.status, 200);
    assert.equal(coding.headers.get('x-modelmux-model'), 'chat/cheap-x');
    assert.match(lastBody().messages[0].content, /^Apply these working rules/);
  });

  test('an unknown preset is a 404 in the caller\'s own format; GET /v1/presets lists them', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: '@preset/nope', max_tokens: 10, messages: hello }) });
    assert.equal(response.status, 404);
    const body = (await response.json()) as { type: string; error: { message: string } };
    assert.equal(body.type, 'error');
    assert.match(body.error.message, /no preset "nope".*coding, terse/);
    const presets = (await (await fetch(`${stack.baseUrl}/v1/presets`)).json()) as { data: { id: string; builtin: boolean }[] };
    assert.deepEqual(presets.data.map((preset) => [preset.id, preset.builtin]), [['coding', true], ['terse', false]]);
  });

  test('require_parameters leaves out a provider that would drop one of the request\'s parameters', async () => {
    // Gemini cannot take `logit_bias`; the Chat-speaking provider can.
    const request = { model: 'google/gemini-x', models: ['chat/gemini-x'], logit_bias: { '50256': -100 } };
    const plain = await chat(stack, { ...request, provider: { order: ['google', 'chat'] } });
    assert.equal(plain.headers.get('x-modelmux-provider'), 'google');
    assert.match(plain.headers.get('x-modelmux-dropped-params') ?? '', /logit_bias/);
    const strict = await chat(stack, { ...request, provider: { require_parameters: true, order: ['google', 'chat'] } });
    assert.equal(strict.status, 200);
    assert.equal(strict.headers.get('x-modelmux-provider'), 'chat');
  });

  test('require_parameters counts what a relayed Chat provider is not sent of the reasoning object', async () => {
    // A Chat provider other than OpenRouter takes an effort, not a budget; Gemini takes the budget.
    const request = { model: 'chat/gemini-x', models: ['google/gemini-x'], reasoning: { effort: 'low', max_tokens: 2000 } };
    const plain = await chat(stack, { ...request, provider: { order: ['chat', 'google'] } });
    assert.equal(plain.headers.get('x-modelmux-provider'), 'chat');
    assert.equal(plain.headers.get('x-modelmux-dropped-params'), 'reasoning.max_tokens');
    const strict = await chat(stack, { ...request, provider: { require_parameters: true, order: ['chat', 'google'] } });
    assert.equal(strict.status, 200);
    assert.equal(strict.headers.get('x-modelmux-provider'), 'google');
  });
});
