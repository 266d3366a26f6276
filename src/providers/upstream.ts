// One HTTP exchange with a provider: send the request on the provider's keep-alive pool, enforce the
// connect / first-byte / idle / total timeouts, and turn every way it can fail into a GatewayError
// that names the provider and never carries its credentials.
import { GatewayError } from '../errors/gateway-error.ts';
import type { Redactor } from '../secrets/redactor.ts';
import { retryAfterFromGoogleError } from '../protocol/gemini/errors.ts';
import { staticAuthHeaders } from './auth/index.ts';
import { ExchangeDeadlines } from './deadlines.ts';
import type { DeadlineKind } from './deadlines.ts';
import type { Provider } from './registry.ts';
import { dispatchUpstream } from './upstream-body.ts';
import type { UpstreamBody, UpstreamHeaders, UpstreamResponse } from './upstream-body.ts';

export interface ExchangeOptions {
  /** Aborts the exchange (client gone); timeouts abort it too, with their own reason. */
  controller: AbortController;
  requestId: string;
  /** Client headers the provider is configured to receive. */
  forwardedHeaders?: Record<string, string>;
  /** Headers this particular request needs (e.g. a beta flag the codec chose). */
  headers?: Record<string, string>;
  /** The caller's own key for this provider (`client_keys`), in place of the configured one. */
  clientKey?: string | null;
}

export interface UpstreamExchange {
  status: number;
  headers: UpstreamHeaders;
  body: UpstreamBody;
  /** Call on every body chunk: switches from the first-byte to the idle timeout, then refreshes it. */
  sawData(): void;
  /** While the client is not reading, the provider's silence is not its fault: stop the idle clock. */
  holdIdle(): void;
  releaseIdle(): void;
  /** Call when the exchange is over, whichever way. */
  finish(): void;
  /** Cuts every credential this exchange carried (the provider's, the caller's own key, a token
   * minted for it) out of what the provider sends back. */
  redactor: Redactor;
}

export async function openExchange(provider: Provider, path: string, body: string, options: ExchangeOptions): Promise<UpstreamExchange> {
  const timeouts = provider.config.timeouts;
  const { controller } = options;
  const expire = (kind: DeadlineKind, milliseconds: number): void => {
    controller.abort(
      new GatewayError(`provider "${provider.id}" ${kind} timed out after ${milliseconds} ms`, {
        status: 504,
        type: 'timeout_error',
        code: `upstream_${kind.replace(/ /g, '_')}_timeout`,
      }),
    );
  };
  const deadlines = new ExchangeDeadlines(timeouts, expire);

  const headers = options.forwardedHeaders ? { ...options.forwardedHeaders, ...provider.headers } : { ...provider.headers };
  if (options.headers) mergeHeaders(headers, options.headers);
  if (options.clientKey) Object.assign(headers, staticAuthHeaders({ ...provider.config, apiKey: options.clientKey }));
  headers['x-request-id'] = options.requestId;
  let response: UpstreamResponse;
  let redactor = provider.redactor.with([options.clientKey]);
  try {
    if (provider.authorize) {
      const signed = await provider.authorize({ method: 'POST', url: new URL(provider.origin + provider.basePath + path), headers, body });
      Object.assign(headers, signed);
      // Only what carries a credential (a token, a signature): a date header is no secret.
      redactor = redactor.with(Object.entries(signed).filter(([name]) => /authorization|token|key|signature/i.test(name)).map(([, value]) => value));
    }
    response = await dispatchUpstream(provider.dispatcher, { origin: provider.origin, path: provider.basePath + path, method: 'POST', headers, body }, controller.signal);
  } catch (error) {
    deadlines.stop();
    throw upstreamFailure(provider, error, controller, redactor);
  }
  return {
    status: response.status,
    headers: response.headers,
    body: response.body,
    sawData() {
      deadlines.sawData();
    },
    holdIdle() {
      deadlines.holdIdle();
    },
    releaseIdle() {
      if (!controller.signal.aborted) deadlines.releaseIdle();
    },
    finish() {
      deadlines.stop();
      // An answer left unread (its reader failed first) must not keep its connection.
      if (!response.body.destroyed) response.body.destroy();
    },
    redactor,
  };
}

/** Maps a thrown error (socket, DNS, abort, timeout) to what the client is told: the provider by its
 * id, never its address, since a base URL may name a host on the operator's private network. */
export function upstreamFailure(provider: Provider, error: unknown, controller: AbortController, redactor: Redactor = provider.redactor): GatewayError {
  if (controller.signal.aborted && controller.signal.reason instanceof GatewayError) return controller.signal.reason;
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: string }).code ?? '';
  const failure = (message: string, errorCode: string, status = 502, type = 'upstream_error'): GatewayError =>
    new GatewayError(`provider "${provider.id}" ${message}`, { status, type, code: errorCode });
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return failure(`connect timed out after ${provider.config.timeouts.connectMs} ms`, 'upstream_connect_timeout', 504, 'timeout_error');
    case 'ECONNREFUSED':
      return failure('refused the connection', 'upstream_unreachable');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return failure('host could not be resolved', 'upstream_unreachable');
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_CLOSED':
      return failure('closed the connection before the response was complete', 'upstream_connection_error');
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return new GatewayError('the client closed the request', { status: 499, type: 'client_closed_request', code: 'client_closed_request' });
    default: {
      // TLS failures name the host in their messages (`Host: x is not in the cert's altnames`).
      if (/^ERR_(TLS|SSL)_|CERT|SIGNATURE|^UNABLE_TO_/.test(code)) return failure(`TLS connection failed (${code})`, 'upstream_error');
      const detail = error instanceof Error ? error.message : String(error);
      return failure(`request failed: ${withoutAddresses(redactor.text(detail), provider)}`, 'upstream_error');
    }
  }
}

/** The text with the provider's origin and host, and any IP address (with its port), cut out. */
function withoutAddresses(text: string, provider: Provider): string {
  let hostname = '';
  try {
    hostname = new URL(provider.origin).hostname.replace(/^\[|\]$/g, '');
  } catch {
    // No origin to look for; the patterns below still apply.
  }
  let clean = text.split(provider.origin).join('<provider>');
  if (hostname !== '') clean = clean.split(hostname).join('<provider>');
  return clean
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<address>')
    .replace(/\[?\b(?:[0-9a-f]{0,4}:){2,}[0-9a-f]{0,4}\b\]?(?::\d+)?/gi, '<address>')
    .replace(/<provider>:\d+/g, '<provider>');
}

/** What of an error response is read: its message is in the first few hundred bytes. */
const errorBodyLimit = 256 * 1024;

/** Reads an upstream error response (bounded) and keeps its status, message, type and code. */
export async function upstreamErrorResponse(provider: Provider, exchange: UpstreamExchange): Promise<GatewayError> {
  let text = '';
  try {
    text = (await readBody(exchange, errorBodyLimit)).toString('utf8').slice(0, errorBodyLimit);
  } catch {
    // The status alone still tells the story.
  }
  const parsed = parseErrorBody(text);
  const status = exchange.status;
  const redact = exchange.redactor;
  const clean = (value: string | null): string | null => (value === null ? null : redact.text(value).slice(0, 200));
  const message = redact.text(parsed.message ?? (text.trim().slice(0, 500) || `HTTP ${status}`));
  const headers: Record<string, string> = {};
  const retryAfter = exchange.headers['retry-after'];
  if (typeof retryAfter === 'string') headers['retry-after'] = retryAfter;
  else {
    // Google says when to retry in the body (google.rpc.RetryInfo), not in a header.
    const googleRetry = retryAfterFromGoogleError(parseJson(text));
    if (googleRetry) headers['retry-after'] = googleRetry;
  }
  return new GatewayError(`provider "${provider.id}" returned ${status}: ${message}`, {
    status,
    type: clean(parsed.type) ?? typeForStatus(status),
    code: clean(parsed.code),
    param: clean(parsed.param),
    headers,
    fromUpstream: true,
  });
}

/**
 * The body's bytes, each chunk keeping the exchange's timers informed. With a `limit`, reading stops
 * once it is reached (the body destroyed, the rest left unsent). Rejects when the body fails, or
 * closes (destroyed) before its end, as a cut connection. Events, not `for await`: an async iterator
 * costs several objects and ticks per answer.
 */
export function readBody(exchange: UpstreamExchange, limit = Infinity): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let read = false;
    const done = (): void => {
      read = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const { body } = exchange;
    body.on('data', (chunk: Buffer) => {
      exchange.sawData();
      chunks.push(chunk);
      size += chunk.length;
      if (size < limit) return;
      done();
      body.destroy();
    });
    body.once('end', done);
    body.once('error', reject);
    body.once('close', () => read || reject(Object.assign(new Error('the body was closed'), { code: 'UND_ERR_SOCKET' })));
  });
}

interface ParsedError {
  message: string | null;
  type: string | null;
  code: string | null;
  param: string | null;
}

// OpenAI `{"error":{"message",...}}`, Anthropic `{"error":{"type","message"}}`, Google
// `{"error":{"code","message","status"}}`, and the flat `{"message"}` / `{"detail"}` of others.
function parseErrorBody(text: string): ParsedError {
  const result: ParsedError = { message: null, type: null, code: null, param: null };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return result;
  }
  if (Array.isArray(body)) body = body[0];
  if (!body || typeof body !== 'object') return result;
  const record = body as Record<string, unknown>;
  const inner = (record.error && typeof record.error === 'object' ? record.error : record) as Record<string, unknown>;
  const message = inner.message ?? record.message ?? record.detail ?? (typeof record.error === 'string' ? record.error : null);
  result.message = typeof message === 'string' ? message : message != null ? JSON.stringify(message) : null;
  if (typeof inner.type === 'string') result.type = inner.type;
  if (typeof inner.code === 'string' || typeof inner.code === 'number') result.code = String(inner.code);
  else if (typeof inner.status === 'string') result.code = inner.status;
  if (typeof inner.param === 'string') result.param = inner.param;
  return result;
}

function typeForStatus(status: number): string {
  if (status === 400 || status === 422) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  return 'upstream_error';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A header a request adds to one the provider always sends (e.g. `anthropic-beta`) joins the list. */
function mergeHeaders(headers: Record<string, string>, extra: Record<string, string>): void {
  for (const [name, value] of Object.entries(extra)) {
    const key = name.toLowerCase();
    headers[key] = headers[key] && !headers[key].split(',').map((item) => item.trim()).includes(value) ? `${headers[key]},${value}` : value;
  }
}
