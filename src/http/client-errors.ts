// Requests Node rejects before any handler sees them (bad syntax, an unknown method, headers too
// large, a request too slow to arrive, an Expect it cannot meet) still get an answer a client can
// read: the right status, and a body in the caller's error format (Anthropic's on /v1/messages*,
// OpenAI's elsewhere), as every other answer of the gateway.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { anthropicErrorBody } from '../protocol/anthropic/errors.ts';
import { GatewayError, openAIErrorBody } from '../errors/gateway-error.ts';

// node:http through getBuiltinModule, not an import: see server.ts.
const { METHODS, STATUS_CODES } = process.getBuiltinModule('node:http');

interface ParserError extends NodeJS.ErrnoException {
  /** The bytes the parser was given when it failed: the request line, when it got that far. */
  rawPacket?: Buffer;
  /** The parser's own words, e.g. "Invalid character in chunk size". */
  reason?: string;
}

/** `lastPath` names the previous request of a connection, for faults that come without a request line. */
export function answerRejectedRequests(server: Server, lastPath: (socket: Socket) => string | null): void {
  server.on('clientError', (error: ParserError, socket: Socket) => {
    // Node leaves the answer on its own socket to us; `_httpMessage` is the response in progress.
    const inFlight = (socket as { _httpMessage?: ServerResponse })._httpMessage;
    const line = requestLineOf(error.rawPacket);
    const rejection = rejectionOf(error, line?.method ?? null);
    if (!socket.writable || inFlight?.headersSent || rejection === null) {
      socket.destroy();
      return;
    }
    const path = line?.path ?? pathOf(inFlight?.req.url) ?? lastPath(socket) ?? '/';
    const body = errorBody(path, rejection);
    // A request still sending its body (too slowly, or in broken chunks) has a handler waiting on
    // it: answering through its response lets the access log and metrics record what it was told.
    if (inFlight && !inFlight.req.complete) return send(inFlight, rejection.status, body);
    const head = `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
    socket.end(head + body);
  });

  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const expectation = String(request.headers.expect).slice(0, 100);
    const error = new GatewayError(`the expectation "${expectation}" cannot be met: modelmux supports only Expect: 100-continue`, {
      status: 417,
      type: 'invalid_request_error',
      code: 'expectation_failed',
    });
    send(response, 417, errorBody(pathOf(request.url) ?? '/', error));
  });
}

/** What the client is told for a parser fault; null for faults with nobody left to tell (a reset). */
function rejectionOf(error: ParserError, method: string | null): GatewayError | null {
  const rejection = (status: number, code: string, message: string): GatewayError => new GatewayError(message, { status, type: 'invalid_request_error', code });
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return rejection(408, 'request_timeout', 'the request was not received in time: send the headers and the body without pausing');
    case 'HPE_HEADER_OVERFLOW':
      return rejection(431, 'bad_http_request', 'the request headers are too large');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return rejection(413, 'bad_http_request', 'the chunk extensions of the request body are too large');
    case 'HPE_INVALID_VERSION':
    case 'HPE_PAUSED_H2_UPGRADE':
      // The client's to fix, so a 4xx: the gateway answers only with 5xx for its own or a provider's failure.
      return rejection(400, 'http_version_not_supported', 'modelmux speaks HTTP/1.1 (and 1.0) on this port');
    case 'HPE_INVALID_METHOD':
      // A well-formed but unknown method is not allowed on any path here (405, not HTTP's 501: a 5xx
      // would read as the gateway's failure); bytes that are no method at all (say, a body longer than
      // its content-length) are a malformed request (400).
      if (method !== null && !METHODS.includes(method)) return rejection(405, 'method_not_allowed', `the method ${method} is not supported; modelmux serves GET and POST`);
  }
  if (!error.code?.startsWith('HPE_')) return null;
  return rejection(400, 'bad_http_request', `the request is not valid HTTP${error.reason ? ` (${error.reason})` : ''}`);
}

const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}) (\S{1,8192}) HTTP\/\d/;

/** The method and path of the request line at the start of what the parser was given, if any. */
function requestLineOf(packet: Buffer | undefined): { method: string; path: string | null } | null {
  if (!packet) return null;
  const match = requestLine.exec(packet.subarray(0, 8300).toString('latin1'));
  return match ? { method: match[1], path: pathOf(match[2]) } : null;
}

/** The path of a request target: origin form (`/v1/messages?x`) or absolute form (`http://host/v1/...`). */
function pathOf(target: string | undefined): string | null {
  if (target === undefined) return null;
  if (target.startsWith('/')) return target.split('?', 1)[0];
  if (!/^https?:\/\//i.test(target)) return null;
  try {
    return new URL(target).pathname;
  } catch {
    return null;
  }
}

function errorBody(path: string, error: GatewayError): string {
  return path.startsWith('/v1/messages') ? anthropicErrorBody(error) : openAIErrorBody(error);
}

/** Answers and closes: the rest of the request is never read, so the connection cannot be reused. */
function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
}
