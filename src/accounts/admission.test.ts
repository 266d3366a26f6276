// A request's shape for admission, by format: only Chat asks for several answers, only Responses
// builds on context stored at the provider.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestShape, tokenCountShape } from './admission.ts';

test('choices: Chat\'s n; one answer in every other format', () => {
  assert.deepEqual(requestShape('openai-chat', { n: 4 }), { choices: 4, storedContext: false, reasoning: false, free: false });
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

test('reasoning asked for, in each format, unless it says none', () => {
  const asks: [Parameters<typeof requestShape>[0], Record<string, unknown>, boolean][] = [
    ['openai-chat', { reasoning_effort: 'high' }, true],
    ['openai-chat', { reasoning_effort: 'none' }, false],
    ['openai-chat', { reasoning: { max_tokens: 60_000 } }, true],
    ['openai-chat', { reasoning: { enabled: false } }, false],
    ['openai-chat', {}, false],
    ['openai-responses', { reasoning: { effort: 'low' } }, true],
    ['openai-responses', { reasoning: { effort: 'none' } }, false],
    ['openai-responses', {}, false],
    ['anthropic', { thinking: { type: 'enabled', budget_tokens: 2048 } }, true],
    ['anthropic', { thinking: { type: 'disabled' } }, false],
    ['anthropic', { output_config: { effort: 'high' } }, true],
    ['anthropic', {}, false],
    ['embeddings', { reasoning_effort: 'high' }, false],
  ];
  for (const [format, body, expected] of asks) assert.equal(requestShape(format, body).reasoning, expected, `${format} ${JSON.stringify(body)}`);
});
