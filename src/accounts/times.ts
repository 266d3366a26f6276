// Times callers give (usage ranges, key expiries, comparison ranges) and times shown back. A Date
// holds ±8.64e15 ms, about ±275,000 years, and throws when asked to print anything beyond; a caller's
// time is taken only within the years 0000 to 9999, which ISO 8601 writes with four digits, every
// client parses, and no key's life or ledger range needs to leave. Times read back from the store
// are printed whatever they hold, so one odd row can never stop a listing.

/** 0000-01-01T00:00:00.000Z */
export const earliestTime = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z */
export const latestTime = 253_402_300_799_999;

/** The furthest a Date reaches either side of 1970. */
const dateLimit = 8.64e15;

/** Epoch milliseconds from a number, a string of digits (epoch ms) or an ISO 8601 date; null when it
 * is none of those, or falls outside the years 0000 to 9999. */
export function parseTime(value: unknown): number | null {
  const at = typeof value === 'number' ? value : typeof value === 'string' ? parseText(value) : Number.NaN;
  return Number.isInteger(at) && at >= earliestTime && at <= latestTime ? at : null;
}

/** Date.parse alone also guesses at free text ("-1" and "12" are dates in 2001 to it), so a date
 * must start as ISO 8601 does, with a four-digit year; Date.parse reads the rest. A time of day
 * without an offset is UTC, as a date alone is (Date.parse would take the server's own zone). */
function parseText(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}(?:[Tt ]|$)/.test(text)) return Number.NaN;
  return Date.parse(text.length > 10 && !/(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/.test(text) ? `${text}Z` : text);
}

/** The words a refusal uses for what parseTime takes. */
export const timeFormats = 'an ISO 8601 date (2026-11-01 or 2026-11-01T12:00:00Z) or epoch milliseconds, in the years 0000 to 9999';

/** ISO 8601 for any number, never throwing. A time beyond what a Date holds is shown as the furthest
 * one it does hold, on the same side, so an expiry compares with now just as the stored number does
 * (NaN compares as never reached, so it shows as the furthest future). */
export function isoTime(at: number): string {
  const held = Number.isNaN(at) ? dateLimit : Math.min(dateLimit, Math.max(-dateLimit, at));
  return new Date(held).toISOString();
}
