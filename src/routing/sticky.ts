// Sticky routing for prompt caches: the turns of one conversation go back to the provider that
// served the last one (and holds its cached prefix) while it stays healthy. A conversation is named by
// an explicit session id, or by its caller and its opening (system prompt and first user message),
// which stay the same from turn to turn. Keys are hashes, so no caller credential is kept.
import { createHash } from 'node:crypto';
import { clientFormats } from '../protocol/formats.ts';
import type { ClientFormat } from '../protocol/formats.ts';

export interface StickyOptions {
  /** How long a conversation stays tied to its provider after its last turn (default 300_000). */
  ttlMs?: number;
  /** Bound on remembered conversations; the least recently used are forgotten (default 50_000). */
  maxEntries?: number;
  now?: () => number;
}

interface Route {
  value: string;
  expiresAt: number;
}

export class StickyRoutes {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Map order is use order; with one TTL for all, it is also expiry order. */
  private readonly entries = new Map<string, Route>();

  constructor(options: StickyOptions = {}) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs >= 0)) throw new RangeError(`ttlMs must be a non-negative number, got ${this.ttlMs}`);
    if (!(Number.isInteger(this.maxEntries) && this.maxEntries >= 1)) throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
  }

  /** The provider-model key a conversation last used, if still fresh (reading refreshes it). */
  get(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    const now = this.now();
    if (entry.expiresAt <= now) return null;
    entry.expiresAt = now + this.ttlMs;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: string): void {
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    this.forgetExpired(now);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Conversations still remembered (expired ones are dropped first). */
  get size(): number {
    this.forgetExpired(this.now());
    return this.entries.size;
  }

  /** Expired entries sit at the front, so this stops at the first fresh one: cheap, amortised. */
  private forgetExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }
}

/** At most this much text of the opening goes into the hash (the total length of all of it does too). */
const textBudget = 16 * 1024;
/** At most this many values of the opening are visited, so a body of a million tiny parts stays cheap. */
const nodeBudget = 10_000;

/** Who a conversation belongs to, read from a request's headers the same way for a real request and
 * for the dry run (GET /v1/route), so that both name one conversation alike: the caller's key, which
 * only ever goes into the hash. A key is the same caller whether it comes as a Bearer token (OpenAI's
 * SDKs) or in `x-api-key` (Anthropic's). */
export function stickyCaller(headers: Record<string, string | string[] | undefined>): string {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization !== '') return authorization.replace(/^Bearer\s+/i, '');
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : '';
}

/**
 * Identifies one conversation of one caller, for stickiness: an explicit session id when given, else
 * the caller plus the conversation's prefix (system prompt / instructions and the first user message),
 * which stays the same from turn to turn. null when there is nothing to identify it by. Never returns or
 * contains the caller string in clear: the result is a hash (sha256, base64url, first 22 chars).
 */
export function stickyKey(format: ClientFormat, body: Record<string, unknown>, caller: string, sessionId: string | null): string | null {
  if (sessionId) return new Digest('session', caller).text(sessionId).finish();
  const digest = new Digest('opening', caller);
  for (const part of clientFormats[format].conversationOpening(body)) digest.add(part);
  return digest.strings === 0 ? null : digest.finish();
}

/** A sha256 over the strings of a JSON value, reading a bounded amount of it. */
class Digest {
  private readonly hash = createHash('sha256');
  private textLeft = textBudget;
  private nodesLeft = nodeBudget;
  private totalLength = 0;
  strings = 0;

  constructor(kind: string, caller: string) {
    this.framed(kind);
    this.framed(caller);
  }

  text(value: string): this {
    this.framed(value);
    this.strings++;
    return this;
  }

  /** Walks a value depth first, in document order, without recursion (bodies may nest deeply). */
  add(value: unknown): void {
    const stack: Array<{ items: unknown[]; index: number }> = [{ items: [value], index: 0 }];
    while (stack.length > 0 && this.nodesLeft > 0) {
      const frame = stack[stack.length - 1];
      if (frame.index >= frame.items.length) {
        stack.pop();
        continue;
      }
      const node = frame.items[frame.index++];
      this.nodesLeft--;
      if (typeof node === 'string') this.string(node);
      else if (Array.isArray(node)) stack.push({ items: node, index: 0 });
      else if (typeof node === 'object' && node !== null) stack.push({ items: valuesOf(node as Record<string, unknown>), index: 0 });
    }
  }

  finish(): string {
    this.hash.update(`|${this.strings}|${this.totalLength}`);
    return this.hash.digest('base64url').slice(0, 22);
  }

  private string(value: string): void {
    this.strings++;
    this.totalLength += value.length;
    if (this.textLeft === 0) return;
    const piece = value.length <= this.textLeft ? value : value.slice(0, this.textLeft);
    this.textLeft -= piece.length;
    this.framed(piece);
  }

  /** Length-prefixed, so ["ab", "c"] and ["a", "bc"] hash differently. */
  private framed(value: string): void {
    this.hash.update(`${value.length}:`);
    this.hash.update(value);
  }
}

function valuesOf(object: Record<string, unknown>): unknown[] {
  const values: unknown[] = [];
  for (const key of Object.keys(object)) {
    // Clients move cache markers to the newest message each turn; they do not change the conversation.
    if (key !== 'cache_control') values.push(object[key]);
  }
  return values;
}
