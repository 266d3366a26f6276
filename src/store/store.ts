// The persistence boundary for virtual keys, the usage ledger and budgets. Callers (auth, the request
// path, the usage API) depend only on this interface, so the embedded SQLite store (sqlite.ts) can be
// joined later by a PostgreSQL or Redis backend without touching them.
//
// Money: every amount is an integer count of units of 1e-8 USD (field names end in `Units`), so sums
// are exact and never drift the way float dollars do. $1 = 100_000_000 units; a price of $X per
// million tokens is X * 100 units per token. Number.MAX_SAFE_INTEGER units is about $90 million.
//
// Time: epoch milliseconds everywhere. Budget periods and the `day` of usage rows are UTC.
//
// The ledger contract between the caller and the store:
// - One 'attempt' row per upstream call (including failed ones; `billed` says whether the provider
//   charges for it) and one 'request' row per client request, sharing `requestId`.
// - The caller computes the request's cost as the sum of the costs of its billed attempts, each from
//   the catalog price in force at that moment, and puts it, with the request's token totals, on the
//   'request' row. The store never re-derives a request from its attempts.
// - Only 'request' rows count toward a key's spend, its credits and the usage rollups; 'attempt' rows
//   are the detail, kept for export and audit. Rows with an `operation` (token counts) cost nothing
//   and stay out of the rollups: usage measures calls that generate.

export type BudgetPeriod = 'day' | 'month' | 'total';

export interface Budget {
  limitUnits: number;
  period: BudgetPeriod;
  /** hard: refuse over it; soft: allow, flag */
  hard: boolean;
}

export interface KeyRecord {
  id: string;
  /** Hash of the secret key; the secret itself is shown once at creation and never stored. */
  hash: string;
  /** Short leading part of the secret, for listings. */
  prefix: string;
  name: string | null;
  team: string | null;
  /** Model patterns the key may call; the matching is the caller's. */
  allowedModels: string[];
  budget: Budget | null;
  /** prepaid balance left, null: not on credits */
  creditsUnits: number | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: number | null;
  metadata: Record<string, string>;
  commercialUse: boolean;
  createdAt: number;
  revokedAt: number | null;
}

/** Tokens (as the provider counted them) and what they cost. */
export interface TokenCounts {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUnits: number;
}

/** What a row's call did besides generating: `count_tokens` counts a prompt (free, never billed). */
export type LedgerOperation = 'count_tokens';

export interface LedgerRow extends TokenCounts {
  kind: 'attempt' | 'request';
  at: number;
  requestId: string;
  routeId: string | null;
  attempt: number;
  keyId: string | null;
  team: string | null;
  model: string | null;
  provider: string | null;
  upstreamModel: string | null;
  latencyMs: number;
  ttftMs: number | null;
  status: number;
  errorClass: string | null;
  /** the provider bills this attempt */
  billed: boolean;
  /** links fusion member calls (issue 6) */
  groupId: string | null;
  /** null: a call that generates (or embeds), the ledger's usual row */
  operation: LedgerOperation | null;
}

/**
 * A refusal carries what a 402 needs. For both reasons, what was available is
 * limitUnits - spentUnits - reservedUnits, and the request asked for more:
 * - 'budget': the budget's limit, the spend settled in its current period, the amount in flight.
 * - 'credits': the balance left (already net of settled spend, so spentUnits is 0), the amount in flight.
 */
export type ReserveResult =
  | { ok: true; reservationId: string; /** a soft budget was exceeded: allowed, but worth a flag */ overSoftBudget: boolean }
  | {
    ok: false;
    reason: 'budget' | 'credits';
    limitUnits: number;
    spentUnits: number;
    reservedUnits: number;
    /** epoch ms the budget period resets; null for total/credits */
    resetAt: number | null;
  };

/** Time range is [from, to). Rows count only 'request' ledger rows of calls that generate: token
 * counts (operation 'count_tokens') are in the ledger only. */
export interface UsageQuery {
  from: number;
  to: number;
  keyId?: string;
  team?: string;
  /** Also the sort order of the result; [] gives one row of totals (none if nothing matched). */
  groupBy: ('key' | 'team' | 'model' | 'provider' | 'day')[];
}

export interface UsageRow extends TokenCounts {
  key?: string | null;
  team?: string | null;
  model?: string | null;
  provider?: string | null;
  /** YYYY-MM-DD, UTC */
  day?: string;
  requests: number;
  /** requests with a status of 400 or more, or an error class (a stream that broke after a 200) */
  errors: number;
}

/** One request's rows and the reservation they settle. */
export interface Settlement {
  reservationId: string | null;
  rows: LedgerRow[];
}

export interface SpendStatus {
  /** Settled spend in the key's current budget period (0 without a budget). */
  spentUnits: number;
  /** Reserved by requests in flight. */
  reservedUnits: number;
  creditsUnits: number | null;
  resetAt: number | null;
}

export interface Store {
  createKey(record: KeyRecord): void;
  /** The key with this hash. Changes made by another process on the same store may take a second
   * to show; budget, spend and credits are read fresh by reserve(), never from this. */
  keyByHash(hash: string): KeyRecord | null;
  key(id: string): KeyRecord | null;
  keys(filter?: { team?: string; includeRevoked?: boolean }): KeyRecord[];
  updateKey(id: string, patch: Partial<Omit<KeyRecord, 'id' | 'hash' | 'prefix' | 'createdAt'>>): KeyRecord | null;
  revokeKey(id: string, at: number): boolean;
  /**
   * Atomically: the key's spend in its budget period + amounts reserved in flight + amount <= limit
   * (for a hard budget), and credits left - reserved >= amount; holds the amount until settle. A soft
   * budget never refuses. No budget and no credits: always ok. Credits are always hard.
   * Throws for an unknown key (auth comes first). The SQLite store holds reservations in memory, so
   * they count within one process (see sqlite.ts).
   */
  reserve(keyId: string, amountUnits: number, now: number): ReserveResult;
  /**
   * Writes the rows, adds the request's cost to the key's period spend, takes it from credits,
   * updates the usage rollups, and then releases the reservation (if any). Durable when it returns
   * (the SQLite store journals the rows and moves them within milliseconds, see sqlite-journal.ts).
   * Never refuses: a request that cost more than it reserved still settles, and credits may go
   * below zero (the next reserve then refuses).
   */
  settle(reservationId: string | null, rows: LedgerRow[]): void;
  /** settle() for several requests in one transaction (a commit per batch, not per request). If it
   * throws, nothing was written and every reservation is still held. */
  settleAll(settlements: Settlement[]): void;
  /** Spend in the key's current budget period and credits left, for headers and the usage API. */
  spend(keyId: string, now: number): SpendStatus;
  usage(query: UsageQuery): UsageRow[];
  /**
   * Ledger rows with from <= at < to, ordered by (at, id), paged: `after` is the id of the last row of
   * the previous page.
   */
  rows(query: { from: number; to: number; keyId?: string; team?: string; after?: number; limit: number }): (LedgerRow & { id: number })[];
  close(): void;
  // Comparisons (issue 6): side-by-side runs, the votes people add to them, and per-model win rates.
  saveComparison(record: ComparisonRecord): void;
  comparison(id: string): ComparisonRecord | null;
  /** Newest first, paged: `after` is the id of the last comparison of the previous page. */
  comparisons(query: ComparisonQuery): ComparisonRecord[];
  /** Adds a vote; a named voter's earlier vote on the same comparison is replaced. Null for an unknown comparison. */
  addVote(vote: NewVote): VoteRecord | null;
  /** The votes on one comparison, oldest first. */
  votes(comparisonId: string): VoteRecord[];
  winRates(query: WinRateQuery): WinRateRow[];
}

/** A comparison as stored: the columns it is listed and filtered by, and the whole result as JSON. */
export interface ComparisonRecord {
  id: string;
  /** epoch ms */
  createdAt: number;
  keyId: string | null;
  team: string | null;
  name: string | null;
  /** The models compared, as asked for. */
  models: string[];
  /** The models that answered: they are the ones that take part in win rates. */
  answered: string[];
  result: Record<string, unknown>;
}

export interface ComparisonQuery {
  keyId?: string;
  team?: string;
  after?: string;
  limit: number;
}

export interface NewVote {
  comparisonId: string;
  createdAt: number;
  /** A model that answered in the comparison, or 'tie'. */
  winner: string;
  voter: string | null;
  note: string | null;
  keyId: string | null;
  team: string | null;
}

export interface VoteRecord extends NewVote {
  id: number;
}

/** Comparisons count when created in [from, to); keyId and team filter by the comparison's owner. */
export interface WinRateQuery {
  keyId?: string;
  team?: string;
  from?: number;
  to?: number;
}

/**
 * Per model, over the comparisons it answered in that have at least one vote. A comparison's outcome
 * is the choice with the most votes: a model (a win for it, a loss for the others), or a tie ('tie'
 * voted most, or two choices level).
 */
export interface WinRateRow {
  model: string;
  comparisons: number;
  wins: number;
  ties: number;
  losses: number;
  /** Votes cast for this model. */
  votes: number;
  /** wins / comparisons, 0 to 1. */
  winRate: number;
}
