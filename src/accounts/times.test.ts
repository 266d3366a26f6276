import assert from 'node:assert/strict';
import { test } from 'node:test';
import { earliestTime, isoTime, latestTime, parseTime } from './times.ts';

test('parseTime takes epoch ms and ISO 8601 dates in the years 0000 to 9999, and nothing else', () => {
  assert.equal(parseTime('2026-11-01'), Date.UTC(2026, 10, 1));
  assert.equal(parseTime('2026-11-01T12:00:00Z'), Date.UTC(2026, 10, 1, 12));
  assert.equal(parseTime('1793534400000'), 1793534400000);
  assert.equal(parseTime(1793534400000), 1793534400000);
  assert.equal(parseTime('12'), 12, 'digits are epoch ms, never a guessed date');
  assert.equal(parseTime('0000-01-01'), earliestTime);
  assert.equal(parseTime('9999-12-31T23:59:59.999Z'), latestTime);
  for (const value of [latestTime + 1, earliestTime - 1, 8.64e15, 9e15, 1e308, -1e308, Infinity, NaN, 1.5, '10000-01-01', '+275760-09-13T00:00:00Z', '99999999999999999999', '-1', 'Jan 1 2027', 'soon', '', null, true, {}]) {
    assert.equal(parseTime(value), null, String(value));
  }
});

test('isoTime prints any number, keeping a time beyond a Date on its side of now', () => {
  assert.equal(isoTime(0), '1970-01-01T00:00:00.000Z');
  assert.equal(isoTime(1e308), '+275760-09-13T00:00:00.000Z');
  assert.equal(isoTime(Infinity), '+275760-09-13T00:00:00.000Z');
  assert.equal(isoTime(NaN), '+275760-09-13T00:00:00.000Z');
  assert.equal(isoTime(-1e308), '-271821-04-20T00:00:00.000Z');
});

test('a time of day without an offset is UTC, as a date alone is, whatever zone the server runs in', () => {
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  try {
    assert.equal(parseTime('2026-11-01T00:00'), Date.UTC(2026, 10, 1));
    assert.equal(parseTime('2026-11-01 12:30:00'), Date.UTC(2026, 10, 1, 12, 30));
    assert.equal(parseTime('2026-11-01T12:00:00.5'), Date.UTC(2026, 10, 1, 12, 0, 0, 500));
    assert.equal(parseTime('2026-11-01T12:00:00+02:00'), Date.UTC(2026, 10, 1, 10));
    assert.equal(parseTime('2026-11-01T12:00:00-0500'), Date.UTC(2026, 10, 1, 17));
    assert.equal(parseTime('2026-11-01T12:00z'), Date.UTC(2026, 10, 1, 12));
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});
