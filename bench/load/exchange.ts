// One request through undici's low-level dispatch API: no response stream objects, just callbacks,
// so the load generator spends as little of its core as it can per request.
import type { Dispatcher } from 'undici';
import type { RequestShape } from './job.ts';

export type Outcome = {
  statusCode: number;
  /** hrtime (ns) of the first body byte; for streams, of the first chunk holding `data:`. */
  firstByteAt: bigint;
  /** hrtime (ns) of the end of the body. */
  endAt: bigint;
  bytes: number;
  /** The last bytes of the body, enough to check a stream ended with `[DONE]`. */
  tail: string;
};

const tailLength = 64;

/** Sends `request` on `dispatcher` and resolves once the whole body has arrived. */
export function exchange(dispatcher: Dispatcher, request: RequestShape, signal?: AbortSignal, onFirstByte?: () => void): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const outcome: Outcome = { statusCode: 0, firstByteAt: 0n, endAt: 0n, bytes: 0, tail: '' };
    let abortRequest: ((reason: Error) => void) | null = null;
    const onAbort = (): void => abortRequest?.(new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch(
      { path: request.path, method: 'POST', headers: request.headers, body: request.body },
      {
        onRequestStart(controller) {
          abortRequest = (reason) => controller.abort(reason);
          if (signal?.aborted) controller.abort(new Error('aborted'));
        },
        onResponseStart(_controller, statusCode) {
          outcome.statusCode = statusCode;
        },
        onResponseData(_controller, chunk) {
          if (outcome.firstByteAt === 0n && (!request.stream || chunk.includes('data:'))) {
            outcome.firstByteAt = process.hrtime.bigint();
            onFirstByte?.();
          }
          outcome.bytes += chunk.length;
          outcome.tail =
            chunk.length >= tailLength ? chunk.toString('latin1', chunk.length - tailLength) : (outcome.tail + chunk.toString('latin1')).slice(-tailLength);
        },
        onResponseEnd() {
          outcome.endAt = process.hrtime.bigint();
          if (outcome.firstByteAt === 0n) outcome.firstByteAt = outcome.endAt;
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
        onResponseError(_controller, error) {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      },
    );
  });
}

/** Why a finished response does not count as a success, or null if it does. */
export function outcomeProblem(outcome: Outcome, stream: boolean): string | null {
  if (outcome.statusCode !== 200) return `HTTP ${outcome.statusCode}: ${outcome.tail.trim()}`;
  if (outcome.bytes === 0) return 'empty body';
  if (stream && !outcome.tail.includes('[DONE]')) return `stream did not end with [DONE]: ...${outcome.tail.trim()}`;
  if (!stream && !outcome.tail.trimEnd().endsWith('}')) return `body is not a JSON object: ...${outcome.tail.trim()}`;
  return null;
}
