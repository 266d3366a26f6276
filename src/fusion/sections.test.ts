import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FinalAnswerSplitter } from './sections.ts';

/** Feeds the text in pieces of `size` characters; returns what was released at each step. */
function feed(text: string, size: number): { pieces: string[]; splitter: FinalAnswerSplitter } {
  const splitter = new FinalAnswerSplitter();
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size) pieces.push(splitter.push(text.slice(index, index + size)));
  pieces.push(splitter.end());
  return { pieces, splitter };
}

const judged = '<analysis>\nConsensus: Canberra.\nBlind spots: none.\n</analysis>\n\n<final_answer>\nThe capital is **Canberra**.\n\nIt was chosen in 1908.\n</final_answer>\n';

describe('splitting a judge stream', () => {
  for (const size of [1, 2, 3, 7, 16, 1000]) {
    it(`releases only the final answer, whatever the cut (${size} characters at a time)`, () => {
      const { pieces, splitter } = feed(judged, size);
      assert.equal(pieces.join(''), 'The capital is **Canberra**.\n\nIt was chosen in 1908.');
      assert.equal(splitter.analysis(), 'Consensus: Canberra.\nBlind spots: none.');
    });
  }

  it('releases the answer before the judge ends, holding only a possible closing tag', () => {
    const splitter = new FinalAnswerSplitter();
    assert.equal(splitter.push('<analysis>x</analysis><final_answer>Hello'), 'Hello');
    assert.equal(splitter.push(' world </fin'), ' world');
    assert.equal(splitter.push('ished? no'), ' </finished? no');
    assert.equal(splitter.push('</final_answer> trailing'), '');
    assert.equal(splitter.end(), '');
  });

  it('uses the whole text, less the analysis, when the judge wrote no final tag', () => {
    const splitter = new FinalAnswerSplitter();
    assert.equal(splitter.push('<analysis>notes</analysis>\nJust the answer.'), '');
    assert.equal(splitter.end(), 'Just the answer.');
    assert.equal(splitter.analysis(), 'notes');
  });

  it('keeps an answer cut off before its closing tag', () => {
    const { pieces } = feed('<final_answer>Partial answer', 5);
    assert.equal(pieces.join(''), 'Partial answer');
  });
});
