// OpenRouter's `reasoning` object on its way to a Chat provider: OpenRouter reads it, any other is
// sent what Chat can say and told (by the dropped list) what it was not sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { hidesReasoning, settleReasoningObject } from './reasoning-object.ts';
import type { ReasoningTarget } from './reasoning-object.ts';

const openai: ReasoningTarget = { quirks: { reasoningEffort: true }, reasons: undefined };

function settle(body: Record<string, unknown>, target: ReasoningTarget = openai): { body: Record<string, unknown>; dropped: string[]; exclude: boolean } {
  const settled = settleReasoningObject(body, target);
  return { body, ...settled };
}

test('the effort becomes reasoning_effort, "max" as written; the body\'s own effort wins', () => {
  assert.deepEqual(settle({ model: 'm', reasoning: { effort: 'medium' } }), { body: { model: 'm', reasoning_effort: 'medium' }, dropped: [], exclude: false });
  assert.deepEqual(settle({ reasoning: { effort: 'max' } }).body, { reasoning_effort: 'max' });
  assert.deepEqual(settle({ reasoning_effort: 'low', reasoning: { effort: 'high', max_tokens: 500 } }), { body: { reasoning_effort: 'low' }, dropped: ['reasoning.max_tokens'], exclude: false });
});

test('a budget alone becomes the nearest effort, unless reasoning is off or the model does not reason', () => {
  assert.deepEqual(settle({ reasoning: { max_tokens: 1024 } }).body, { reasoning_effort: 'low' });
  assert.deepEqual(settle({ reasoning: { max_tokens: 8000 } }).body, { reasoning_effort: 'medium' });
  assert.deepEqual(settle({ reasoning: { max_tokens: 32000 } }).body, { reasoning_effort: 'high' });
  assert.deepEqual(settle({ reasoning: { max_tokens: 8000, enabled: false } }), { body: {}, dropped: ['reasoning.max_tokens', 'reasoning.enabled'], exclude: false });
  const plain = { quirks: {}, reasons: false };
  assert.deepEqual(settle({ reasoning: { max_tokens: 8000, enabled: true } }, plain), { body: {}, dropped: ['reasoning.max_tokens', 'reasoning.enabled'], exclude: false });
  assert.deepEqual(settle({ reasoning: { effort: 'low' } }, plain), { body: {}, dropped: ['reasoning.effort'], exclude: false });
});

test('exclude is reported, never named; enabled: true needs nothing; the rest is named', () => {
  assert.deepEqual(settle({ reasoning: { exclude: true, enabled: true } }), { body: {}, dropped: [], exclude: true });
  assert.deepEqual(settle({ reasoning: { summary: 'auto', verbosity: 'low', exclude: false } }), { body: {}, dropped: ['reasoning.summary', 'reasoning.verbosity'], exclude: false });
  assert.deepEqual(settle({ reasoning: null }), { body: {}, dropped: [], exclude: false });
  assert.equal(hidesReasoning({ reasoning: { exclude: true } }, {}), true);
  assert.equal(hidesReasoning({ reasoning: { exclude: true } }, { reasoningObject: true }), false);
  assert.equal(hidesReasoning({ reasoning: { exclude: false } }, {}), false);
});

test('OpenRouter is left the object as written; a malformed object is refused with its field named', () => {
  const body = { reasoning: { effort: 'high', max_tokens: 100, exclude: true } };
  assert.deepEqual(settle(structuredClone(body), { quirks: { reasoningObject: true }, reasons: undefined }), { body, dropped: [], exclude: false });
  for (const [reasoning, param] of [['high', 'reasoning'], [{ effort: 'huge' }, 'reasoning.effort'], [{ max_tokens: 0.5 }, 'reasoning.max_tokens']] as const) {
    assert.throws(() => settleReasoningObject({ reasoning }, openai), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param, param);
  }
});
