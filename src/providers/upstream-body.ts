// A provider's answer straight from undici's dispatch handler, with no stream in between: undici's
// `request()` wraps every body in a Readable (a stream's state, several ticks per answer, an abort
// listener of its own), which on a gateway relaying small answers costs as much as the relaying.
// The body here is an event emitter with the few parts of a Readable the engine uses: 'data',
// 'end', 'error' and 'close' events, pause/resume (which pause the socket), and destroy.
import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';

export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export interface UpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  body: UpstreamBody;
}

type Controller = Dispatcher.DispatchController;

/** What is held for a body nobody reads yet before its socket is paused (a Readable's default). */
const maxHeldBytes = 64 * 1024;

/**
 * The answer's bytes. Like a Readable, it starts to flow when a 'data' listener is added (unless
 * paused), holds what comes while it is paused or before anyone listens, and ends with 'end' then
 * 'close', or with 'error' then 'close'. Held chunks are delivered on a later microtask, so a
 * listener added right after another still sees every event.
 */
export class UpstreamBody extends EventEmitter {
  private controller: Controller | null = null;
  private readonly held: Buffer[] = [];
  private heldBytes = 0;
  private flowing = false;
  /** pause() was called: a new 'data' listener does not start the flow. */
  private paused = false;
  private scheduled = false;
  private ended = false;
  private failure: Error | null = null;
  private closed = false;

  constructor() {
    super();
    this.on('newListener', (event: string) => {
      if (event === 'data' && !this.paused) this.resume();
    });
  }

  pause(): void {
    this.paused = true;
    this.flowing = false;
    this.controller?.pause();
  }

  /** The flow starts on a later microtask (the socket too): never inside the call that asked. */
  resume(): void {
    this.paused = false;
    if (this.flowing) return;
    this.flowing = true;
    this.schedule();
  }

  /** Stops the exchange (undici closes the connection); 'error' (with an error) and 'close' follow. */
  destroy(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.held.length = 0;
    this.heldBytes = 0;
    this.controller?.abort(error ?? new Error('the body was destroyed'));
    queueMicrotask(() => {
      if (error !== undefined && this.listenerCount('error') > 0) this.emit('error', error);
      this.emit('close');
    });
  }

  get destroyed(): boolean {
    return this.closed;
  }

  /** From the handler: */
  attach(controller: Controller): void {
    this.controller = controller;
  }

  push(chunk: Buffer): void {
    if (this.closed) return;
    if (this.flowing && this.held.length === 0 && !this.scheduled) {
      this.emit('data', chunk);
      return;
    }
    // Before anyone listens (a microtask or two) the socket is not paused: what comes is held, up to
    // a Readable's buffer; beyond it the socket waits for a reader.
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (!this.flowing && this.heldBytes > maxHeldBytes) this.controller?.pause();
  }

  end(): void {
    if (this.closed) return;
    this.ended = true;
    if (this.flowing && this.held.length === 0 && !this.scheduled) this.finish();
    // Otherwise the flush delivers what is held first.
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.failure = error;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.closed) return;
    if (this.failure !== null) {
      // A failure ends the body at once, as a destroyed stream does: what was held is dropped.
      this.closed = true;
      this.held.length = 0;
      this.heldBytes = 0;
      if (this.listenerCount('error') > 0) this.emit('error', this.failure);
      this.emit('close');
      return;
    }
    while (this.flowing && this.held.length > 0 && !this.closed) {
      const chunk = this.held.shift()!;
      this.heldBytes -= chunk.length;
      this.emit('data', chunk);
    }
    if (!this.flowing || this.held.length > 0) return;
    if (this.ended) this.finish();
    else this.controller?.resume();
  };

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('end');
    this.emit('close');
  }
}

/**
 * Sends the request; resolves with the status and headers once they come, the body then arriving on
 * its own. `signal` aborts the exchange at any point (its reason is the error).
 */
export function dispatchUpstream(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSignal): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const body = new UpstreamBody();
    let controller: Controller | null = null;
    let started = false;
    const onAbort = (): void => controller?.abort(signal.reason);
    const done = (): void => signal.removeEventListener('abort', onAbort);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(requestController) {
        controller = requestController;
        // Queued behind other requests when the caller left: it never goes out.
        if (signal.aborted) requestController.abort(signal.reason);
      },
      onResponseStart(requestController, statusCode, headers) {
        // An interim answer (103 Early Hints, 100 Continue) is not the answer: its final one follows.
        if (statusCode < 200) return;
        started = true;
        // undici keeps the raw header lines on the controller for the whole exchange, each a view
        // into the socket's first chunk, which they keep alive with the stream: 3 KB a stream that
        // nobody reads again once `headers` is made of them.
        requestController.rawHeaders = null;
        body.attach(requestController);
        resolve({ status: statusCode, headers: headers as UpstreamHeaders, body });
      },
      onResponseData(_controller, chunk) {
        body.push(chunk);
      },
      onResponseEnd() {
        done();
        body.end();
      },
      onResponseError(_controller, error) {
        done();
        if (started) body.fail(error);
        else reject(error);
      },
    };
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch(options, handler);
  });
}
