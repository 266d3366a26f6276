// One client request's account: a row per upstream attempt and one for the request, its cost at the
// prices of the offers that served it, and the settlement of its budget reservation. The surface
// calls finish() from response.end and holds the end until the ledger writer has committed the
// rows (ledger-writer.ts), so a response the client has received always has its rows.
import type { Usage } from '../protocol/ir.ts';
import type { ModelTarget } from '../routing/catalog.ts';
import type { LedgerOperation, LedgerRow, Settlement, TokenCounts } from '../store/store.ts';
import type { Account } from './auth.ts';
import { addCounts, costOf, fromMicroCents, toMicroCents } from './cost.ts';
import type { RateLimiter } from './rate-limit.ts';

/** Output tokens a stream produced, counted by the surface while relaying, for an attempt the
 * provider never reported usage for (the client left, or the stream broke). */
export interface StreamedOutput {
  /** Content-bearing stream events; a provider sends about one token per event. */
  events: number;
  /** Characters of text, reasoning and tool arguments, at about four per token. */
  characters: number;
}

/** What the surface knows about the attempt in progress when it ends. */
export interface AttemptOutcome {
  status: number;
  errorClass: string | null;
  usage: Usage | null;
  /** Milliseconds from the request's arrival to its first token; null: none yet. */
  ttftMs: number | null;
  streamed: StreamedOutput;
  /** The answer reached its end, so a usage report in it is final. */
  complete: boolean;
}

interface OpenAttempt {
  target: ModelTarget;
  number: number;
  startedAt: number;
  /** Sent with the caller's own key (`client_keys`): the provider bills the caller, not us. */
  clientKey: boolean;
}

export interface LedgerSettings {
  limiter: RateLimiter;
  now: () => number;
}

export class RequestLedger {
  readonly account: Account;
  readonly requestId: string;
  /** Links the rows of one fusion or comparison (x-modelmux-fusion-id, or the fusion's own id). */
  groupId: string | null;
  /** Held against the key's budget and credits until settled. */
  reservationId: string | null = null;
  /** Tokens counted against the key's rate limit before the call, corrected after. */
  estimatedTokens = 0;
  /** The prompt estimate, for an attempt that ends without the provider's count. */
  promptTokens: () => number = () => 0;
  routeId: string | null = null;
  /** Set for a call that generates nothing (a token count): its rows say so, and are never billed. */
  operation: LedgerOperation | null = null;
  private readonly settings: LedgerSettings;
  private readonly startedAt: number;
  private readonly attempts: LedgerRow[] = [];
  private open: OpenAttempt | null = null;
  private finished = false;

  constructor(settings: LedgerSettings, account: Account, requestId: string, groupId: string | null) {
    this.settings = settings;
    this.account = account;
    this.requestId = requestId;
    this.groupId = groupId;
    this.startedAt = settings.now();
  }

  beginAttempt(target: ModelTarget, number: number, clientKey = false): void {
    this.open = { target, number, startedAt: this.settings.now(), clientKey };
  }

  /** Closes the attempt in progress (a no-op when there is none). */
  endAttempt(outcome: AttemptOutcome): void {
    const open = this.open;
    if (open === null) return;
    this.open = null;
    const now = this.settings.now();
    // Providers do not charge for counting tokens, whatever the outcome.
    const counts = this.operation === null ? countsOf(outcome, this.promptTokens) : null;
    const billed = counts !== null;
    const tokens = counts ?? noTokens;
    this.attempts.push({
      ...this.rowBase('attempt', now, open.number),
      ...tokens,
      costUnits: billed ? unitsFor(tokens, open) : 0,
      model: open.target.publicId,
      provider: open.target.provider.id,
      upstreamModel: open.target.upstreamModel,
      latencyMs: now - open.startedAt,
      ttftMs: outcome.ttftMs === null ? null : Math.max(0, outcome.ttftMs - (open.startedAt - this.startedAt)),
      status: outcome.status,
      errorClass: outcome.errorClass,
      billed,
    });
  }

  /** The request's cost so far in USD, with `usage` as the attempt in progress's: for `usage.cost`
   * and `x-modelmux-cost`. */
  costWith(usage: Usage): number {
    let units = 0;
    for (const attempt of this.attempts) if (charged(attempt)) units += attempt.costUnits;
    if (this.open !== null) units += unitsFor(countsOf({ usage, streamed: noOutput, complete: true }, this.promptTokens) ?? noTokens, this.open);
    return fromMicroCents(units);
  }

  /**
   * Ends the request: closes the attempt in progress and adds the request row. Returns the rows and
   * the reservation they settle, for the ledger writer; null after the first call.
   * `outcome` describes the attempt in progress and, for its status and error, the request.
   */
  finish(outcome: AttemptOutcome, model: string | null, provider: string | null): Settlement | null {
    if (this.finished) return null;
    this.finished = true;
    this.endAttempt(outcome);
    const now = this.settings.now();
    const totals: TokenCounts = { ...noTokens, costUnits: 0 };
    for (const attempt of this.attempts) if (charged(attempt)) addCounts(totals, attempt);
    const last = this.attempts.at(-1);
    const request: LedgerRow = {
      ...this.rowBase('request', now, this.attempts.length),
      ...totals,
      model,
      provider,
      upstreamModel: last?.upstreamModel ?? null,
      latencyMs: now - this.startedAt,
      ttftMs: outcome.ttftMs,
      status: outcome.status,
      errorClass: outcome.errorClass,
      billed: totals.costUnits > 0 || this.attempts.some(charged),
    };
    const key = this.account.key;
    if (key !== null && key.tokensPerMinute !== null) this.settings.limiter.correct(key.id, this.estimatedTokens, totals.inputTokens + totals.outputTokens);
    return { reservationId: this.reservationId, rows: [...this.attempts, request] };
  }

  private rowBase(kind: LedgerRow['kind'], at: number, attempt: number): Pick<LedgerRow, 'kind' | 'at' | 'requestId' | 'routeId' | 'attempt' | 'keyId' | 'team' | 'groupId' | 'operation'> {
    const key = this.account.key;
    return { kind, at, requestId: this.requestId, routeId: this.routeId, attempt, keyId: key?.id ?? null, team: key?.team ?? null, groupId: this.groupId, operation: this.operation };
  }
}

/** An attempt the provider billed counts towards the request, unless the gateway itself failed it:
 * the caller does not pay for the gateway's fault (the attempt row still shows what it cost). */
function charged(attempt: LedgerRow): boolean {
  return attempt.billed && attempt.errorClass !== internalErrorClass;
}

const internalErrorClass = 'internal_error';
const noTokens: Omit<TokenCounts, 'costUnits'> = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
const noOutput: StreamedOutput = { events: 0, characters: 0 };
const charactersPerToken = 4;
/** Bounds that keep a request's sums over its attempts (at most 100, routing.max_attempts) exact,
 * safe integers, whatever a provider reports: 1e12 tokens, and some 900,000 USD, for one attempt. */
const maxTokens = 1e12;
const maxAttemptUnits = Math.floor(Number.MAX_SAFE_INTEGER / 100);

/**
 * The tokens an attempt is billed for, or null when the provider bills nothing: it reported no usage
 * and produced no output (an error status, a refused connection, a failure before the first token).
 * Without the provider's count (a stream the client left, or that broke), the prompt is estimated
 * and the output counted from what was streamed.
 */
function countsOf(outcome: Pick<AttemptOutcome, 'usage' | 'streamed' | 'complete'> & { status?: number }, promptTokens: () => number): Omit<TokenCounts, 'costUnits'> | null {
  const { usage, streamed } = outcome;
  const hasUsage = countsTokens(usage);
  if (hasUsage && outcome.complete) return pick(usage);
  const streamedTokens = Math.max(streamed.events, Math.ceil(streamed.characters / charactersPerToken));
  // An early usage report (Anthropic's message_start) predates most of a stream cut short.
  if (hasUsage) return { ...pick(usage), outputTokens: Math.max(whole(usage.outputTokens), streamedTokens) };
  // A request the client left while the provider was working on it: the prompt is billed.
  if (streamedTokens === 0) return outcome.status === 499 ? { ...noTokens, inputTokens: promptTokens() } : null;
  return { ...noTokens, inputTokens: promptTokens(), outputTokens: streamedTokens };
}

/** Whether a usage report counts anything; none, or one of zeros (`usage: {}`), leaves the bill to
 * estimates. */
export function countsTokens(usage: Usage | null): usage is Usage {
  return usage !== null && (usage.inputTokens > 0 || usage.outputTokens > 0);
}

/** A provider's counts as whole, non-negative integers the ledger can add up (it refuses anything
 * else): a count past a trillion tokens is a provider's bug, and is kept at that. */
function pick(usage: Usage): Omit<TokenCounts, 'costUnits'> {
  return { inputTokens: whole(usage.inputTokens), cachedInputTokens: whole(usage.cachedInputTokens), cacheWriteTokens: whole(usage.cacheWriteTokens), outputTokens: whole(usage.outputTokens), reasoningTokens: whole(usage.reasoningTokens) };
}

function whole(count: number): number {
  return Number.isFinite(count) && count > 0 ? Math.min(Math.round(count), maxTokens) : 0;
}

/** Cost at the offer's prices now; a model without a price, or a call on the caller's own key, costs nothing. */
function unitsFor(tokens: Omit<TokenCounts, 'costUnits'>, attempt: OpenAttempt): number {
  if (attempt.clientKey) return 0;
  const cost = costOf(tokens, attempt.target.offer.prices);
  return cost === null ? 0 : Math.min(toMicroCents(cost.total), maxAttemptUnits);
}
