// The simulator plays the gateway's judges: a comparison's personas give readable reviews (so the
// demo shows verdicts) and a fusion's judge gives readable scores and a tagged merge, whichever wire
// format the judge is reached through, and the same prompt always gets the same verdict.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { run as compare } from '../src/cli/compare.ts';
import type { Comparison } from '../src/compare/compare.ts';
import { captureCli } from './cli-capture.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const judges = ['chat/judge', 'responses/judge', 'claude/judge', 'google/judge', 'aws/judge'];

describe('the simulator as a judge', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  const post = async (path: string, body: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };

  it('modelmux compare on the simulator prints verdicts, and no unreadable review', async () => {
    const result = await captureCli(compare, ['--url', stack.baseUrl, '--models', 'sim/fast,test-model,echo-model', 'How should I cache API responses?']);
    assert.equal(result.exitCode, undefined, result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /unreadable/);
    assert.match(result.stdout, /\b(Ship|Mixed|Skip)\b/);
    assert.match(result.stdout, /Which one should you ship with\? (Ship with|None of them)/);
  });

  for (const judge of judges) {
    it(`every persona's review is read when the judge is ${judge}`, async () => {
      const { status, body } = await post('/v1/compare', { models: ['sim/fast', 'test-model', 'echo-model'], prompt: 'Name three sorting algorithms.', judge });
      assert.equal(status, 200, JSON.stringify(body));
      const comparison = body as Comparison;
      assert.deepEqual(comparison.reviews.map((review) => [review.persona, review.ok, review.error]), ['builder', 'skeptic', 'futurist', 'creator', 'founder'].map((persona) => [persona, true, null]));
      for (const row of comparison.scoreboard) assert.ok(['Ship', 'Mixed', 'Skip'].includes(row.verdict ?? ''), `${row.model}: ${row.verdict}`);
      for (const review of comparison.reviews) assert.equal(review.scores.length, 3);
    });
  }

  it('the same prompt gets the same verdicts, whatever order each persona saw the answers in', async () => {
    const body = { models: ['sim/fast', 'test-model', 'echo-model'], prompt: 'Is a hot dog a sandwich?', judge: 'chat/judge' };
    const first = (await post('/v1/compare', body)).body as Comparison;
    const second = (await post('/v1/compare', { ...body, models: ['echo-model', 'sim/fast', 'test-model'] })).body as Comparison;
    assert.equal(first.scorecards.length, 15);
    const scores = (comparison: Comparison) => comparison.scorecards.map((card) => `${card.persona} ${card.model} ${card.score} ${card.verdict}`).sort();
    assert.deepEqual(scores(first), scores(second));
  });

  for (const judge of judges) {
    it(`a best-of fusion reads the scores of ${judge} and follows its best`, async () => {
      const { status, body } = await post('/v1/chat/completions', {
        model: 'fusion',
        messages: [{ role: 'user', content: 'What is the capital of Australia?' }],
        fusion: { pool: ['sim/fast', 'test-model', 'echo-model'], judge, mode: 'best-of' },
      });
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.fusion.scores_readable, true);
      const scored = body.fusion.members.filter((member: { score: number | null }) => typeof member.score === 'number');
      assert.equal(scored.length, 3);
      const best = Math.max(...scored.map((member: { score: number }) => member.score));
      assert.equal(body.fusion.members.find((member: { chosen: boolean }) => member.chosen).score, best);
    });

    it(`a merge fusion on ${judge} answers the user, and keeps its analysis apart`, async () => {
      const { status, body } = await post('/v1/chat/completions', {
        model: 'fusion',
        messages: [{ role: 'user', content: 'What is the capital of Australia?' }],
        fusion: { pool: ['sim/fast', 'test-model'], judge, mode: 'merge', return_analysis: true },
      });
      assert.equal(status, 200, JSON.stringify(body));
      const content = String(body.choices[0].message.content);
      assert.match(content, /^Simulated reply from \S+ to "What is the capital of Australia\?"/);
      assert.doesNotMatch(content, /conversation_|answer_|analysis/);
      assert.match(String(body.fusion.analysis), /^Consensus: .*\nContradictions: .*\nCoverage gaps: .*\nUnique insights: .*\nBlind spots: /);
    });
  }

  it('a plain request with a system message still gets the generated text', async () => {
    const completion = await stack.client.chat.completions.create({ model: 'test-model', messages: [{ role: 'system', content: 'You are the judge of a panel of AI models.' }, { role: 'user', content: 'Hello' }] });
    assert.match(completion.choices[0].message.content ?? '', /^Simulated reply from upstream-model to "Hello"/);
  });
});
