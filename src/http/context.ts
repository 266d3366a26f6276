// What one client request carries through the HTTP layer: the engine's call (see engine/call.ts) plus
// the HTTP request and response, and how to answer in the caller's format.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openAccount } from '../accounts/auth.ts';
import type { CallContext } from '../engine/call.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { ClientFormat } from '../protocol/formats.ts';

export { secondsSince } from '../engine/call.ts';

/** How a route counts: API traffic (metrics, billed), billed only (token counts), or neither. */
export type RouteKind = 'api' | 'billed' | 'plain';

export interface RequestContext extends CallContext {
  request: IncomingMessage;
  /** How the route the request resolved to counts ('plain' until it is resolved). */
  kind: RouteKind;
  response: ServerResponse;
  /** The URL's path, without its query. */
  path: string;
  /** The format whose error shape the client expects (Anthropic's on /v1/messages*, else OpenAI's). */
  errorFormat: ClientFormat;
  /** Renders an error as an event of the client's stream, once a stream has started. */
  streamFailure: ((error: GatewayError) => string) | null;
  /** How long a stream, or any response after its end, may sit unread by the client before it is
   * closed; 0: no limit. */
  streamUnreadMs: number;
  /** Ends the response with its last bytes. Where the request is billed, the end waits for its
   * ledger rows to be committed (see the ledger step in pipeline.ts), so a client that has seen the
   * end of its answer has a row. */
  finish(last?: Buffer | string): void;
}

/** A route's handler; a returned promise that rejects becomes the error answer. */
export type Handler = (context: RequestContext) => void | Promise<void>;

export function newRequestContext(request: IncomingMessage, response: ServerResponse, streamUnreadMs: number): RequestContext {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return {
    request,
    kind: 'plain',
    response,
    path,
    headers: request.headers,
    requestId: acceptedRequestId(request.headers['x-request-id']) ?? randomUUID(),
    startedAt: process.hrtime.bigint(),
    controller: new AbortController(),
    model: null,
    metricsModel: null,
    provider: null,
    stream: false,
    timeToFirstToken: null,
    usage: null,
    error: null,
    // Anthropic clients are answered in their own error shape, a refused key included.
    errorFormat: path.startsWith('/v1/messages') ? 'anthropic' : 'openai-chat',
    route: null,
    streamFailure: null,
    account: openAccount,
    ledger: null,
    streamed: { events: 0, characters: 0 },
    extraHeaders: null,
    streamUnreadMs,
    finish: (last) => (last === undefined ? response.end() : response.end(last)),
  };
}

/** A client's own request id is kept when it is a sane token; otherwise one is made. */
function acceptedRequestId(value: string | string[] | undefined): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) return null;
  return /^[A-Za-z0-9._:\-]+$/.test(value) ? value : null;
}
