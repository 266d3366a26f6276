// A request's shape for admission, by format: only Chat asks for several answers, only Responses
// builds on context stored at the provider.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestShape, tokenCountShape } from './admission.ts';

test('choices: Chat\'s n; one answer in every other format', () => {
  assert.deepEqual(requestShape('openai-chat', { n: 4 }), { choices: 4, storedContext: false, format: 'openai-chat', thinkingBudget: null, free: false });
  assert.equal(requestShape('openai-chat', { n: 2.5 }).choices, 1);
  for (const format of ['openai-responses', 'anthropic', 'embeddings'] as const) assert.equal(requestShape(format, { n: 4 }).choices, 1, format);
});

test('stored context: a Responses previous response, conversation or stored prompt', () => {
  assert.equal(requestShape('openai-responses', { previous_response_id: 'resp_1' }).storedContext, true);
  assert.equal(requestShape('openai-responses', { input: 'hi' }).storedContext, false);
  for (const format of ['openai-chat', 'anthropic', 'embeddings'] as const) assert.equal(requestShape(format, { previous_response_id: 'resp_1' }).storedContext, false, format);
});

test('a token count is free', () => {
  assert.equal(tokenCountShape.free, true);
  assert.equal(requestShape('anthropic', {}).free, false);
});

test('the thinking budget a translation to Anthropic would add, in each format; none when no reasoning is asked for', () => {
  const asks: [Parameters<typeof requestShape>[0], Record<string, unknown>, number | null][] = [
    ['openai-chat', { reasoning_effort: 'high' }, 24_576],
    ['openai-chat', { reasoning_effort: 'xhigh' }, 32_768],
    ['openai-chat', { reasoning_effort: 'none' }, null],
    ['openai-chat', { reasoning_effort: null }, null],
    ['openai-chat', { reasoning: { max_tokens: 60_000 } }, 60_000],
    ['openai-chat', { reasoning: { enabled: true } }, 8_192],
    ['openai-chat', { reasoning: { enabled: false, effort: 'high' } }, null],
    ['openai-chat', { reasoning: {} }, null],
    ['openai-chat', { reasoning: { exclude: true } }, null],
    ['openai-chat', {}, null],
    ['openai-responses', { reasoning: { effort: 'low' } }, 2_048],
    ['openai-responses', { reasoning: { effort: 'none' } }, null],
    ['openai-responses', { reasoning: { summary: 'auto' } }, null],
    // An Anthropic client's thinking is sent as it came, bound by its max_tokens.
    ['anthropic', { thinking: { type: 'enabled', budget_tokens: 2_000 } }, null],
    ['anthropic', { thinking: { type: 'adaptive' } }, null],
    ['anthropic', { output_config: { effort: 'high' } }, null],
    ['anthropic', {}, null],
    ['embeddings', { reasoning_effort: 'high' }, null],
  ];
  for (const [format, body, expected] of asks) assert.equal(requestShape(format, body).thinkingBudget, expected, `${format} ${JSON.stringify(body)}`);
});
