// Google's error body, `{"error": {"code", "message", "status", "details": [...]}}`, read for what the
// gateway passes on: the status, a message, and how long to wait before retrying.
import type { StreamFailure } from '../ir.ts';

const retryInfoType = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * Seconds to wait, rounded up, from a `google.rpc.RetryInfo` detail (`retryDelay: "34.4s"` gives
 * "35"), for a `retry-after` header; null when the body carries none. Accepts the parsed body, its
 * JSON text, or the one-element array some Google endpoints wrap their errors in.
 */
export function retryAfterFromGoogleError(body: unknown): string | null {
  const error = googleError(body);
  if (!error || !Array.isArray(error.details)) return null;
  for (const detail of error.details) {
    if (!isRecord(detail) || detail['@type'] !== retryInfoType) continue;
    const seconds = durationSeconds(detail.retryDelay);
    if (seconds !== null) return String(Math.ceil(seconds));
  }
  return null;
}

/** The error object of a Google error body, or null when the body is not one. */
export function googleError(body: unknown): Record<string, unknown> | null {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (Array.isArray(value) && value.length > 0) value = value[0];
  if (!isRecord(value) || !isRecord(value.error)) return null;
  return value.error;
}

/** A stream failure from a Google error object: its HTTP code when it is one, else 502. */
export function failureFromGoogleError(error: Record<string, unknown>): StreamFailure {
  const code = typeof error.code === 'number' && error.code >= 400 && error.code <= 599 ? error.code : 502;
  return {
    status: code,
    type: 'upstream_error',
    code: typeof error.status === 'string' ? error.status : null,
    message: typeof error.message === 'string' && error.message !== '' ? error.message : 'the provider reported an error',
  };
}

/** A protobuf Duration in its JSON form: decimal seconds followed by "s". */
function durationSeconds(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
  if (!match) return null;
  const seconds = Number(match[1]);
  return Number.isFinite(seconds) ? seconds : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
