// Budget periods and usage days in UTC: where a period starts, when it resets, and the YYYY-MM-DD
// name of a day. UTC so that every backend and every server agrees on the boundaries whatever its
// local time zone; the reset time travels in the 402 so clients need not know the rule.
import type { BudgetPeriod } from './store.ts';

const dayMs = 86_400_000;

/** Epoch ms the period containing `at` began; 0 for 'total'. */
export function periodStart(period: BudgetPeriod, at: number): number {
  if (period === 'day') return at - mod(at, dayMs);
  if (period === 'month') {
    const date = new Date(at);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
  return 0;
}

/** Epoch ms the period containing `at` ends and a fresh one begins; null for 'total', which never resets. */
export function periodReset(period: BudgetPeriod, at: number): number | null {
  if (period === 'day') return periodStart('day', at) + dayMs;
  if (period === 'month') {
    const date = new Date(at);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return null;
}

export function dayStart(at: number): number {
  return at - mod(at, dayMs);
}

export function dayEnd(at: number): number {
  return dayStart(at) + dayMs;
}

/** YYYY-MM-DD of the UTC day containing `at`. */
export function dayName(at: number): string {
  const start = dayStart(at);
  if (start !== lastDay.start) lastDay = { start, name: new Date(start).toISOString().slice(0, 10) };
  return lastDay.name;
}

/** Every row of a day asks for its name: the last one is kept. */
let lastDay = { start: Number.NaN, name: '' };

/** Remainder that stays non-negative for instants before 1970, so they floor to their own day. */
function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
