// The checkpointer's thread (see sqlite-checkpointer.ts): PASSIVE checkpoints on a timer, and one
// that truncates the WAL now and then so a burst does not leave a large file behind.
import { DatabaseSync } from 'node:sqlite';
import { workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const database = new DatabaseSync(file, { timeout: 1_000 });
database.exec('PRAGMA synchronous = NORMAL');
database.exec('PRAGMA journal_size_limit = 67108864');
let ticks = 0;

setInterval(() => {
  try {
    // TRUNCATE waits for readers and writers (up to the timeout): only once a minute or so.
    database.exec(++ticks % 300 === 0 ? 'PRAGMA wal_checkpoint(TRUNCATE)' : 'PRAGMA wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or gone: the next tick tries again.
  }
}, intervalMs);
