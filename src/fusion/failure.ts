// The status and type of a fusion or comparison that failed as a whole. When every call failed the
// same client-side way (a bad key, a spent budget, a forbidden model, an unknown model), that is
// the caller's answer, typed as a client expects it; when each failed for a different reason of the
// caller's own, a 400 (the message names each); anything else is the upstream's fault, a 502.

const clientErrorTypes: Record<number, string> = { 401: 'authentication_error', 402: 'insufficient_quota', 403: 'permission_error', 429: 'rate_limit_error' };

/** The one status every failure shares when it is a client error; 400 for client errors that
 * differ; else 502. A 408 is a timeout, not the caller's doing. */
export function sharedFailureStatus(statuses: Iterable<number>): number {
  const distinct = new Set(statuses);
  const callers = [...distinct].every((status) => status >= 400 && status < 500 && status !== 408);
  if (distinct.size === 0 || !callers) return 502;
  return distinct.size === 1 ? [...distinct][0] : 400;
}

/** The error type that goes with a status the gateway answers with. */
export function errorTypeOf(status: number): string {
  return clientErrorTypes[status] ?? (status >= 400 && status < 500 ? 'invalid_request_error' : 'upstream_error');
}
