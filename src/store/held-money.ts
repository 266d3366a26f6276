// Money held by requests in flight, in this process's memory (see sqlite.ts): what each reservation
// holds, and the total per key. A hold nobody settles is let go after `holdMs`, looked for at most
// once a minute; one whose rows are still being tried again is kept (keep).

const sweepIntervalMs = 60_000;

export class HeldMoney {
  /** Reservation id -> what it holds; and the total held per key. */
  private readonly held = new Map<string, { keyId: string; amountUnits: number; at: number }>();
  private readonly byKey = new Map<string, number>();
  private readonly holdMs: number;
  private lastSweep: number;
  private count = 0;

  constructor(holdMs: number, now: number) {
    this.holdMs = holdMs;
    this.lastSweep = now;
  }

  /** A new reservation's id; holds nobody settled are let go first, when it is time to look. */
  open(now: number): string {
    if (now - this.lastSweep >= sweepIntervalMs) this.sweep(now);
    return `reservation-${++this.count}`;
  }

  /** What the key's requests in flight hold. */
  of(keyId: string): number {
    return this.byKey.get(keyId) ?? 0;
  }

  hold(reservationId: string, keyId: string, amountUnits: number, now: number): void {
    this.held.set(reservationId, { keyId, amountUnits, at: now });
    this.byKey.set(keyId, this.of(keyId) + amountUnits);
  }

  /** Lets the reservation's money go; nothing for an id it does not hold. */
  release(reservationId: string): void {
    const reservation = this.held.get(reservationId);
    if (reservation === undefined) return;
    this.held.delete(reservationId);
    const left = this.of(reservation.keyId) - reservation.amountUnits;
    if (left > 0) this.byKey.set(reservation.keyId, left);
    else this.byKey.delete(reservation.keyId);
  }

  /** The reservations are still to be settled (their rows are tried again): held as from now. */
  keep(reservationIds: readonly (string | null)[], now: number): void {
    for (const reservationId of reservationIds) {
      const reservation = reservationId === null ? undefined : this.held.get(reservationId);
      if (reservation !== undefined) reservation.at = now;
    }
  }

  clear(): void {
    this.held.clear();
    this.byKey.clear();
  }

  /** Drops reservations older than any request can last. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [reservationId, reservation] of this.held) if (now - reservation.at >= this.holdMs) this.release(reservationId);
  }
}
