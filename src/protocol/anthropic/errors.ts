// Anthropic names its errors by kind, not by HTTP status; its SDKs read `error.type` to pick the
// exception they throw. Whatever the gateway's own type, an Anthropic client gets Anthropic's name
// for the status it receives.

export interface ErrorDescription {
  status: number;
  type: string;
  message: string;
}

/** `{"type":"error","error":{"type","message"}}`, as Anthropic returns it. */
export function anthropicErrorBody(error: ErrorDescription): string {
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(error.status), message: error.message } });
}

export function anthropicErrorType(status: number): string {
  const known = typesByStatus[status];
  if (known) return known;
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

const typesByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};
