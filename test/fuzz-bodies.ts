// Request bodies for the fuzz test: each endpoint's valid-looking body, then bent by a few mutations.
// Model names come mostly from what the simulator serves, so most requests reach a provider (and
// the streaming paths); the rest are garbage.
import fc from 'fast-check';
import { mutate, mutation, objectOf, oddKey, oddText, oddValue } from './fuzz-values.ts';

/** Models the fuzz gateway serves: the simulator behind every wire format (see stack.ts). */
export const servedModels = [
  'test-model',
  'echo-model',
  'sim/fast',
  'sim/echo',
  'chat/gpt-x',
  'claude/sonnet',
  'google/gem',
  'aws/nova',
  'responses/resp',
  'gpt-4.1-mini',
  'claude-haiku-4-5',
  'gemini-2.5-flash',
] as const;

export const providerIds = ['sim', 'chat', 'claude', 'google', 'aws', 'responses'] as const;

const oddModel = fc.oneof(
  fc.tuple(fc.constantFrom('sim/', 'chat/', 'claude/', 'google/', 'aws/', 'responses/', '', 'nope/'), oddText).map(([prefix, name]) => prefix + name),
  fc.constantFrom('@preset/coding', 'test-model@preset/coding', '@preset/none', 'test-model@preset/', 'fusion', 'fusion/nope', '', ' ', 'x'.repeat(257), 'sim/', '/'),
);

export const modelName: fc.Arbitrary<string> = fc.oneof({ arbitrary: fc.constantFrom(...servedModels), weight: 3 }, { arbitrary: oddModel, weight: 1 });

const text = fc.oneof({ arbitrary: fc.constantFrom('Say hello to the gateway', 'hi', 'What is 2+2?'), weight: 4 }, { arbitrary: oddText, weight: 1 });

const chatMessage = fc.oneof(
  { arbitrary: text.map((content) => ({ role: 'user', content })), weight: 6 },
  { arbitrary: fc.record({ role: fc.constantFrom('system', 'assistant', 'developer', 'tool', 'user', 'robot'), content: fc.oneof(text, fc.array(text.map((part) => ({ type: 'text', text: part })), { maxLength: 2 })) }), weight: 2 },
);
const chatMessages = fc.array(chatMessage, { minLength: 1, maxLength: 3 });

const anthropicMessages = fc.oneof(
  { arbitrary: text.map((content) => [{ role: 'user', content }]), weight: 4 },
  { arbitrary: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.oneof(text, fc.array(text.map((part) => ({ type: 'text', text: part })), { minLength: 1, maxLength: 2 })) }), { minLength: 1, maxLength: 3 }), weight: 1 },
);

/** OpenRouter's `provider` object, with keys nobody expects beside the known ones. */
export const providerPreferences: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record(
      {
        order: fc.array(fc.constantFrom(...providerIds, 'openai', 'anthropic', 'nope'), { maxLength: 3 }),
        only: fc.array(fc.constantFrom(...providerIds), { maxLength: 2 }),
        ignore: fc.array(fc.constantFrom(...providerIds), { maxLength: 2 }),
        sort: fc.constantFrom<unknown>('price', 'throughput', 'latency', { by: 'price' }),
        allow_fallbacks: fc.boolean(),
        max_price: fc.record({ prompt: fc.double({ min: 0, max: 100, noNaN: true }), completion: fc.double({ min: 0, max: 100, noNaN: true }) }, { requiredKeys: [] }),
        require_parameters: fc.boolean(),
        data_collection: fc.constantFrom('allow', 'deny'),
      },
      { requiredKeys: [] },
    ),
    fc.array(fc.tuple(oddKey, oddValue), { maxLength: 2 }),
  )
  .map(([known, odd]) => objectOf([...Object.entries(known), ...odd]));

const tool = fc.constantFrom(
  { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
  { type: 'function', function: { name: '😀', parameters: {} } },
);

/** `model: "fusion"` with its `fusion` object, on any of the three inference surfaces. */
const fusion = fc.record(
  {
    pool: fc.uniqueArray(fc.constantFrom(...servedModels), { minLength: 1, maxLength: 3 }),
    judge: fc.constantFrom(...servedModels),
    mode: fc.constantFrom('best-of', 'merge', 'debate'),
    rounds: fc.integer({ min: 0, max: 4 }),
    min_responses: fc.integer({ min: 1, max: 3 }),
    progress: fc.boolean(),
  },
  { requiredKeys: ['pool', 'judge'] },
);

const stream = fc.constantFrom(true, true, false);
const common = { models: fc.array(modelName, { maxLength: 2 }), metadata: fc.constant({ user: 'fuzz' }) };

const chatBody = fc.record(
  {
    model: modelName,
    messages: chatMessages,
    stream,
    max_tokens: fc.integer({ min: 1, max: 64 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    stream_options: fc.constant({ include_usage: true }),
    tools: fc.array(tool, { minLength: 1, maxLength: 2 }),
    response_format: fc.constantFrom({ type: 'json_object' }, { type: 'text' }),
    n: fc.integer({ min: 1, max: 3 }),
    ...common,
  },
  { requiredKeys: ['model', 'messages', 'stream'] },
);

const responsesBody = fc.record(
  {
    model: modelName,
    input: fc.oneof(text, chatMessages, fc.constant([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }])),
    stream,
    max_output_tokens: fc.integer({ min: 1, max: 64 }),
    instructions: text,
    reasoning: fc.constant({ effort: 'low' }),
    previous_response_id: fc.constantFrom('resp_missing', ''),
    ...common,
  },
  { requiredKeys: ['model', 'input', 'stream'] },
);

const messagesBody = fc.record(
  {
    model: modelName,
    max_tokens: fc.integer({ min: 1, max: 64 }),
    messages: anthropicMessages,
    stream,
    system: fc.oneof(text, fc.constant([{ type: 'text', text: 'Be brief.' }])),
    tools: fc.constant([{ name: 'get_weather', input_schema: { type: 'object' } }]),
    thinking: fc.constant({ type: 'enabled', budget_tokens: 1024 }),
    ...common,
  },
  { requiredKeys: ['model', 'max_tokens', 'messages', 'stream'] },
);

const countTokensBody = fc.record(
  { model: modelName, messages: anthropicMessages, system: text, tools: fc.constant([{ name: 'get_weather', input_schema: { type: 'object' } }]) },
  { requiredKeys: ['model', 'messages'] },
);

const embeddingsBody = fc.record(
  {
    model: modelName,
    input: fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }), fc.constant([[1, 2, 3]])),
    encoding_format: fc.constantFrom('float', 'base64'),
    dimensions: fc.integer({ min: 1, max: 64 }),
  },
  { requiredKeys: ['model', 'input'] },
);

const compareBody = fc.record(
  {
    models: fc.uniqueArray(modelName, { minLength: 2, maxLength: 3 }),
    prompt: text,
    panel: fc.constantFrom<unknown>('none', 'none', 'default', [{ name: 'builder', rubric: 'Does it work?' }]),
    judge: modelName,
    name: text,
    max_tokens: fc.integer({ min: 1, max: 64 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    timeout_ms: fc.integer({ min: 1_000, max: 5_000 }),
  },
  { requiredKeys: ['models', 'prompt', 'panel'] },
);

const validDate = fc.constantFrom('2027-01-01T00:00:00Z', '2099-12-31', 4102444800000);
const oddDate = fc.constantFrom<unknown>(1e308, 9000000000000000, 8640000000000001, -8640000000000001, '+275760-09-13T00:00:00.001Z', '+275760-09-13T00:00:00.000Z', '2026-13-45', -1, 0);

const keyFields = fc.record(
  {
    name: text,
    team: fc.constantFrom('blue', 'red', '😀'),
    allowed_models: fc.array(fc.constantFrom(...servedModels, 'sim/*', '*'), { maxLength: 3 }),
    budget: fc.record({ limit_usd: fc.constantFrom(0, 5, 1e7), period: fc.constantFrom('day', 'month', 'total'), hard: fc.boolean() }, { requiredKeys: ['limit_usd'] }),
    credits_usd: fc.constantFrom(0, 10),
    requests_per_minute: fc.integer({ min: 0, max: 1_000 }),
    tokens_per_minute: fc.integer({ min: 0, max: 1_000_000 }),
    expires_at: fc.oneof(validDate, oddDate),
    expires_in: fc.constantFrom('12h', '30d', '999999d', '0s'),
    metadata: fc.constant({ owner: 'fuzz' }),
    commercial_use: fc.boolean(),
  },
  { requiredKeys: [] },
);

const voteBody = fc.record({ winner: fc.oneof(fc.constantFrom(...servedModels, 'tie'), oddText), voter: text, note: text }, { requiredKeys: ['winner'] });

/** A base body with routing preferences now and then (they narrow the route, so most requests go
 * without), bent by up to three mutations (none, about half the time). */
function bent(base: fc.Arbitrary<Record<string, unknown>>, routed = true): fc.Arbitrary<unknown> {
  const provider = routed ? fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: providerPreferences, weight: 1 }) : fc.constant(null);
  const mutations = fc.oneof(fc.constant([]), fc.array(mutation, { minLength: 1, maxLength: 3 }));
  return fc.tuple(base, provider, mutations).map(([body, preferences, changes]) => mutate(preferences === null ? body : { ...body, provider: preferences }, changes));
}

/** Chat, Responses and Messages bodies: mostly a plain request, sometimes a fusion. */
function inference(base: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  const withFusion = fc.tuple(base, fusion).map(([body, spec]) => ({ ...body, model: 'fusion', fusion: spec }));
  return bent(fc.oneof({ arbitrary: base, weight: 7 }, { arbitrary: withFusion, weight: 1 }));
}

export const bodies = {
  chat: inference(chatBody),
  responses: inference(responsesBody),
  messages: inference(messagesBody),
  countTokens: bent(countTokensBody),
  embeddings: bent(embeddingsBody),
  compare: bent(compareBody),
  keyFields: bent(keyFields, false),
  vote: bent(voteBody, false),
};
