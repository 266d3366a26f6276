// Chat Completions facts, read from raw bodies as a client sends them, malformed fields included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { openAIChatFacts as facts } from './facts.ts';

test('model and stream: the stream flag is a boolean, absent or null; anything else is the 400 it always was', () => {
  assert.equal(facts.model({ model: 'gpt-4.1' }), 'gpt-4.1');
  assert.equal(facts.model({ model: 7 }), 7, 'the caller checks the value');
  assert.equal(facts.stream({}), false);
  assert.equal(facts.stream({ stream: null }), false);
  assert.equal(facts.stream({ stream: true }), true);
  assert.throws(
    () => facts.stream({ stream: 'true' }),
    (error: unknown) => error instanceof GatewayError && error.status === 400 && error.message === '`stream` must be true or false' && error.param === 'stream' && error.code === 'invalid_request',
  );
});

test('max output tokens: max_completion_tokens before max_tokens; only a positive finite number is a limit', () => {
  assert.equal(facts.maxOutputTokens({ max_tokens: 100 }), 100);
  assert.equal(facts.maxOutputTokens({ max_completion_tokens: 50, max_tokens: 100 }), 50);
  assert.equal(facts.maxOutputTokens({ max_completion_tokens: null, max_tokens: 100 }), 100, 'null is not set');
  assert.equal(facts.maxOutputTokens({ max_completion_tokens: '50', max_tokens: 100 }), null, 'a set but malformed newer name hides the older one');
  for (const value of ['100', 0, -5, Number.NaN, Number.POSITIVE_INFINITY, null, true]) assert.equal(facts.maxOutputTokens({ max_tokens: value }), null, String(value));
  assert.equal(facts.maxOutputTokens({ max_output_tokens: 100 }), null, 'the Responses name is not Chat\'s');
});

test('choices: n when it is a whole number above 1', () => {
  assert.equal(facts.choices({}), 1);
  assert.equal(facts.choices({ n: 3 }), 3);
  for (const n of [1, 0, -2, 2.5, '3', null, Number.NaN]) assert.equal(facts.choices({ n }), 1, String(n));
});

test('stored context: Chat has none, whatever other formats\' fields the body carries', () => {
  assert.equal(facts.usesStoredContext({ messages: [], previous_response_id: 'resp_1', conversation: 'conv_1', prompt: { id: 'p' } }), false);
});

test('prompt parts: the messages and the tools, and no field of another format', () => {
  const messages = [{ role: 'user', content: 'Hi' }];
  assert.deepEqual(facts.promptParts({ messages, tools: [], system: 'not Chat\'s', input: 'not Chat\'s', model: 'm' }), { messages, tools: [] });
});

test('tools: a non-empty tools list, or the older functions list', () => {
  assert.equal(facts.usesTools({ tools: [{ type: 'function', function: { name: 'f' } }] }), true);
  assert.equal(facts.usesTools({ functions: [{ name: 'f' }] }), true);
  assert.equal(facts.usesTools({ tools: [] }), false);
  assert.equal(facts.usesTools({ tools: { type: 'function' } }), false, 'not a list');
  assert.equal(facts.usesTools({}), false);
});

test('images: an image_url part in any message', () => {
  const image = { type: 'image_url', image_url: { url: 'https://example.com/a.png' } };
  assert.equal(facts.hasImages({ messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, image] }] }), true);
  assert.equal(facts.hasImages({ messages: [{ role: 'system', content: 'a' }, { role: 'user', content: [{ type: 'text', text: 'no image' }] }] }), false);
  assert.equal(facts.hasImages({ messages: [null, 'text', { role: 'user' }] }), false, 'malformed messages are no images');
  assert.equal(facts.hasImages({ messages: 'not a list' }), false);
  assert.equal(facts.hasImages({ input: [{ content: [{ type: 'input_image' }] }] }), false, 'only messages are read');
});

test('JSON schema: response_format of type json_schema', () => {
  assert.equal(facts.wantsJsonSchema({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }), true);
  assert.equal(facts.wantsJsonSchema({ response_format: { type: 'json_object' } }), false);
  assert.equal(facts.wantsJsonSchema({ response_format: 'json_schema' }), false);
  assert.equal(facts.wantsJsonSchema({ text: { format: { type: 'json_schema' } } }), false, 'the Responses spelling is not Chat\'s');
});

test('history and the conversation opening: messages up to the first user message', () => {
  const system = { role: 'system', content: 'Be terse.' };
  const user = { role: 'user', content: 'Hi' };
  const messages = [system, user, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'More' }];
  assert.equal(facts.history({ messages }), messages);
  assert.deepEqual(facts.conversationOpening({ messages }), [system, user]);
  assert.deepEqual(facts.conversationOpening({ messages: [system] }), [system], 'no user message: the first item');
  assert.deepEqual(facts.conversationOpening({ messages: 'not a list' }), []);
  assert.deepEqual(facts.conversationOpening({}), []);
});

test('preset: instructions join a leading system message, parameters fill only what the request left unset', () => {
  const stop = ['END'];
  const body: Record<string, unknown> = { messages: [{ role: 'system', content: 'Mine.' }], max_completion_tokens: 10, top_p: null };
  const applied = facts.applyPreset(body, { instructions: 'Preset.', parameters: { temperature: 0.2, top_p: 0.9, max_tokens: 99, seed: 1, stop, reasoning_effort: 'low' } });
  assert.deepEqual(applied, ['instructions', 'temperature', 'top_p', 'seed', 'stop', 'reasoning_effort'], 'max_completion_tokens already sets the limit');
  assert.deepEqual(body.messages, [{ role: 'system', content: 'Preset.\n\nMine.' }]);
  assert.equal(body.max_tokens, undefined);
  assert.deepEqual(body.stop, ['END']);
  assert.notEqual(body.stop, stop, 'the preset\'s list is copied, not shared');
  assert.deepEqual(facts.applyPreset({ messages: [] }, { instructions: null, parameters: {} }), []);
});

test('error body: OpenAI\'s envelope, field for field', () => {
  const error = new GatewayError('no such model', { status: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model' });
  assert.equal(facts.errorBody(error), '{"error":{"message":"no such model","type":"invalid_request_error","code":"model_not_found","param":"model"}}');
  assert.equal(facts.errorBody(new GatewayError('slow down', { status: 429, type: 'rate_limit_error' })), '{"error":{"message":"slow down","type":"rate_limit_error","code":null,"param":null}}');
});
