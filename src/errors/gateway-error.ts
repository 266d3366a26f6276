// Every error the gateway answers with: its HTTP status and OpenAI-style fields (type, code, param),
// made by a named constructor below so each kind of error is spelled in one place. The HTTP layer
// renders one in the caller's wire format. Anything thrown that is not a GatewayError is a fault of
// the gateway's own and becomes a 500 (internalError). A leaf: it imports nothing.

export interface ErrorFields {
  status: number;
  type: string;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
  /** The status and fields come from a provider's error response. */
  fromUpstream?: boolean;
  /** A fault inside the gateway itself (see internalError). */
  internal?: boolean;
  cause?: unknown;
}

export class GatewayError extends Error {
  status: number;
  type: string;
  code: string | null;
  param: string | null;
  headers: Record<string, string> | undefined;
  fromUpstream: boolean;
  internal: boolean;

  constructor(message: string, fields: ErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.status = fields.status;
    this.type = fields.type;
    this.code = fields.code ?? null;
    this.param = fields.param ?? null;
    this.headers = fields.headers;
    this.fromUpstream = fields.fromUpstream ?? false;
    this.internal = fields.internal ?? false;
  }
}

export function invalidRequest(message: string, param: string | null = null, code = 'invalid_request'): GatewayError {
  return new GatewayError(message, { status: 400, type: 'invalid_request_error', code, param });
}

export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return internalError(error);
}

/** A fault inside the gateway (an exception it did not expect), not the caller's nor a provider's:
 * the same request would fail anywhere, so it is never retried on another provider, never counted
 * against a provider's breaker or stats, and never charged to the caller. The request fails alone,
 * with a 500 and its stack in the log. */
export function internalError(cause: unknown): GatewayError {
  return new GatewayError('internal error in modelmux; the request id in x-request-id identifies it in the logs', {
    status: 500,
    type: 'server_error',
    code: 'internal_error',
    internal: true,
    cause,
  });
}

/** The stack of what caused an internal error, for the log. */
export function internalErrorDetail(error: GatewayError): string {
  const cause = error.cause;
  return cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : String(cause);
}

/** An error's class for metrics and the ledger: our own codes, or the upstream's status (never its
 * free-form fields). */
export function errorLabel(error: GatewayError): string {
  return error.fromUpstream ? `upstream_${error.status}` : error.code ?? error.type;
}

export function notFound(message: string, code: string, param: string | null = null): GatewayError {
  return new GatewayError(message, { status: 404, type: 'invalid_request_error', code, param });
}

export function methodNotAllowed(message: string): GatewayError {
  return new GatewayError(message, { status: 405, type: 'invalid_request_error', code: 'method_not_allowed' });
}

export function requestTooLarge(message: string): GatewayError {
  return new GatewayError(message, { status: 413, type: 'invalid_request_error', code: 'request_too_large' });
}

export function unauthorized(message: string, code: string): GatewayError {
  return new GatewayError(message, { status: 401, type: 'authentication_error', code });
}

export function forbidden(message: string, code: string, param: string | null = null): GatewayError {
  return new GatewayError(message, { status: 403, type: 'permission_error', code, param });
}

export function rateLimited(message: string, code: string, headers?: Record<string, string>): GatewayError {
  return new GatewayError(message, { status: 429, type: 'rate_limit_error', code, headers });
}

/** The client went away (499, nginx's convention): nobody reads the answer. */
export function clientClosed(message = 'the client closed the request', code = 'client_closed_request'): GatewayError {
  return new GatewayError(message, { status: 499, type: 'client_closed_request', code });
}

/** A provider failed in a way the gateway saw itself (unreachable, malformed, cut short). */
export function upstreamFailed(message: string, code: string, status = 502): GatewayError {
  return new GatewayError(message, { status, type: 'upstream_error', code });
}

/** The gateway cannot serve this now (no provider could be tried, no store to read). */
export function unavailable(message: string, code: string, type = 'server_error'): GatewayError {
  return new GatewayError(message, { status: 503, type, code });
}

/** The gateway is shutting down, and this request outlived the grace it had to finish. */
export function shuttingDown(): GatewayError {
  return unavailable('the gateway is shutting down and this request did not finish within its grace; retry it', 'server_shutting_down');
}

/** The status of a response that never finished: 503 when the gateway cut it short to shut down,
 * else 499, since its client left (nginx's convention). */
export function unfinishedStatus(error: GatewayError | null): number {
  return error?.code === 'server_shutting_down' ? 503 : 499;
}

export function paymentRequired(message: string, code: string, headers?: Record<string, string>): GatewayError {
  return new GatewayError(message, { status: 402, type: 'insufficient_quota', code, headers });
}

export function timedOut(message: string, code: string): GatewayError {
  return new GatewayError(message, { status: 504, type: 'timeout_error', code });
}

/** `{"error":{"message","type","code","param"}}`, as OpenAI returns it. */
export function openAIErrorBody(error: GatewayError): string {
  return JSON.stringify({ error: { message: error.message, type: error.type, code: error.code, param: error.param } });
}
