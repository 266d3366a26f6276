import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carriesFinishReason, carriesUsage, notableIn } from './stream-bytes.ts';

const bytes = (text: string): string => text;

test('a usage object is told from the null of every chunk, spaced or not, wherever it stands', () => {
  assert.equal(carriesUsage(bytes('data: {"choices":[],"usage":null}\n\n')), false);
  assert.equal(carriesUsage(bytes('data: {"choices":[],"usage":{"prompt_tokens":1}}\n\n')), true);
  assert.equal(carriesUsage(bytes('data: {"choices":[], "usage": {"prompt_tokens":1}}\n\n')), true);
  // A null first, then an object: close behind it (looked at in place) and far behind it (searched).
  assert.equal(carriesUsage(bytes('data: {"usage":null}\n\ndata: {"usage":{"a":1}}\n\n')), true);
  assert.equal(carriesUsage(bytes(`data: {"usage":null,"pad":"${'x'.repeat(200)}"}\n\ndata: {"usage":{"a":1}}\n\n`)), true);
  assert.equal(carriesUsage(bytes('data: {"x":"usage"}\n\n"usage":')), false);
});

test('a finish reason is a string, not null', () => {
  assert.equal(carriesFinishReason(bytes('{"choices":[{"finish_reason":null}],"usage":null}')), false);
  assert.equal(carriesFinishReason(bytes('{"choices":[{"finish_reason":"stop"}]}')), true);
  assert.equal(carriesFinishReason(bytes('{"choices":[{"finish_reason": "length"}]}')), true);
  assert.equal(carriesFinishReason(bytes('{"choices":[{"finish_reason" : "length"}]}')), true);
  assert.equal(carriesUsage(bytes('{"choices":[],"usage" : {"completion_tokens":1}}')), true);
  assert.equal(carriesUsage(bytes('{"choices":[],"usage" : null}')), false);
  assert.equal(carriesFinishReason(bytes('{"choices":[{"index":0,"finish_reason":null},{"index":1,"finish_reason":"stop"}]}')), true);
});

test('one pass finds what each search would: every usage object where it begins, overlapping keys too', () => {
  assert.equal(notableIn('data: {"choices":[{"delta":{"content":"hi"},"finish_reason":null}],"usage":null}\n\n'), null);
  const text = 'data: {"usage":null}\n\ndata: {"choices":[{"finish_reason":"stop"}],"usage": {"a":1}}\n\ndata: {"usage":{"b":2}}\n\n';
  assert.deepEqual(notableIn(text), { finish: true, finishAt: text.indexOf('"finish_reason":"'), toolCalls: false, usage: [text.indexOf('"usage": {'), text.lastIndexOf('"usage":{')] });
  // A key that begins inside another's match is still found.
  const overlapping = '{"finish_reason":"tool_calls":1,"x":"finish_reason":"usage":{}}';
  assert.deepEqual(notableIn(overlapping), { finish: true, finishAt: overlapping.indexOf('"finish_reason'), toolCalls: true, usage: [overlapping.indexOf('"usage":{')] });
  assert.deepEqual(notableIn('{"content": [{"type":"text"}]}'), { finish: false, finishAt: -1, toolCalls: false, usage: [] });
});

test('the one pass agrees with a search per key on text made of their pieces', () => {
  const pieces = ['"usage"', '"finish_reason"', '"tool_calls"', '"content"', ':', ' ', '{', '[', '"', 'e', 't', '_reason"', '_calls"', '"stop"', 'null', '"usag', 'e"', 't"', ',', '}'];
  // A fixed sequence (a linear congruential generator), so a failure can be run again.
  let state = 7;
  const next = (bound: number): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) % bound;
  for (let round = 0; round < 20_000; round++) {
    let text = '';
    for (let count = 1 + next(12); count > 0; count--) text += pieces[next(pieces.length)];
    const finishAt = text.search(/"finish_reason" *: *"/);
    const usage = [...text.matchAll(/"usage" *: *\{/g)].map((match) => match.index);
    const toolCalls = text.includes('"tool_calls"');
    const any = finishAt !== -1 || usage.length > 0 || toolCalls || /"content" *: *\[/.test(text);
    assert.deepEqual(notableIn(text), any ? { finish: finishAt !== -1, finishAt, toolCalls, usage } : null, text);
  }
});
