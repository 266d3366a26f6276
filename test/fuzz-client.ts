// Sends a fuzzed request over real HTTP and reads the whole answer: node:http for requests a client
// library could send, a raw socket for the broken ones. Any character goes into a header value: the
// text is sent as its UTF-8 bytes, as a client that does not check would send it.
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Corruption, FuzzRequest } from './fuzz-requests.ts';
import { encodeJson } from './fuzz-values.ts';

/** What the requests' placeholders stand for: the keys and ids made before fuzzing. */
export interface Fixtures {
  adminKey: string;
  limitedKey: string;
  revokedKey: string;
  /** The id of the key the admin routes may change and revoke. */
  keyId: string;
  comparisonId: string;
}

export interface WireRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body: Buffer | null;
  corruption: Corruption | null;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Why there is no complete answer (no answer in time, a reset, a cut body); null when whole. */
  failure: string | null;
}

/** The request as it goes on the wire. */
export function wireRequest(request: FuzzRequest, fixtures: Fixtures): WireRequest {
  const path = request.path.replace(/\{key\}|%7Bkey%7D/g, fixtures.keyId).replace(/\{comparison\}|%7Bcomparison%7D/g, fixtures.comparisonId);
  const headers: [string, string][] = [...credentialHeaders(request, fixtures), ...request.headers.map(([name, value]): [string, string] => [name, latin1(value)])];
  const body = request.body === null ? null : Buffer.from('json' in request.body ? encodeJson(request.body.json) : request.body.text, 'utf8');
  if (body !== null && !headers.some(([name]) => name === 'content-type')) headers.push(['content-type', 'application/json']);
  return { method: request.method, path, headers, body, corruption: request.corruption };
}

function credentialHeaders(request: FuzzRequest, fixtures: Fixtures): [string, string][] {
  const secret = { admin: fixtures.adminKey, limited: fixtures.limitedKey, revoked: fixtures.revokedKey, garbage: `mmx-${'A'.repeat(43)}`, none: null }[request.credential];
  if (secret === null) return [];
  switch (request.style) {
    case 'bearer':
      return [['authorization', `Bearer ${secret}`]];
    case 'lower':
      return [['authorization', `bearer ${secret}`]];
    case 'api-key':
      return [['x-api-key', secret]];
    case 'basic+api-key':
      return [['authorization', 'Basic Zm9vOmJhcg=='], ['x-api-key', secret]];
    case 'basic':
      return [['authorization', `Basic ${Buffer.from(`user:${secret}`).toString('base64')}`]];
    case 'bare-bearer':
      return [['authorization', `Bearer${secret}`]];
  }
}

/** A header value's UTF-8 bytes as a latin1 string (what node:http writes byte for byte); control
 * characters, which it refuses, become "?" (the raw socket sends those). */
function latin1(text: string): string {
  return Buffer.from(text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '?'), 'utf8').toString('latin1');
}

export function send(port: number, request: WireRequest, signal: AbortSignal): Promise<Reply> {
  return request.corruption === null ? sendHttp(port, request, signal) : sendRaw(port, request, signal);
}

function sendHttp(port: number, request: WireRequest, signal: AbortSignal): Promise<Reply> {
  return new Promise((resolve) => {
    const flat = request.headers.flat();
    if (request.body !== null) flat.push('content-length', String(request.body.length));
    flat.push('host', `127.0.0.1:${port}`);
    const outgoing = httpRequest({ host: '127.0.0.1', port, method: request.method, path: request.path, headers: flat, agent: false, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), failure: null }));
      response.on('error', (error) => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), failure: failureOf(error, signal) }));
    });
    outgoing.on('error', (error) => resolve({ status: 0, headers: {}, body: '', failure: failureOf(error, signal) }));
    outgoing.end(request.body ?? undefined);
  });
}

function failureOf(error: Error, signal: AbortSignal): string {
  if (signal.aborted) return String(signal.reason instanceof Error ? signal.reason.message : signal.reason);
  return `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${error.message}`;
}

/** A request broken in one way, on a socket of its own; the answer is read until the server closes. */
function sendRaw(port: number, request: WireRequest, signal: AbortSignal): Promise<Reply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (failure: string | null): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', abort);
      socket.destroy();
      const reply = parseRawReply(Buffer.concat(chunks));
      resolve(reply === null ? { status: 0, headers: {}, body: '', failure: failure ?? 'the connection closed without an answer' } : { ...reply, failure: failure ?? reply.failure });
    };
    const abort = (): void => settle(String(signal.reason instanceof Error ? signal.reason.message : signal.reason));
    signal.addEventListener('abort', abort, { once: true });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after a complete answer (the server closing on an unread body) is no failure.
    socket.on('error', (error) => settle(parseRawReply(Buffer.concat(chunks))?.failure === null ? null : `${(error as NodeJS.ErrnoException).code}: ${error.message}`));
    socket.on('end', () => settle(null));
    socket.on('close', () => settle(null));
    socket.write(rawBytes(request));
  });
}

/** The request's bytes with its corruption. */
export function rawBytes(request: WireRequest): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  const lines = [`${request.method} ${request.path} ${request.corruption === 'bad-version' ? 'HTTP/9.9' : 'HTTP/1.1'}`, 'host: 127.0.0.1', 'connection: close', ...request.headers.map(([name, value]) => `${name}: ${value}`)];
  let payload = body.toString('latin1');
  const length = `content-length: ${body.length}`;
  switch (request.corruption) {
    case 'space-in-header-name':
      lines.push('x-bad header: 1', length);
      break;
    case 'control-in-header-value':
      lines.push('x-note: a\u0001b', length);
      break;
    case 'bad-content-length':
      lines.push('content-length: abc');
      break;
    case 'two-content-lengths':
      lines.push(length, `content-length: ${body.length + 1}`);
      break;
    case 'length-and-chunked':
      lines.push(length, 'transfer-encoding: chunked');
      break;
    case 'bad-chunk-size':
      lines.push('transfer-encoding: chunked');
      payload = `zz\r\n${payload}\r\n0\r\n\r\n`;
      break;
    case 'huge-header':
      lines.push(`x-big: ${'x'.repeat(70_000)}`, length);
      break;
    case 'utf8-header-name':
      lines.push(`${Buffer.from('x-😀', 'utf8').toString('latin1')}: 1`, length);
      break;
    case 'folded-header':
      lines.push('x-folded: a', ' b', length);
      break;
    default:
      lines.push(length);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${payload}`, 'latin1');
}

function parseRawReply(bytes: Buffer): Reply | null {
  // Interim answers (100 Continue) come before the real one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(bytes.subarray(0, 13).toString('latin1')) && bytes.indexOf('\r\n\r\n') !== -1) bytes = bytes.subarray(bytes.indexOf('\r\n\r\n') + 4);
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine, ...headerLines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: IncomingHttpHeaders = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = bytes.subarray(end + 4);
  let failure: string | null = null;
  if (headers['transfer-encoding'] === 'chunked') {
    const decoded = dechunk(body);
    body = decoded ?? body;
    if (decoded === null) failure = 'the chunked answer was cut short';
  } else if (headers['content-length'] !== undefined && body.length < Number(headers['content-length'])) {
    failure = 'the answer was cut short';
  }
  return { status, headers, body: body.toString('utf8'), failure };
}

/** The body of a chunked answer; null when it never reached its last chunk. */
function dechunk(bytes: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) return null;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return null;
    if (size === 0) return Buffer.concat(parts);
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** The request as a reader can replay it: method, path, headers, body (long bodies cut). */
export function describeRequest(request: WireRequest): string {
  const headers = request.headers.map(([name, value]) => `  ${name}: ${JSON.stringify(Buffer.from(value, 'latin1').toString('utf8')).slice(0, 200)}`);
  const body = request.body === null ? '(no body)' : excerpt(request.body.toString('utf8'), 1_200);
  return [`${request.method} ${request.path}${request.corruption ? `   [sent raw, corrupted: ${request.corruption}]` : ''}`, ...headers, `  body: ${body}`].join('\n');
}

export function excerpt(text: string, limit: number): string {
  if (text.length <= limit) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, limit - 200))} ... ${JSON.stringify(text.slice(-150))} (${text.length} characters)`;
}
