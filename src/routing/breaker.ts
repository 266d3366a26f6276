// Circuit breakers per provider-model: once a provider fails, requests skip it (costing nothing)
// until a cooldown passes; then one request probes it. A failed probe doubles the cooldown, a success
// closes the breaker. A provider's own retry-after keeps it open for at least that long.

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker (default 1: a dead provider costs one failed attempt, then nothing until a probe). */
  failureThreshold?: number;
  /** First cooldown; doubles with each failed probe up to maxCooldownMs (defaults 1_000 and 60_000). */
  cooldownMs?: number;
  maxCooldownMs?: number;
  /** Bound on tracked keys; the least recently touched are forgotten (default 10_000). */
  maxKeys?: number;
  now?: () => number;
}

export interface BreakerStatus {
  /** 'half-open' once the cooldown has passed (the next request probes the provider) and while a
   * probe is out (then retryAt is the next chance should it hang). */
  state: BreakerState;
  failures: number;
  cooldownMs: number;
  /** Epoch ms when the next probe may go (in the past once one is due), null when closed. */
  retryAt: number | null;
}

export interface FailureOptions {
  /** The provider's retry-after (ms): opens at once until at least then. */
  retryAfterMs?: number | null;
  /** Connection refused, host unknown: opens at once regardless of the threshold. */
  fatal?: boolean;
}

export class Breakers {
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** Only keys with failures; a closed key with none is simply absent. Map order is touch order. */
  private readonly entries = new Map<string, BreakerStatus>();

  constructor(options: BreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 1;
    this.cooldownMs = options.cooldownMs ?? 1_000;
    this.maxCooldownMs = options.maxCooldownMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
    if (!(Number.isInteger(this.failureThreshold) && this.failureThreshold >= 1)) throw new RangeError(`failureThreshold must be a positive integer, got ${this.failureThreshold}`);
    if (!(this.cooldownMs >= 0 && Number.isFinite(this.cooldownMs))) throw new RangeError(`cooldownMs must be a non-negative number, got ${this.cooldownMs}`);
    if (!(this.maxCooldownMs >= this.cooldownMs)) throw new RangeError(`maxCooldownMs (${this.maxCooldownMs}) must be at least cooldownMs (${this.cooldownMs})`);
    if (!(Number.isInteger(this.maxKeys) && this.maxKeys >= 1)) throw new RangeError(`maxKeys must be a positive integer, got ${this.maxKeys}`);
  }

  /** Number of keys with a failure on record (bounded by maxKeys). */
  get size(): number {
    return this.entries.size;
  }

  /** Without side effects: would a request be let through now (closed, or open and due for a probe)? */
  available(key: string): boolean {
    const entry = this.entries.get(key);
    return !entry || entry.state === 'closed' || this.now() >= entry.retryAt!;
  }

  /**
   * At the moment of sending: true lets the request through. A due breaker lets one probe through
   * (half-open) and sets the next chance one cooldown later, so a hung probe cannot hold the provider
   * back for ever.
   */
  allow(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry || entry.state === 'closed') return true;
    const now = this.now();
    if (now < entry.retryAt!) return false;
    this.touch(key, entry);
    entry.state = 'half-open';
    entry.retryAt = now + entry.cooldownMs;
    return true;
  }

  /** The breaker as it stands now: one whose cooldown has passed is half-open, not open, though no
   * request has come to take the probe yet. */
  status(key: string): BreakerStatus {
    const entry = this.entries.get(key);
    if (!entry) return this.closed();
    const due = entry.state === 'open' && this.now() >= entry.retryAt!;
    return { ...entry, state: due ? 'half-open' : entry.state };
  }

  /** Closes the breaker and forgets its failures and cooldown. */
  success(key: string): void {
    this.entries.delete(key);
  }

  failure(key: string, options: FailureOptions = {}): void {
    const now = this.now();
    const retryAfter = usableDelay(options.retryAfterMs);
    const entry = this.entries.get(key) ?? this.closed();
    this.touch(key, entry);
    entry.failures++;
    switch (entry.state) {
      case 'half-open':
        // The probe failed: wait twice as long before the next one.
        entry.cooldownMs = Math.min(this.maxCooldownMs, entry.cooldownMs * 2);
        this.open(entry, now + Math.max(entry.cooldownMs, retryAfter ?? 0));
        return;
      case 'open':
        // A request sent before the breaker opened (or as a last resort) failed too. It says nothing
        // new about recovery, so it must not push the probe back, unless the provider asks for longer.
        if (retryAfter !== null) entry.retryAt = Math.max(entry.retryAt!, now + retryAfter);
        return;
      case 'closed':
        if (entry.failures >= this.failureThreshold || options.fatal || retryAfter !== null) {
          this.open(entry, now + Math.max(entry.cooldownMs, retryAfter ?? 0));
        }
        return;
    }
  }

  private open(entry: BreakerStatus, retryAt: number): void {
    entry.state = 'open';
    entry.retryAt = retryAt;
  }

  private closed(): BreakerStatus {
    return { state: 'closed', failures: 0, cooldownMs: this.cooldownMs, retryAt: null };
  }

  /** Marks the key most recently touched, forgetting the least recently touched beyond the bound. */
  private touch(key: string, entry: BreakerStatus): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** A retry-after worth honouring; a negative or garbled one counts as absent. */
function usableDelay(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}
