// Errors carry their HTTP status and OpenAI-style fields; the surface turns them into the caller's
// wire format. Anything that is not a GatewayError is an internal fault and becomes a 500.

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

/** `{"error":{"message","type","code","param"}}`, as OpenAI returns it. */
export function openAIErrorBody(error: GatewayError): string {
  return JSON.stringify({ error: { message: error.message, type: error.type, code: error.code, param: error.param } });
}
