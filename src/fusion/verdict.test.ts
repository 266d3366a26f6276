import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readVerdict } from './verdict.ts';

describe('reading a best-of verdict', () => {
  it('reads bare JSON and keeps the judge choice', () => {
    const verdict = readVerdict('{"scores":[{"answer":1,"score":70,"reason":"ok"},{"answer":2,"score":85,"reason":"clear"}],"best":2}', 2);
    assert.deepEqual([...(verdict?.scores ?? [])], [
      [1, { score: 70, reason: 'ok' }],
      [2, { score: 85, reason: 'clear' }],
    ]);
    assert.equal(verdict?.named, 2);
    assert.deepEqual(verdict?.top, [2]);
  });

  it('reads JSON inside a code fence or prose, with string scores, and clamps them', () => {
    const text = 'Sure! Here you go:\n```json\n{"scores":[{"answer":"1","score":"120","reason":"great\\nreally"},{"answer":2,"score":-5,"reason":"wrong"}]}\n```\nHope that helps.';
    const verdict = readVerdict(text, 2);
    assert.equal(verdict?.scores.get(1)?.score, 100);
    assert.equal(verdict?.scores.get(1)?.reason, 'great really');
    assert.equal(verdict?.scores.get(2)?.score, 0);
    assert.equal(verdict?.named, null);
    assert.deepEqual(verdict?.top, [1]);
  });

  it('names no best when the named one was not scored, and lists every answer that shares the top score', () => {
    const tied = readVerdict('{"scores":[{"answer":1,"score":80},{"answer":2,"score":80},{"answer":3,"score":20}],"best":7}', 3);
    assert.equal(tied?.named, null);
    assert.deepEqual(tied?.top, [1, 2]);
    assert.deepEqual(readVerdict('[{"score":10},{"score":95},{"score":40}]', 3)?.top, [2]);
  });

  it('ignores answers that do not exist', () => {
    const verdict = readVerdict('{"scores":[{"answer":4,"score":99},{"answer":1,"score":20}]}', 2);
    assert.deepEqual([...(verdict?.scores.keys() ?? [])], [1]);
  });

  it('falls back to score lines', () => {
    const verdict = readVerdict('Answer 1: 72/100 - solid but long\nAnswer 2 — 91: precise and complete\n#3: 15 points, wrong city', 3);
    assert.deepEqual([...(verdict?.scores ?? [])].map(([number, score]) => [number, score.score, score.reason]), [
      [1, 72, 'solid but long'],
      [2, 91, 'precise and complete'],
      [3, 15, 'wrong city'],
    ]);
    assert.equal(verdict?.named, null);
    assert.deepEqual(verdict?.top, [2]);
  });

  it('says so when nothing can be read', () => {
    assert.equal(readVerdict('I think they are all fine.', 3), null);
    assert.equal(readVerdict('{"scores": "none"}', 3), null);
  });
});
