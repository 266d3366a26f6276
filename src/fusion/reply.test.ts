import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelAnswer } from '../engine/model-client.ts';
import { fusionBlock, totalsOf } from './reply.ts';
import type { FusionOutcome } from './run.ts';
import type { FusionSpec } from './spec.ts';

function answer(overrides: Partial<ModelAnswer>): ModelAnswer {
  return { model: 'm', servedModel: 'm', provider: 'p', ok: true, status: 200, text: 'x', finishReason: 'stop', usage: null, costUsd: 0.001, latencyMs: 10, ttftMs: 5, error: null, toolCalls: [], requestId: 'r', fusionId: null, ...overrides };
}

const spec: FusionSpec = { name: null, pool: ['a', 'b'], judge: 'j', mode: 'merge', criteria: 'c', rounds: 1, timeoutMs: 1000, minResponses: 1, returnAnalysis: false, progress: false };

describe('the fusion block', () => {
  it('gives a member cut off mid-stream an unknown cost, not 0, as the totals do', () => {
    const cutOff = answer({ model: 'b', ok: false, status: 0, text: '', costUsd: null, ttftMs: 40, error: 'timed out after 1000 ms' });
    const neverStarted = answer({ model: 'b', ok: false, status: 0, text: '', costUsd: null, ttftMs: null, error: 'timed out after 1000 ms' });
    for (const [failed, cost] of [[cutOff, null], [neverStarted, 0]] as const) {
      const outcome: FusionOutcome = {
        members: [
          { index: 0, model: 'a', calls: [answer({ model: 'a' })], answer: answer({ model: 'a' }), dropped: null, score: null, reason: null, used: true },
          { index: 1, model: 'b', calls: [failed], answer: null, dropped: failed.error, score: null, reason: null, used: false },
        ],
        judge: answer({ model: 'j' }),
        text: 'x', finishReason: 'stop', analysis: null, chosen: null, scoresReadable: null, membersDoneMs: 1, judgeStartedMs: 1, judgeFirstTokenMs: 2,
      };
      const totals = totalsOf(outcome);
      const block = fusionBlock(spec, 'fus_x', outcome, totals) as { members: { cost_usd: number | null }[] };
      assert.equal(block.members[1].cost_usd, cost);
      assert.equal(totals.costComplete, cost === 0);
    }
  });
});
