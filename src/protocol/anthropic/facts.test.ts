// Anthropic Messages facts, read from raw bodies as a client sends them, malformed fields included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { anthropicFacts as facts } from './facts.ts';

test('model and stream', () => {
  assert.equal(facts.model({ model: 'claude-sonnet-4-5' }), 'claude-sonnet-4-5');
  assert.equal(facts.stream({ stream: null }), false);
  assert.equal(facts.stream({ stream: true }), true);
  assert.throws(() => facts.stream({ stream: {} }), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.message === '`stream` must be true or false' && error.param === 'stream');
});

test('choices and stored context: Anthropic has neither n nor context kept at the provider', () => {
  assert.equal(facts.choices({ n: 3 }), 1);
  assert.equal(facts.usesStoredContext({ previous_response_id: 'resp_1', prompt: { id: 'p' } }), false);
});

test('max output tokens: max_tokens only', () => {
  assert.equal(facts.maxOutputTokens({ max_tokens: 1024 }), 1024);
  assert.equal(facts.maxOutputTokens({ max_completion_tokens: 1024 }), null);
  for (const value of ['1024', 0, -1, Number.POSITIVE_INFINITY]) assert.equal(facts.maxOutputTokens({ max_tokens: value }), null, String(value));
});

test('tools', () => {
  assert.equal(facts.usesTools({ tools: [{ name: 'f', input_schema: {} }] }), true);
  assert.equal(facts.usesTools({ functions: [{ name: 'f' }] }), false, 'Chat\'s older list is not an Anthropic field');
  assert.equal(facts.usesTools({ tools: [] }), false);
  assert.equal(facts.usesTools({ tools: null }), false);
});

test('images: an image block, also inside a tool result', () => {
  const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } };
  assert.equal(facts.hasImages({ messages: [{ role: 'user', content: [image] }] }), true);
  const toolResult = (content: unknown) => ({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content }] }] });
  assert.equal(facts.hasImages(toolResult([{ type: 'text', text: 'chart:' }, image])), true);
  assert.equal(facts.hasImages(toolResult([{ type: 'text', text: 'no chart' }])), false);
  assert.equal(facts.hasImages(toolResult('a string result')), false);
  assert.equal(facts.hasImages({ messages: [{ role: 'user', content: 'text only' }] }), false);
});

test('JSON schema: output_format of type json_schema', () => {
  assert.equal(facts.wantsJsonSchema({ output_format: { type: 'json_schema', schema: {} } }), true);
  assert.equal(facts.wantsJsonSchema({ output_format: { type: 'text' } }), false);
  assert.equal(facts.wantsJsonSchema({}), false);
});

test('history and the conversation opening: the system prompt and the first message', () => {
  const messages = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }];
  assert.equal(facts.history({ messages }), messages);
  assert.deepEqual(facts.conversationOpening({ system: 'Policy.', messages }), ['Policy.', messages[0]]);
  assert.deepEqual(facts.conversationOpening({ messages: 'not a list' }), [undefined, undefined]);
  const tools = [{ name: 'f', input_schema: {} }];
  assert.deepEqual(facts.promptParts({ system: 'Policy.', messages, tools, input: 'not Anthropic\'s' }), { system: 'Policy.', messages, tools });
});

test('preset: instructions before a string or block system prompt, stop as stop_sequences', () => {
  const text: Record<string, unknown> = { system: 'Mine.', max_tokens: 512 };
  const applied = facts.applyPreset(text, { instructions: 'Preset.', parameters: { top_p: 0.5, max_tokens: 99, stop: ['END'], seed: 1, reasoning_effort: 'low' } });
  assert.deepEqual(applied, ['instructions', 'top_p', 'stop'], 'Anthropic has no seed or reasoning_effort field');
  assert.deepEqual(text, { system: 'Preset.\n\nMine.', max_tokens: 512, top_p: 0.5, stop_sequences: ['END'] });
  const blocks: Record<string, unknown> = { system: [{ type: 'text', text: 'Mine.' }] };
  facts.applyPreset(blocks, { instructions: 'Preset.', parameters: {} });
  assert.deepEqual(blocks.system, [{ type: 'text', text: 'Preset.' }, { type: 'text', text: 'Mine.' }]);
  const empty: Record<string, unknown> = { system: '' };
  facts.applyPreset(empty, { instructions: 'Preset.', parameters: {} });
  assert.equal(empty.system, 'Preset.');
  assert.deepEqual(facts.applyPreset({ system: 42 }, { instructions: 'Preset.', parameters: {} }), []);
});

test('error body: Anthropic\'s envelope, with Anthropic\'s name for the status', () => {
  const limited = new GatewayError('slow down', { status: 429, type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' });
  assert.equal(facts.errorBody(limited), '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}');
  const internal = new GatewayError('broken', { status: 500, type: 'server_error' });
  assert.equal(facts.errorBody(internal), '{"type":"error","error":{"type":"api_error","message":"broken"}}');
});
