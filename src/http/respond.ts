// An error answered in the caller's own format: the format's error body with the right status, or,
// once a stream has started, the format's error event (never a clean-looking end).
import { asGatewayError, openAIErrorBody } from '../errors/gateway-error.ts';
import { clientFormats } from '../protocol/formats.ts';
import type { RequestContext } from './context.ts';

export function respondWithError(context: RequestContext, thrown: unknown): void {
  const error = asGatewayError(thrown);
  context.error ??= error;
  const { response, request } = context;
  if (response.destroyed || response.writableEnded) return;
  if (response.headersSent) {
    context.finish(context.stream ? (context.streamFailure?.(error) ?? `data: ${openAIErrorBody(error)}\n\n`) : undefined);
    return;
  }
  const body = clientFormats[context.errorFormat].errorBody(error);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': context.requestId, ...context.extraHeaders, ...error.headers };
  if (context.provider) headers['x-modelmux-provider'] = context.provider;
  if (context.route?.id) {
    headers['x-modelmux-route-id'] = context.route.id;
    headers['x-modelmux-attempts'] = String(context.route.attempts);
  }
  // An unread request body (e.g. one over the size limit) cannot be left on a kept-alive socket.
  if (!request.complete) headers.connection = 'close';
  response.writeHead(error.status, headers);
  context.finish(body);
}
