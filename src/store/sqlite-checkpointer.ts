// WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold, and with synchronous = NORMAL a checkpoint is where the fsyncs happen: that
// request waits milliseconds. Instead, the gateway's connection never checkpoints, and this worker
// thread, with its own connection to the same file, checkpoints passively (never blocking writers)
// a few times a second. The request path then never waits on the disk.
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  stop(): void;
}

/** Starts the worker; it never keeps the process alive. */
export function startCheckpointer(file: string, intervalMs = 200): Checkpointer {
  const worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), { workerData: { file, intervalMs } });
  worker.unref();
  // A checkpoint that fails (the file went away, the disk is full) is retried on the next tick by
  // the worker; a worker that dies leaves the gateway's own commits correct, only the WAL grows.
  worker.on('error', () => {});
  return {
    stop() {
      void worker.terminate();
    },
  };
}
