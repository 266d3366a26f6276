// Responses facts, read from raw bodies as a client sends them, malformed fields included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { openAIResponsesFacts as facts } from './facts.ts';

test('model and stream', () => {
  assert.equal(facts.model({ model: 'gpt-5' }), 'gpt-5');
  assert.equal(facts.stream({}), false);
  assert.equal(facts.stream({ stream: false }), false);
  assert.equal(facts.stream({ stream: true }), true);
  assert.throws(() => facts.stream({ stream: 1 }), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.message === '`stream` must be true or false' && error.param === 'stream');
});

test('choices: Responses has no n, so one answer', () => {
  assert.equal(facts.choices({ n: 3 }), 1);
});

test('max output tokens: max_output_tokens only', () => {
  assert.equal(facts.maxOutputTokens({ max_output_tokens: 256 }), 256);
  assert.equal(facts.maxOutputTokens({ max_tokens: 256 }), null, 'the Chat name is not Responses\'');
  for (const value of ['256', 0, -1, Number.NaN, null]) assert.equal(facts.maxOutputTokens({ max_output_tokens: value }), null, String(value));
});

test('stored context: a previous response, a conversation or a stored prompt', () => {
  assert.equal(facts.usesStoredContext({ input: 'hi' }), false);
  assert.equal(facts.usesStoredContext({ previous_response_id: 'resp_1' }), true);
  assert.equal(facts.usesStoredContext({ conversation: 'conv_1' }), true);
  assert.equal(facts.usesStoredContext({ conversation: { id: 'conv_1' } }), true);
  assert.equal(facts.usesStoredContext({ prompt: { id: 'pmpt_1', version: '2' } }), true);
  for (const empty of [null, '']) {
    assert.equal(facts.usesStoredContext({ previous_response_id: empty, conversation: empty }), false, `${empty} is not set`);
  }
  assert.equal(facts.usesStoredContext({ prompt: 'a string is no stored prompt' }), false);
  assert.equal(facts.usesStoredContext({ prompt: null }), false);
});

test('tools', () => {
  assert.equal(facts.usesTools({ tools: [{ type: 'web_search' }] }), true);
  assert.equal(facts.usesTools({ functions: [{ name: 'f' }] }), false, 'Chat\'s older list is not a Responses field');
  assert.equal(facts.usesTools({ tools: [] }), false);
  assert.equal(facts.usesTools({}), false);
});

test('images: an input_image part in the input items; a string input has none', () => {
  assert.equal(facts.hasImages({ input: [{ role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: 'https://example.com/a.png' }] }] }), true);
  assert.equal(facts.hasImages({ input: [{ role: 'user', content: [{ type: 'input_text', text: 'no' }] }] }), false);
  assert.equal(facts.hasImages({ input: 'a picture of a cat' }), false);
  assert.equal(facts.hasImages({ messages: [{ content: [{ type: 'image_url' }] }] }), false, 'only input is read');
});

test('JSON schema: text.format of type json_schema', () => {
  assert.equal(facts.wantsJsonSchema({ text: { format: { type: 'json_schema', name: 'x', schema: {} } } }), true);
  assert.equal(facts.wantsJsonSchema({ text: { format: { type: 'json_object' } } }), false);
  assert.equal(facts.wantsJsonSchema({ text: { verbosity: 'low' } }), false);
  for (const text of ['json_schema', null, ['json_schema'], 3]) assert.equal(facts.wantsJsonSchema({ text }), false, JSON.stringify(text));
  assert.equal(facts.wantsJsonSchema({ response_format: { type: 'json_schema' } }), false, 'the Chat spelling is not Responses\'');
});

test('history, prompt parts and the conversation opening', () => {
  const input = [{ role: 'developer', content: 'Rules.' }, { role: 'user', content: 'Hi' }, { type: 'function_call_output', call_id: 'c', output: 'x' }];
  const tools = [{ type: 'function', name: 'f' }];
  assert.equal(facts.history({ input }), input);
  assert.deepEqual(facts.promptParts({ input, instructions: 'Be brief.', tools, messages: ['ignored'] }), { input, instructions: 'Be brief.', tools });
  assert.deepEqual(facts.conversationOpening({ instructions: 'Be brief.', input }), ['Be brief.', input.slice(0, 2)]);
  assert.deepEqual(facts.conversationOpening({ input: 'Hi there' }), [undefined, 'Hi there'], 'a string input is the first user message');
  assert.deepEqual(facts.conversationOpening({}), [undefined, []]);
});

test('preset: instructions before the client\'s, effort inside reasoning, max_tokens as max_output_tokens', () => {
  const body: Record<string, unknown> = { instructions: 'Mine.', reasoning: { summary: 'auto' }, temperature: 1 };
  const applied = facts.applyPreset(body, { instructions: 'Preset.', parameters: { temperature: 0.2, max_tokens: 99, seed: 1, stop: ['x'], reasoning_effort: 'high' } });
  assert.deepEqual(applied, ['instructions', 'max_tokens', 'reasoning_effort'], 'Responses has no seed or stop');
  assert.deepEqual(body, { instructions: 'Preset.\n\nMine.', reasoning: { summary: 'auto', effort: 'high' }, temperature: 1, max_output_tokens: 99 });
  const malformed: Record<string, unknown> = { instructions: ['not', 'text'], reasoning: 'high' };
  assert.deepEqual(facts.applyPreset(malformed, { instructions: 'Preset.', parameters: { reasoning_effort: 'low' } }), [], 'left for the codec to report');
});

test('error body: OpenAI\'s envelope', () => {
  const error = new GatewayError('bad input', { status: 400, type: 'invalid_request_error', code: 'invalid_request', param: 'input' });
  assert.equal(facts.errorBody(error), '{"error":{"message":"bad input","type":"invalid_request_error","code":"invalid_request","param":"input"}}');
});
