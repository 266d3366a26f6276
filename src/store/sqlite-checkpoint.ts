// The ledger's WAL is copied back into the database once a second, off the request path, rather than
// by whichever commit passes 1,000 pages (every few hundred requests, each paying the copy and its
// fsync: the slowest requests of a steady load). The copy runs on this thread, between requests, so
// no writer runs meanwhile and the WAL can start over (a checkpointer thread was tried: under steady
// writes its passive checkpoints never caught up, and the WAL grew without bound).
//
// The WAL file is flushed to disk first, on libuv's thread pool, and the checkpoint runs once that is
// done: its own fsync of the WAL then finds only what was written since, so this thread stops for the
// copy and the database file's fsync alone. At 1,400 requests a second the WAL takes 10-20 MB a
// second, and flushing it inside the checkpoint held the event loop 14-42 ms once a second; now 3-13
// ms (BENCHMARKS.md, "2026-12-07"). The extra flush changes no guarantee: SQLite still syncs what it
// must before the WAL starts over. It takes one of the pool's threads (shared with dns.lookup) for
// some milliseconds a second.
//
// Only the WAL file is opened here: SQLite holds no POSIX lock on it. Never open and close another
// descriptor on the database or its -shm file: closing any descriptor of a file drops every lock the
// process holds on it, SQLite's included, which is how a database gets corrupted.
import { close, fdatasync, open } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';

const intervalMs = 1_000;

export class Checkpoints {
  private readonly database: DatabaseSync;
  private readonly walFile: string;
  private readonly timer: NodeJS.Timeout;
  private flushing = false;

  constructor(database: DatabaseSync, databaseFile: string) {
    this.database = database;
    this.walFile = `${databaseFile}-wal`;
    this.timer = setInterval(() => this.flushThenCheckpoint(), intervalMs);
    this.timer.unref();
  }

  /** No more timed checkpoints; one now, on this thread (before the database closes). */
  stop(): void {
    clearInterval(this.timer);
    this.checkpoint();
  }

  private flushThenCheckpoint(): void {
    if (this.flushing) return;
    this.flushing = true;
    const done = (): void => {
      this.flushing = false;
      this.checkpoint();
    };
    open(this.walFile, 'r', (openError, descriptor) => {
      if (openError) return done();
      fdatasync(descriptor, () => close(descriptor, done));
    });
  }

  /** Copies what the WAL holds into the database, as far as no reader stands in the way. */
  private checkpoint(): void {
    try {
      this.database.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } catch {
      // Busy with another process's checkpoint, or closed: the next one catches up.
    }
  }
}
