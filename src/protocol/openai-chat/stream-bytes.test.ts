import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carriesFinishReason, carriesUsage } from './stream-bytes.ts';

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
  assert.equal(carriesFinishReason(bytes('{"choices":[{"index":0,"finish_reason":null},{"index":1,"finish_reason":"stop"}]}')), true);
});
