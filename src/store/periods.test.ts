// Budget periods: day and month boundaries in UTC, month lengths (February in leap and common
// years, December into January), and the all-time period.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { periodReset, periodStart } from './periods.ts';
import type { BudgetPeriod } from './store.ts';

const periodBounds = (period: BudgetPeriod, now: number): { start: number; end: number } => ({ start: periodStart(period, now), end: periodReset(period, now) ?? Number.POSITIVE_INFINITY });

const at = (iso: string): number => Date.parse(iso);

describe('periodBounds', () => {
  test('a day runs from UTC midnight to the next', () => {
    assert.deepEqual(periodBounds('day', at('2025-03-14T15:09:26.535Z')), {
      start: at('2025-03-14T00:00:00.000Z'),
      end: at('2025-03-15T00:00:00.000Z'),
    });
  });

  test('midnight itself opens a day, the millisecond before closes the last one', () => {
    const midnight = at('2025-03-15T00:00:00.000Z');
    assert.equal(periodBounds('day', midnight).start, midnight);
    assert.equal(periodBounds('day', midnight - 1).end, midnight);
    assert.equal(periodBounds('day', midnight - 1).start, at('2025-03-14T00:00:00.000Z'));
  });

  test('days roll over month and year ends', () => {
    assert.deepEqual(periodBounds('day', at('2024-02-29T23:59:59.999Z')), {
      start: at('2024-02-29T00:00:00.000Z'),
      end: at('2024-03-01T00:00:00.000Z'),
    });
    assert.deepEqual(periodBounds('day', at('2025-12-31T12:00:00.000Z')), {
      start: at('2025-12-31T00:00:00.000Z'),
      end: at('2026-01-01T00:00:00.000Z'),
    });
  });

  test('a month runs from its first UTC midnight to the next month’s', () => {
    assert.deepEqual(periodBounds('month', at('2025-07-04T09:00:00.000Z')), {
      start: at('2025-07-01T00:00:00.000Z'),
      end: at('2025-08-01T00:00:00.000Z'),
    });
  });

  test('February has 29 days in a leap year and 28 otherwise', () => {
    const leap = periodBounds('month', at('2024-02-29T23:59:59.999Z'));
    assert.deepEqual(leap, { start: at('2024-02-01T00:00:00.000Z'), end: at('2024-03-01T00:00:00.000Z') });
    assert.equal((leap.end - leap.start) / 86_400_000, 29);
    const common = periodBounds('month', at('2025-02-10T00:00:00.000Z'));
    assert.equal((common.end - common.start) / 86_400_000, 28);
  });

  test('December ends at the first of January of the next year', () => {
    assert.deepEqual(periodBounds('month', at('2025-12-31T23:59:59.999Z')), {
      start: at('2025-12-01T00:00:00.000Z'),
      end: at('2026-01-01T00:00:00.000Z'),
    });
    assert.equal(periodBounds('month', at('2026-01-01T00:00:00.000Z')).start, at('2026-01-01T00:00:00.000Z'));
  });

  test('total covers all time', () => {
    assert.deepEqual(periodBounds('total', at('2025-03-14T15:09:26.535Z')), { start: 0, end: Number.POSITIVE_INFINITY });
  });
});
