// WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold, and with synchronous = NORMAL a checkpoint is where the fsyncs happen: that
// request waits milliseconds. Instead, the gateway's connection never checkpoints, and this worker
// thread, with its own connection to the same file, checkpoints passively (never blocking writers)
// a few times a second. The request path then never waits on the disk.
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  stop(): void;
}

/** Starts the worker; it never keeps the process alive. `onFailure` runs if the worker dies (the
 * caller then checkpoints on its own commits again, so the WAL cannot grow without bound). */
export function startCheckpointer(file: string, onFailure: () => void, intervalMs = 200): Checkpointer {
  const worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), { workerData: { file, intervalMs } });
  worker.unref();
  let stopping = false;
  const failed = (): void => {
    if (stopping) return;
    stopping = true;
    process.emitWarning('modelmux: the SQLite checkpoint worker stopped; checkpoints run in commits again', 'ModelmuxWarning');
    onFailure();
  };
  worker.on('error', failed);
  worker.on('exit', failed);
  return {
    stop() {
      stopping = true;
      void worker.terminate();
    },
  };
}
