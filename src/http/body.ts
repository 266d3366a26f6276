// Reads a JSON request body up to a size limit. A body over the limit is refused as soon as its
// declared or received size passes it: nothing of it is kept, and the rest of one already arriving
// is read and dropped until the 413 has gone out and the connection closes. A body still arriving
// when the gateway ends its request (the end of a shutdown's grace) is refused the same way, with
// the reason the request was ended for.
import type { IncomingMessage } from 'node:http';
import { clientClosed, GatewayError, invalidRequest } from '../errors/gateway-error.ts';

/** The request whose body is read, and the controller the gateway ends it with. */
export interface BodySource {
  request: IncomingMessage;
  controller: AbortController;
}

/** The body as a JSON object (anything else is refused), and its size in bytes. */
export async function readJsonObject(source: BodySource, limitBytes: number): Promise<{ body: Record<string, unknown>; bytes: number }> {
  const { value, bytes } = await readJsonBody(source, limitBytes);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('the request body must be a JSON object');
  return { body: value as Record<string, unknown>, bytes };
}

export function readJsonBody({ request, controller }: BodySource, limitBytes: number): Promise<{ value: unknown; bytes: number }> {
  const declared = Number(request.headers['content-length']);
  if (declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  if (request.destroyed) return Promise.reject(clientClosed('the client closed the request while sending it', 'client_closed_request'));
  const { signal } = controller;
  // Events, not `for await`: an async iterator costs several objects and ticks per request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // The rest is read and dropped, not destroyed with the socket: the error must reach the client
    // (respond.ts closes the connection after it, which ends a body that would never end).
    const refuse = (error: unknown): void => {
      done();
      chunks.length = 0;
      request.on('error', ignore);
      request.resume();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      refuse(tooLarge(limitBytes));
    };
    const onAbort = (): void => refuse(endedWith(signal.reason));
    const onEnd = (): void => {
      done();
      try {
        resolve(parsed(chunks, size));
      } catch (error) {
        reject(error);
      }
    };
    const onClose = (): void => {
      done();
      reject(clientClosed('the client closed the request while sending it', 'client_closed_request'));
    };
    // Handlers start reading in the request's own event, before any of its body is parsed, so
    // every read watches the signal (an add and a remove, about half a microsecond).
    const done = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onClose);
      request.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onClose);
    request.on('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort);
  });
}

/** What a request ended by the gateway is refused with: its reason, when the gateway gave one. */
function endedWith(reason: unknown): GatewayError {
  return reason instanceof GatewayError ? reason : clientClosed('the client closed the request while sending it', 'client_closed_request');
}

function parsed(chunks: Buffer[], size: number): { value: unknown; bytes: number } {
  if (size === 0) throw invalidRequest('the request body is empty; send a JSON object');
  const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
  try {
    return { value: JSON.parse(text), bytes: size };
  } catch (error) {
    throw invalidRequest(`the request body is not valid JSON (${(error as Error).message})`, null, 'invalid_json');
  }
}

function ignore(): void {}

function tooLarge(limitBytes: number): GatewayError {
  return new GatewayError(`the request body is larger than the limit of ${limitBytes} bytes (server.body_limit)`, {
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
  });
}
