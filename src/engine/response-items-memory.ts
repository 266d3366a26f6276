// The store of minted Responses items in the gateway's memory: bounded in time (an entry expires a
// while after its last use) and in size (the least recently used entries go first once the cap is
// passed). Entries are kept as JSON text: their size is known, and what a lookup returns is a fresh
// copy that no later change to a request can reach back into.
import type { ResponseItemStore, StoredResponse } from './response-items.ts';

export interface MemoryStoreOptions {
  /** How long an entry is held after it was kept or last used. */
  ttlMs: number;
  /** What all entries may take, as JSON text, roughly in bytes; 0 keeps nothing. */
  maxBytes: number;
  now: () => number;
}

interface Entry {
  key: string;
  scope: string;
  previousId: string | null;
  input: string;
  output: string[];
  outputIds: (string | null)[];
  bytes: number;
  expiresAt: number;
}

/** What an entry costs besides its text (the entry, its index keys): a guess that errs high. */
const entryOverhead = 256;
const itemOverhead = 96;

export class MemoryResponseItems implements ResponseItemStore {
  private readonly options: MemoryStoreOptions;
  /** By `scope \0 response id`, in order of last use: the first is the next to expire or go. */
  private readonly entries = new Map<string, Entry>();
  /** `scope \0 item id` -> the key of the entry whose output holds it. */
  private readonly itemIndex = new Map<string, string>();
  private size = 0;

  constructor(options: MemoryStoreOptions) {
    this.options = options;
  }

  /** The bytes held now (as counted against the cap). */
  get bytes(): number {
    return this.size;
  }

  keep(scope: string, response: StoredResponse): Promise<void> {
    this.sweep();
    const output = response.output.map((item) => JSON.stringify(item));
    const input = JSON.stringify(response.input);
    const bytes = entryOverhead + input.length + output.reduce((sum, item) => sum + item.length + itemOverhead, 0);
    if (bytes > this.options.maxBytes) return Promise.resolve();
    const key = `${scope}\0${response.id}`;
    this.remove(key);
    const outputIds = response.output.map((item) => (typeof item.id === 'string' && item.id !== '' ? item.id : null));
    const entry: Entry = { key, scope, previousId: response.previousId, input, output, outputIds, bytes, expiresAt: this.options.now() + this.options.ttlMs };
    this.entries.set(key, entry);
    for (const id of outputIds) if (id !== null) this.itemIndex.set(`${scope}\0${id}`, key);
    this.size += bytes;
    for (const [oldest] of this.entries) {
      if (this.size <= this.options.maxBytes) break;
      this.remove(oldest);
    }
    return Promise.resolve();
  }

  items(scope: string, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    this.sweep();
    const found = new Map<string, Record<string, unknown>>();
    for (const id of ids) {
      const key = this.itemIndex.get(`${scope}\0${id}`);
      const entry = key === undefined ? undefined : this.use(key);
      const position = entry?.outputIds.indexOf(id) ?? -1;
      if (entry && position !== -1) found.set(id, JSON.parse(entry.output[position]) as Record<string, unknown>);
    }
    return Promise.resolve(found);
  }

  conversation(scope: string, id: string): Promise<unknown[] | null> {
    this.sweep();
    const chain: Entry[] = [];
    let next: string | null = id;
    // A chain cannot be longer than what is held; the bound also stops a cycle, should one be made.
    while (next !== null && chain.length <= this.entries.size) {
      const entry = this.use(`${scope}\0${next}`);
      if (!entry) return Promise.resolve(null);
      chain.push(entry);
      next = entry.previousId;
    }
    if (next !== null) return Promise.resolve(null);
    const conversation: unknown[] = [];
    for (const entry of chain.reverse()) conversation.push(...(JSON.parse(entry.input) as unknown[]), ...entry.output.map((item) => JSON.parse(item) as unknown));
    return Promise.resolve(conversation);
  }

  /** The entry, now the most recently used, its expiry renewed; undefined when not held. */
  private use(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    entry.expiresAt = this.options.now() + this.options.ttlMs;
    return entry;
  }

  /** Entries expire in the order they were last used, so only the expired ones are looked at. */
  private sweep(): void {
    const now = this.options.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.remove(key);
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const id of entry.outputIds) {
      const indexKey = `${entry.scope}\0${id}`;
      if (id !== null && this.itemIndex.get(indexKey) === key) this.itemIndex.delete(indexKey);
    }
    this.size -= entry.bytes;
  }
}
