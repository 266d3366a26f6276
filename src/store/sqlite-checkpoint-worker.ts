// The checkpointer's thread (see sqlite-checkpointer.ts): PASSIVE checkpoints on a timer. PASSIVE
// never takes the writer's lock, so the gateway's commits never wait for it; journal_size_limit
// trims the WAL file when a writer starts it over, so a burst does not leave a large file behind.
import { DatabaseSync } from 'node:sqlite';
import { workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const database = new DatabaseSync(file, { timeout: 1_000 });
database.exec('PRAGMA synchronous = NORMAL');
database.exec('PRAGMA journal_size_limit = 67108864');

setInterval(() => {
  try {
    database.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or gone: the next tick tries again.
  }
}, intervalMs);
