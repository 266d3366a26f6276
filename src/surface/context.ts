// What one client request carries through the HTTP layer: the engine's call (see engine/call.ts) plus
// the HTTP request and response, and how to answer in the caller's format.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallContext } from '../engine/call.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

export { secondsSince } from '../engine/call.ts';

export interface RequestContext extends CallContext {
  request: IncomingMessage;
  response: ServerResponse;
  /** The error shape the client expects: OpenAI's `{"error":{...}}` or Anthropic's `{"type":"error",...}`. */
  errorStyle: 'openai' | 'anthropic';
  /** Renders an error as an event of the client's stream, once a stream has started. */
  streamFailure: ((error: GatewayError) => string) | null;
  /** How long a stream may sit unread by the client before it is closed; 0: no limit. */
  streamUnreadMs: number;
}

/** A route's handler; a returned promise that rejects becomes the error answer. */
export type Handler = (context: RequestContext) => void | Promise<void>;
