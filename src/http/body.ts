// Reads a JSON request body up to a size limit. A body over the limit is refused as soon as its
// declared or received size passes it: nothing of it is kept, and the rest of one already arriving
// is read and dropped until the 413 has gone out and the connection closes.
import type { IncomingMessage } from 'node:http';
import { clientClosed, GatewayError, invalidRequest } from '../errors/gateway-error.ts';

/** The body as a JSON object (anything else is refused), and its size in bytes. */
export async function readJsonObject(request: IncomingMessage, limitBytes: number): Promise<{ body: Record<string, unknown>; bytes: number }> {
  const { value, bytes } = await readJsonBody(request, limitBytes);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('the request body must be a JSON object');
  return { body: value as Record<string, unknown>, bytes };
}

export function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<{ value: unknown; bytes: number }> {
  const declared = Number(request.headers['content-length']);
  if (declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  if (request.destroyed) return Promise.reject(clientClosed('the client closed the request while sending it', 'client_closed_request'));
  // Events, not `for await`: an async iterator costs several objects and ticks per request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      done();
      // The rest is read and dropped, not destroyed with the socket: the 413 must reach the client
      // (respond.ts closes the connection after it, which ends a body that would never end).
      chunks.length = 0;
      request.on('error', ignore);
      request.resume();
      reject(tooLarge(limitBytes));
    };
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
    const done = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onClose);
      request.off('close', onClose);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onClose);
    request.on('close', onClose);
  });
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
