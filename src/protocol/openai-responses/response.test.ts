import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ChatResponse, EncodeTarget, FinishReason } from '../ir.ts';
import { decodeRequest } from './request.ts';
import { decodeResponse, decodeStatus, encodeResponse, encodeStatus } from './response.ts';

const target: EncodeTarget = { upstreamModel: 'gpt-fallback', quirks: {} };
/** `sql` is a custom tool: its calls are custom_tool_call items. */
const context = { model: 'client-model', includeUsage: false, request: decodeRequest({ model: 'm', tools: [{ type: 'custom', name: 'sql' }] }) };

function answer(content: ChatResponse['content'], finishReason: FinishReason = 'stop'): ChatResponse {
  return {
    id: 'resp_1',
    model: 'gpt-5',
    created: 1700000000,
    content,
    finishReason,
    usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, cacheWriteTokens: 0, reasoningTokens: 2 },
  };
}

test('encodes a full response object with every field the SDK type requires', () => {
  const body = encodeResponse(answer([
    { type: 'reasoning', text: 'Why', signature: 'ENC', id: 'rs_1' },
    { type: 'text', text: 'One. ' },
    { type: 'text', text: 'Two.' },
    { type: 'refusal', text: 'Not that.' },
    { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"a":1}', itemId: 'fc_1' },
    { type: 'tool-call', id: 'call_2', name: 'sql', arguments: '{"input":"SELECT 1"}' },
  ], 'tool-calls'), context);
  for (const key of ['id', 'object', 'created_at', 'status', 'error', 'incomplete_details', 'instructions', 'metadata', 'model', 'output', 'parallel_tool_calls', 'temperature', 'tool_choice', 'tools', 'top_p', 'usage']) {
    assert.ok(key in body, key);
  }
  assert.equal(body.object, 'response');
  assert.equal(body.status, 'completed');
  assert.equal(body.error, null);
  assert.equal('output_text' in body, false, 'the SDK computes output_text itself');
  const output = body.output as Array<Record<string, unknown>>;
  assert.deepEqual(output[0], { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Why' }], encrypted_content: 'ENC' });
  assert.equal(output[1].type, 'message');
  assert.match(output[1].id as string, /^msg_[0-9a-f]{24}$/);
  assert.deepEqual(output[1].content, [
    { type: 'output_text', annotations: [], logprobs: [], text: 'One. ' },
    { type: 'output_text', annotations: [], logprobs: [], text: 'Two.' },
    { type: 'refusal', refusal: 'Not that.' },
  ]);
  assert.deepEqual(output[2], { id: 'fc_1', type: 'function_call', status: 'completed', arguments: '{"a":1}', call_id: 'call_1', name: 'f' });
  assert.equal(output[3].type, 'custom_tool_call');
  assert.equal(output[3].input, 'SELECT 1');
  assert.deepEqual(body.usage, { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 15 });
});

test('whole answers read back to the same content', () => {
  const content: ChatResponse['content'] = [
    { type: 'reasoning', text: 'Why', signature: 'ENC', id: 'rs_1' },
    { type: 'text', text: 'Hello' },
    { type: 'refusal', text: 'No' },
    { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}', itemId: 'fc_1' },
    { type: 'tool-call', id: 'call_2', name: 'sql', arguments: '{"input":"SELECT \\"a\\""}', itemId: 'ctc_2' },
    { type: 'redacted-reasoning', data: 'opaque' },
  ];
  const decoded = decodeResponse(encodeResponse(answer(content, 'tool-calls'), context), target);
  assert.deepEqual(decoded.content, content);
  assert.equal(decoded.finishReason, 'tool-calls');
  assert.deepEqual(decoded.usage, answer([]).usage);
  assert.equal(decoded.model, 'gpt-5');
});

test('status and incomplete reasons map both ways', () => {
  const cases: Array<[FinishReason, string, unknown]> = [
    ['stop', 'completed', null],
    ['length', 'incomplete', { reason: 'max_output_tokens' }],
    ['content-filter', 'incomplete', { reason: 'content_filter' }],
  ];
  for (const [reason, status, details] of cases) {
    const encoded = encodeStatus(reason);
    assert.equal(encoded.status, status);
    assert.deepEqual(encoded.incomplete_details, details);
    assert.equal(decodeStatus(encoded.status, encoded.incomplete_details, false), reason);
  }
  assert.equal(decodeStatus('completed', null, true), 'tool-calls');
  assert.equal(decodeStatus('failed', null, false), 'error');
  assert.equal(encodeStatus('error').status, 'failed');
  assert.equal(encodeStatus('tool-calls').status, 'completed');
  assert.equal(decodeStatus('incomplete', { reason: 'other' }, false), 'other');
});

test('reading: server-side tool items are skipped, a missing model and usage are filled in', () => {
  const decoded = decodeResponse({
    id: 'resp_2',
    created_at: 5,
    status: 'completed',
    output: [
      { type: 'web_search_call', id: 'ws_1', status: 'completed' },
      { type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: 'Found it.', annotations: [{ type: 'url_citation', url: 'https://x' }] }] },
    ],
  }, target);
  assert.deepEqual(decoded.content, [{ type: 'text', text: 'Found it.' }]);
  assert.equal(decoded.model, 'gpt-fallback');
  assert.equal(decoded.usage, null);
  assert.equal(decoded.created, 5);
});

test('an answer that is not a Responses object is a 502', () => {
  for (const body of [null, 'text', { id: 'x' }, { output: ['x'] }, { output: [{ type: 'function_call', arguments: '{}' }] }]) {
    assert.throws(() => decodeResponse(body, target), (error: unknown) => error instanceof GatewayError && error.status === 502 && error.type === 'upstream_error' && error.code === 'upstream_malformed_response');
  }
});

test('a failed response and an empty answer', () => {
  assert.equal(decodeResponse({ status: 'failed', error: { code: 'server_error', message: 'x' }, output: [] }, target).finishReason, 'error');
  const empty = encodeResponse({ ...answer([]), usage: null, model: '' }, context);
  assert.deepEqual(empty.output, []);
  assert.equal(empty.usage, null);
  assert.equal(empty.model, 'client-model');
});
