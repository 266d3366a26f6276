// WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold, and with synchronous = NORMAL a checkpoint is where the fsyncs happen: that
// request waits milliseconds. Instead, the gateway's connection never checkpoints, and this worker
// thread, with its own connection to the same file, checkpoints passively (never blocking writers)
// a few times a second. The request path then never waits on the disk.
import { Worker } from 'node:worker_threads';

// The worker's whole program, as plain JavaScript: a TypeScript file would load the type-stripping
// compiler into the thread, some 20 MB of memory for a dozen lines. PASSIVE never takes the writer's
// lock, so the gateway's commits never wait for it; journal_size_limit trims the WAL file when a
// writer starts it over.
const workerSource = `
const { DatabaseSync } = require('node:sqlite');
const { workerData } = require('node:worker_threads');
const database = new DatabaseSync(workerData.file, { timeout: 1000 });
database.exec('PRAGMA synchronous = NORMAL');
database.exec('PRAGMA journal_size_limit = 67108864');
setInterval(() => {
  try {
    database.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or gone: the next tick tries again.
  }
}, workerData.intervalMs);
`;

export interface Checkpointer {
  stop(): void;
}

/** Starts the worker; it never keeps the process alive. `onFailure` runs if the worker dies (the
 * caller then checkpoints on its own commits again, so the WAL cannot grow without bound). */
export function startCheckpointer(file: string, onFailure: () => void, intervalMs = 200): Checkpointer {
  const worker = new Worker(workerSource, { eval: true, workerData: { file, intervalMs } });
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
