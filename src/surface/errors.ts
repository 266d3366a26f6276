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
}

export class GatewayError extends Error {
  status: number;
  type: string;
  code: string | null;
  param: string | null;
  headers: Record<string, string> | undefined;
  fromUpstream: boolean;

  constructor(message: string, fields: ErrorFields) {
    super(message);
    this.status = fields.status;
    this.type = fields.type;
    this.code = fields.code ?? null;
    this.param = fields.param ?? null;
    this.headers = fields.headers;
    this.fromUpstream = fields.fromUpstream ?? false;
  }
}

export function invalidRequest(message: string, param: string | null = null, code = 'invalid_request'): GatewayError {
  return new GatewayError(message, { status: 400, type: 'invalid_request_error', code, param });
}

export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal error in modelmux; the request id in x-request-id identifies it in the logs', {
    status: 500,
    type: 'server_error',
    code: 'internal_error',
  });
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

// Secrets an upstream might echo back (e.g. "Incorrect API key provided: sk-...") are cut out of any
// text before it reaches a client or a log line.
const secretPatterns = [
  /\b(sk|pk|rk|gsk|xai|csk|fw|hf|nvapi|sess)[-_][A-Za-z0-9_\-]{8,}/g,
  /\bAIza[0-9A-Za-z_\-]{20,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+\/=\-]{8,}/gi,
];

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  for (const pattern of secretPatterns) result = result.replace(pattern, '[redacted]');
  return result;
}
