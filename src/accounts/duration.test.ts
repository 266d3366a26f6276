// OpenAI's duration format: milliseconds below a second, then seconds, minutes and hours, always
// rounded up so that waiting the time shown is enough.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDuration } from './duration.ts';

describe('formatDuration', () => {
  test('writes durations as OpenAI does', () => {
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(249.2), '250ms', 'rounded up, so waiting the time is enough');
    assert.equal(formatDuration(1_500), '1.5s');
    assert.equal(formatDuration(12_000), '12s');
    assert.equal(formatDuration(60_000), '1m0s');
    assert.equal(formatDuration(360_000), '6m0s');
    assert.equal(formatDuration(90_500), '1m30.5s');
    assert.equal(formatDuration(3_723_000), '1h2m3s');
  });
});
