import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatResponse, EncodeTarget } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { decodeResponse, decodeStopReason, encodeResponse } from './response.ts';
import { fixtureNames, readJsonFixture } from './testing.ts';

const target: EncodeTarget = { upstreamModel: 'claude-upstream', quirks: {} };
const context = { model: 'client-model', includeUsage: true };

test('every recorded Anthropic message decodes', () => {
  const names = fixtureNames('.json');
  assert.ok(names.length >= 5, 'fixtures found');
  for (const name of names) {
    const fixture = readJsonFixture(name) as Record<string, unknown>;
    const response = decodeResponse(fixture, target);
    assert.equal(response.id, fixture.id, name);
    assert.equal(response.model, fixture.model, name);
    assert.ok(response.usage && response.usage.outputTokens > 0, name);
  }
});

test('recorded text, tool and refusal answers decode to what they say', () => {
  const text = decodeResponse(readJsonFixture('anthropic-text'), target);
  assert.deepEqual(text.content, [{ type: 'text', text: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?" }]);
  assert.equal(text.finishReason, 'stop');
  assert.equal(text.stopSequence, undefined);
  assert.deepEqual(text.usage, { inputTokens: 12, outputTokens: 29, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });

  const tool = decodeResponse(readJsonFixture('anthropic-json-tool.1'), target);
  assert.equal(tool.finishReason, 'tool-calls');
  assert.equal(tool.content.length, 1);
  const call = tool.content[0];
  assert.ok(call.type === 'tool-call');
  assert.equal(call.id, 'toolu_01Q9ExVZnzZj7E2QQYHYtNUa');
  assert.equal(call.name, 'json');
  assert.equal(JSON.parse(call.arguments).elements[3].location, 'Berlin');

  const noArguments = decodeResponse(readJsonFixture('anthropic-tool-no-args'), target);
  assert.deepEqual(noArguments.content.map((part) => part.type), ['text', 'tool-call']);
  assert.equal(noArguments.content[1].type === 'tool-call' && noArguments.content[1].arguments, '{}');

  const refusal = decodeResponse(readJsonFixture('anthropic-refusal'), target);
  assert.deepEqual(refusal.content, []);
  assert.equal(refusal.finishReason, 'refusal');
});

test('thinking, redacted thinking, cache usage and stop sequences decode', () => {
  const response = decodeResponse(
    {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'Hmm.', signature: 'sig==' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } },
        { type: 'text', text: 'Done', citations: null },
      ],
      stop_reason: 'stop_sequence',
      stop_sequence: '###',
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 },
    },
    target,
  );
  assert.deepEqual(response.content, [
    { type: 'reasoning', text: 'Hmm.', signature: 'sig==' },
    { type: 'redacted-reasoning', data: 'opaque' },
    { type: 'text', text: 'Done' },
  ]);
  assert.equal(response.finishReason, 'stop');
  assert.equal(response.stopSequence, '###');
  assert.deepEqual(response.usage, { inputTokens: 130, outputTokens: 5, cachedInputTokens: 100, cacheWriteTokens: 20, reasoningTokens: 0 });
});

test('stop reasons map onto IR finish reasons', () => {
  const expected = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', model_context_window_exceeded: 'length', tool_use: 'tool-calls', pause_turn: 'pause', refusal: 'refusal', something_new: 'other' };
  for (const [reason, finish] of Object.entries(expected)) assert.equal(decodeStopReason(reason), finish, reason);
});

test('an answer that is not an Anthropic message is a 502', () => {
  for (const body of [null, 'text', [], { error: { type: 'x' } }, { type: 'message', content: 'x' }]) {
    assert.throws(
      () => decodeResponse(body, target),
      (error: unknown) => error instanceof GatewayError && error.status === 502 && error.type === 'upstream_error' && error.code === 'upstream_malformed_response',
    );
  }
});

test('encoding gives a whole Anthropic message, cache tokens taken out of input_tokens', () => {
  const response: ChatResponse = {
    id: 'chatcmpl-1',
    model: '',
    created: 1,
    content: [
      { type: 'reasoning', text: 'plan', signature: 'S' },
      { type: 'reasoning', text: 'unsigned' },
      { type: 'redacted-reasoning', data: 'R' },
      { type: 'text', text: 'Hi' },
      { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"x":1}' },
      { type: 'tool-call', id: 'call_2', name: 'g', arguments: '' },
    ],
    finishReason: 'tool-calls',
    usage: { inputTokens: 130, outputTokens: 5, cachedInputTokens: 100, cacheWriteTokens: 20, reasoningTokens: 2 },
  };
  assert.deepEqual(encodeResponse(response, context), {
    id: 'chatcmpl-1',
    type: 'message',
    role: 'assistant',
    model: 'client-model',
    content: [
      { type: 'thinking', thinking: 'plan', signature: 'S' },
      { type: 'thinking', thinking: 'unsigned', signature: '' },
      { type: 'redacted_thinking', data: 'R' },
      { type: 'text', text: 'Hi' },
      { type: 'tool_use', id: 'call_1', name: 'f', input: { x: 1 } },
      { type: 'tool_use', id: 'call_2', name: 'g', input: {} },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    stop_details: null,
    usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 20, cache_read_input_tokens: 100 },
  });
});

test('refusals, stop sequences and missing usage encode as Anthropic says them', () => {
  const base: ChatResponse = { id: 'x', model: 'm', created: 1, content: [], finishReason: 'stop', usage: null };
  const refusal = encodeResponse({ ...base, content: [{ type: 'refusal', text: 'No.' }] }, context);
  assert.equal(refusal.stop_reason, 'refusal');
  assert.deepEqual(refusal.content, [{ type: 'text', text: 'No.' }]);
  assert.deepEqual(refusal.usage, { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  const stopped = encodeResponse({ ...base, stopSequence: 'END' }, context);
  assert.equal(stopped.stop_reason, 'stop_sequence');
  assert.equal(stopped.stop_sequence, 'END');
  const lengths = (['length', 'pause', 'content-filter', 'error', 'other'] as const).map((finishReason) => encodeResponse({ ...base, finishReason }, context).stop_reason);
  assert.deepEqual(lengths, ['max_tokens', 'pause_turn', 'refusal', 'end_turn', 'end_turn']);
});

test('every recorded message survives decode, encode, decode', () => {
  for (const name of fixtureNames('.json')) {
    const once = decodeResponse(readJsonFixture(name), target);
    const twice = decodeResponse(encodeResponse(once, context), target);
    assert.deepEqual({ ...twice, created: 0 }, { ...once, created: 0 }, name);
  }
});
