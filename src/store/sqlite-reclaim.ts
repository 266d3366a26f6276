// Reservations that nobody will settle: those left by a process that died mid-request, and any held
// for longer than a request can last. Dropping them is what keeps a crash from locking a key's budget
// forever; keeping the live ones is what keeps a budget from being overspent.
import type { DatabaseSync } from 'node:sqlite';

/** A reservation this old is dropped: a request that never settled must not hold budget forever. */
export const reservationLifetimeMs = 3_600_000;

/** Owners ("pid:instance") of stores open in this process, so opening a second one spares their reservations. */
export const openOwners = new Set<string>();

/**
 * At open, drop reservations that no live store holds: those of a process that has died (a crash
 * must not lock budget forever), those of an earlier life of this very pid (a container restarts as
 * pid 1), and any older than the lifetime. A running server's reservations survive a CLI opening the
 * same file. A dead process's pid reused by an unrelated one keeps them until the lifetime passes.
 */
export function reclaimReservations(database: DatabaseSync, now: number): void {
  const owners = database.prepare('SELECT DISTINCT owner FROM reservations').all().map((row) => String(row.owner));
  const drop = database.prepare('DELETE FROM reservations WHERE owner = ?');
  for (const owner of owners) if (!ownerAlive(owner)) drop.run(owner);
  database.prepare('DELETE FROM reservations WHERE created_at < ?').run(now - reservationLifetimeMs);
}

function ownerAlive(owner: string): boolean {
  if (openOwners.has(owner)) return true;
  const pid = Number(owner.slice(0, owner.indexOf(':')));
  if (!(Number.isInteger(pid) && pid > 0) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
