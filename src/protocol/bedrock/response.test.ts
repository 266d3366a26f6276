import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EncodeTarget } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { bedrockConverseCodec } from './codec.ts';
import { finishReasonOf } from './response.ts';

const target: EncodeTarget = { upstreamModel: 'anthropic.claude-3-7-sonnet-20250219-v1:0', quirks: {} };

describe('decodeResponse', () => {
  test('text, reasoning, redacted reasoning and a tool call, with cache-inclusive usage', () => {
    const before = Math.floor(Date.now() / 1000);
    const response = bedrockConverseCodec.decodeResponse({
      output: {
        message: {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'Think.', signature: 'EqQB' } } },
            { reasoningContent: { redactedContent: 'cmVkYWN0ZWQ=' } },
            { text: 'Let me check.' },
            { toolUse: { toolUseId: 'tooluse_abc', name: 'get_weather', input: { city: 'Paris' } } },
          ],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 12, outputTokens: 30, totalTokens: 2042, cacheReadInputTokens: 1000, cacheWriteInputTokens: 1000 },
      metrics: { latencyMs: 812 },
    }, target);
    assert.match(response.id, /^msg_bdrk_[0-9a-f]{24}$/);
    assert.equal(response.model, target.upstreamModel);
    assert.ok(response.created >= before);
    assert.deepEqual(response.content, [
      { type: 'reasoning', text: 'Think.', signature: 'EqQB' },
      { type: 'redacted-reasoning', data: 'cmVkYWN0ZWQ=' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool-call', id: 'tooluse_abc', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
    assert.equal(response.finishReason, 'tool-calls');
    assert.equal(response.stopSequence, null);
    assert.deepEqual(response.usage, { inputTokens: 2012, outputTokens: 30, cachedInputTokens: 1000, cacheWriteTokens: 1000, reasoningTokens: 0 });
  });

  test('the stop sequence Claude reports through additionalModelResponseFields', () => {
    const response = bedrockConverseCodec.decodeResponse({
      output: { message: { role: 'assistant', content: [{ text: 'one two' }] } },
      stopReason: 'stop_sequence',
      additionalModelResponseFields: { stop_sequence: 'three' },
      usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
    }, target);
    assert.equal(response.finishReason, 'stop');
    assert.equal(response.stopSequence, 'three');
    assert.deepEqual(response.usage, { inputTokens: 5, outputTokens: 2, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
  });

  test('an answer that is not a Converse response is a 502', () => {
    for (const body of [null, 'text', { choices: [] }, { output: { message: { content: 'x' } } }, { output: { message: { content: [{ toolUse: { input: {} } }] } } }]) {
      assert.throws(() => bedrockConverseCodec.decodeResponse(body, target), (error: unknown) =>
        error instanceof GatewayError && error.status === 502 && error.type === 'upstream_error' && error.code === 'upstream_malformed_response');
    }
  });
});

test('stop reasons', () => {
  assert.deepEqual(
    ['end_turn', 'stop_sequence', 'tool_use', 'max_tokens', 'model_context_window_exceeded', 'guardrail_intervened', 'content_filtered', 'malformed_tool_use', 'something_new'].map(finishReasonOf),
    ['stop', 'stop', 'tool-calls', 'length', 'length', 'content-filter', 'content-filter', 'error', 'other'],
  );
});
