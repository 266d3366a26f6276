// Relays an OpenAI-format SSE stream byte for byte. It looks at the bytes only to find event
// boundaries, read the usage chunk, notice the end, catch a malformed event, and find the few events
// a client could not assemble (see repairsOf); it parses JSON only for those and for an event that
// carries a usage object. Complete events go out as soon as they arrive, but for the finish chunk of
// a client that did not ask for usage, which waits for the usage to carry it (usage-on-finish.ts).
import type { Usage } from '../ir.ts';
import { ModelNamer } from '../model-field.ts';
import { normalizeChunk } from './normalize.ts';
import { readUsageObject } from './response.ts';
import { ByteEdits, noBytes, carriesContentParts, carriesFinishReason, carriesToken, carriesToolCalls, carriesUsage, notableIn, classifyPayload, dataPayload, lastBoundaryEnd, lastBytes, boundaryAt, afterBoundary, parseChunk, spliceable, toolCallsKey, indexKey, usageKey } from './stream-bytes.ts';
import { UsageOnFinish } from './usage-on-finish.ts';

/** Events held back waiting for their end may not grow past this (a sane event is far smaller). */
const maxPendingBytes = 16 * 1024 * 1024;
const eventSeparator = Buffer.from('\n\n');

export type StreamUsage = Usage;

export class ChatStreamRelay {
  usage: StreamUsage | null = null;
  sawDone = false;
  sawFinishReason = false;
  /** The answer has begun: a token of text or reasoning, a tool call, or the finish. Until then the
   * gateway may still give the request to another provider. */
  committed = false;
  /** Data events received other than [DONE]: about one output token each, for billing a stream
   * that ends without its usage chunk. */
  dataEvents = 0;
  /** The gateway's price for a usage report, added to the usage chunk as `usage.cost`; null: none. */
  priceUsage: ((usage: StreamUsage) => number) | null = null;
  /** Why the stream cannot be relayed further, if it cannot. */
  malformed: string | null = null;
  /** Bytes of an event whose end has not arrived yet, kept as received (joined once it ends). */
  private pending: Buffer[] = [];
  private pendingSize = 0;
  /** Set when the gateway asked for usage on the client's behalf: the usage-only chunk is not
   * relayed, and its usage rides on the finish chunk instead. */
  private usageOnFinish: UsageOnFinish | null;
  /** The events being inspected carry a finish reason. */
  private finishing = false;
  /** Tool-call id -> the index given to it, for providers that send none. */
  private toolIndexes: Map<string, number> | null = null;
  /** The choices the request asked for (`n`), and those whose first delta has been seen. */
  private choices: number;
  private seenRoles: Set<number> | null = null;
  /** Some choice's first delta may still come without its `role`. */
  private rolesPending = true;
  /** With several choices (`n`), the indexes of those that have finished: each finishes on its own,
   * and the answer is complete only once all have. Null for one choice. */
  private finishedChoices: Set<number> | null;
  /** The usage-only chunk (no choices) came: a provider sends it after every choice has finished. */
  private sawUsageChunk = false;

  /** The name each event gives the model (the one the client asked for), or null: the provider's. */
  private model: string | null;
  private namer: ModelNamer | null;
  /** The bytes inspect last returned, and the text they were read from. */
  private lastOut: Buffer | null = null;
  private lastIn = '';
  /** lastOut as latin1 text, made when first asked for (see outText); null until then. */
  private lastText: string | null = null;
  /** Where, in lastIn, the first event that inspect re-serialized or dropped begins (-1: none):
   * before it, lastOut says what lastIn says (a renamed model adds or removes no token). */
  private rewrittenIn = -1;
  /** Where, in what inspect last returned, the first event with a finish reason or a usage object
   * begins (-1: none), so the finish can be held without looking at the events before it; and the
   * same event's start in lastIn. */
  private mattersOut = -1;
  private mattersIn = -1;

  /** `usageOnFinish`: the gateway asked for usage on the client's behalf, which did not ask for the
   * usage chunk; the usage goes on the finish chunk instead. `choices`: the request's `n`; `model`:
   * the name the events give the model (else the provider's). */
  constructor(usageOnFinish: boolean, options: { choices?: number; model?: string } = {}) {
    this.usageOnFinish = usageOnFinish ? new UsageOnFinish() : null;
    this.choices = options.choices ?? 1;
    this.finishedChoices = this.choices > 1 ? new Set() : null;
    this.model = options.model ?? null;
    this.namer = this.model === null ? null : new ModelNamer(this.model);
  }

  /** Takes a chunk from upstream; returns the complete events to send on now, or null. */
  push(chunk: Buffer): Buffer | null {
    let data = chunk;
    // The bytes as latin1 text (see stream-bytes.ts), read once per chunk.
    let text = chunk.toString('latin1');
    let end: number;
    if (this.pendingSize === 0) {
      end = lastBoundaryEnd(text);
    } else {
      // Search only the new bytes, plus the last three held ones in case a boundary straddles them,
      // so an event arriving in many small chunks costs linear time.
      const tail = lastBytes(this.pending, 3).toString('latin1');
      const found = lastBoundaryEnd(tail + text);
      end = found === -1 ? -1 : this.pendingSize - tail.length + found;
      if (end !== -1) {
        data = Buffer.concat([...this.pending, chunk], this.pendingSize + chunk.length);
        text = data.toString('latin1', 0, end);
      }
    }
    if (end === -1) {
      this.pending.push(chunk);
      this.pendingSize += chunk.length;
      if (this.pendingSize > maxPendingBytes) this.malformed = 'the provider sent an event larger than 16 MiB';
      return null;
    }
    this.pending = end < data.length ? [data.subarray(end)] : [];
    this.pendingSize = data.length - end;
    return this.send(this.inspect(end === data.length ? data : data.subarray(0, end), end === text.length ? text : text.slice(0, end)));
  }

  /** At the end of the upstream body: an unterminated last event still counts, and a finish still
   * waiting for the usage goes as it is. */
  flush(): Buffer | null {
    let out: Buffer | null = null;
    if (this.pendingSize > 0) {
      const rest = Buffer.concat([...this.pending, eventSeparator]);
      this.pending = [];
      this.pendingSize = 0;
      const text = rest.toString('latin1');
      if (text.trim() !== '') out = this.send(this.inspect(rest, text));
    }
    return joined(out, this.usageOnFinish?.release() ?? null);
  }

  /** What inspect let through, sorted (holdFinish) and noted (commit) while its text is known. */
  private send(out: Buffer | null): Buffer | null {
    const sent = this.holdFinish(out);
    this.commit(sent, out);
    this.lastOut = null;
    this.lastIn = '';
    this.lastText = null;
    return sent;
  }

  /** The finish chunk is held until the usage comes (or nothing more can), to carry it. Called with
   * what inspect returned (so its text is known). */
  private holdFinish(out: Buffer | null): Buffer | null {
    const hold = this.usageOnFinish;
    if (hold === null) return out;
    if (out !== null && (this.finishing || hold.holding)) out = hold.sort(out, out === this.lastOut ? this.outText() : out.toString('latin1'), this.mattersOut);
    if (hold.holding && (hold.hasUsage || this.malformed !== null)) out = joined(out, hold.release());
    return out;
  }

  /** Notes whether what goes out (not what was dropped after a malformed event, nor a finish held
   * for the usage) begins the answer. `inspected`: what inspect returned, of which `sent` holds at
   * least the part before the first finish or usage, unchanged. */
  private commit(sent: Buffer | null, inspected: Buffer | null): void {
    if (this.committed || sent === null) return;
    // The first token is the usual commit, and comes before any finish: looked for first, in
    // inspect's own text, so that what goes out need not be decoded again.
    if (inspected !== null && inspected === this.lastOut) {
      const unchanged = this.rewrittenIn === -1 || (this.mattersIn !== -1 && this.rewrittenIn >= this.mattersIn);
      const text = unchanged ? this.lastIn : this.outText();
      const end = unchanged ? this.mattersIn : this.mattersOut;
      const before = end === -1 ? text : text.slice(0, end);
      if (carriesToken(before) || carriesToolCalls(before)) {
        this.committed = true;
        return;
      }
    }
    const text = sent !== this.lastOut ? sent.toString('latin1') : this.rewrittenIn === -1 ? this.lastIn : this.outText();
    this.committed = carriesToken(text) || carriesFinishReason(text) || carriesToolCalls(text);
  }

  /** True when the provider finished the stream properly: `[DONE]`, or every choice's finish (a
   * provider that ignored `n` and sent one choice: its finish, then the usage chunk). */
  get complete(): boolean {
    if (this.sawDone) return true;
    if (!this.sawFinishReason) return false;
    return this.finishedChoices === null || this.finishedChoices.size >= this.choices || this.sawUsageChunk;
  }

  /** `events`: complete events; `text`: the same bytes as latin1 text, where they are searched. */
  private inspect(events: Buffer, text: string): Buffer | null {
    // Past the first finish only the end of the stream is left; another finish matters only to a
    // held one, or to a request for several choices (each finishes on its own).
    // The usual chunk holds nothing notable; all else is found in the same pass (see notableIn).
    const notable = notableIn(text);
    this.finishing = notable !== null && (!this.sawFinishReason || this.usageOnFinish !== null || this.finishedChoices !== null) && notable.finish;
    if (this.finishing) this.sawFinishReason = true;
    /** Where each usage object begins, and the next one not yet passed. */
    const usageAt = notable?.usage ?? noPlaces;
    let nextUsage = 0;
    const finishAt = notable?.finishAt ?? -1;
    const firstUsage = usageAt.length > 0 ? usageAt[0] : -1;
    const mattersAt = firstUsage === -1 ? finishAt : finishAt === -1 ? firstUsage : Math.min(finishAt, firstUsage);
    this.mattersOut = -1;
    this.mattersIn = -1;
    this.rewrittenIn = -1;
    const mayCarryToolCalls = notable !== null && notable.toolCalls;
    const mayCarryParts = notable !== null && carriesContentParts(text);
    // CRLF framing is rare; only looked for when the bytes contain a carriage return at all.
    const crlf = text.includes('\r');
    // What goes out differs from `events` by the edits (a model renamed, an event rewritten or
    // dropped), applied at the end in one copy; `grown`: by how many bytes so far.
    edits.clear();
    let grown = 0;
    let position = 0;
    while (position < events.length) {
      const eventEnd = boundaryAt(text, position, crlf);
      const nextStart = afterBoundary(text, eventEnd);
      if (this.mattersOut === -1 && mattersAt !== -1 && eventEnd > mattersAt) {
        this.mattersOut = position + grown;
        this.mattersIn = position;
      }
      const payload = dataPayload(text, position, eventEnd);
      if (payload !== null) {
        const kind = classifyPayload(payload);
        if (kind === 'object') this.dataEvents++;
        if (this.finishing && this.finishedChoices !== null && kind === 'object' && carriesFinishReason(payload)) noteFinishedChoices(payload, this.finishedChoices!);
        if (kind === 'done') this.sawDone = true;
        else if (kind === 'malformed') {
          this.malformed = 'the provider sent a malformed stream event';
          return this.edited(events, position);
        }
        const repairs = kind === 'object' ? this.repairsOf(payload, mayCarryToolCalls, mayCarryParts) : noRepairs;
        // With include_usage every chunk carries `"usage":null`; only a usage object is worth parsing,
        // and only an event the pass found one in is searched again (its data alone).
        while (nextUsage < usageAt.length && usageAt[nextUsage] < position) nextUsage++;
        const usage = nextUsage < usageAt.length && usageAt[nextUsage] < eventEnd && carriesUsage(payload);
        // The usual usage chunk (one usage object, nothing to repair, asked for by the client) is
        // priced in place, any other re-serialized; the client's name for the model is spliced in.
        const alone = usage && repairs === noRepairs && this.usageOnFinish === null && (nextUsage + 1 === usageAt.length || usageAt[nextUsage + 1] >= eventEnd);
        const model = kind === 'object' && this.namer !== null ? this.namer.find(text, position, eventEnd) : null;
        const parsed = alone && this.priceUsage !== null && spliceable(payload) ? parseChunk(payload) : null;
        const cost = parsed !== null ? this.costInPlace(parsed, payload, text, usageAt[nextUsage], model) : null;
        if (cost === null && (repairs !== noRepairs || usage)) {
          const verdict = this.rewrite(payload, repairs, usage, parsed);
          if (this.malformed) return this.edited(events, position);
          if (verdict !== 'keep') {
            grown += edits.add(position, nextStart, verdict === 'drop' ? noBytes : Buffer.from(`data: ${verdict}\n\n`));
            if (this.rewrittenIn === -1) this.rewrittenIn = position;
            position = nextStart;
            continue;
          }
        }
        if (cost !== null && (model === null || cost.at < model.start)) grown += edits.add(cost.at, cost.at, cost.bytes);
        if (model !== null) grown += edits.add(model.start, model.end, this.namer!.name);
        if (cost !== null && model !== null && cost.at >= model.end) grown += edits.add(cost.at, cost.at, cost.bytes);
      }
      position = nextStart;
    }
    // Choices a provider never started (it ignored `n`) are not waited for past a finish.
    if (this.sawFinishReason) this.rolesPending = false;
    const out = this.edited(events, events.length);
    if (out === null) return null;
    this.lastOut = out;
    this.lastIn = text;
    this.lastText = edits.count === 0 ? text : null;
    edits.clear();
    return out;
  }

  /** `events[0, upTo)` as it goes out (the edits applied), or null when that is nothing. */
  private edited(events: Buffer, upTo: number): Buffer | null {
    const out = edits.apply(events, upTo);
    return out.length > 0 ? out : null;
  }

  /** What inspect last returned, as latin1 text (its positions are byte positions). */
  private outText(): string {
    return (this.lastText ??= this.lastOut!.toString('latin1'));
  }

  /**
   * What an event needs before a client can assemble it, found by byte search so that the usual
   * event is never parsed: tool-call deltas without `index` (Mistral; the `openai` SDK assembles by
   * index and loses them), a choice's first delta without `role`, content sent as a list of parts.
   */
  private repairsOf(payload: string, mayCarryToolCalls: boolean, mayCarryParts: boolean): number {
    let repairs = noRepairs;
    const toolCalls = mayCarryToolCalls ? payload.indexOf(toolCallsKey) : -1;
    if (toolCalls !== -1 && !payload.includes(indexKey, toolCalls)) repairs |= toolIndexRepair;
    if (this.rolesPending && payload.includes('"delta"')) {
      // One choice (the usual request) whose first delta names its role: nothing to do, ever again.
      if (this.choices === 1 && payload.includes('"role"')) this.rolesPending = false;
      else repairs |= normalizeRepair;
    }
    if (mayCarryParts && carriesContentParts(payload)) repairs |= normalizeRepair;
    return repairs;
  }

  /** The event as it must go out: as it came ('keep'), not at all ('drop': the usage chunk the
   * client did not ask for, its usage kept for the finish chunk), or re-serialized with its repairs
   * and the gateway's `usage.cost`. */
  private rewrite(payload: string, repairs: number, usage: boolean, parsed: Record<string, unknown> | null): 'keep' | 'drop' | string {
    const chunk = parsed ?? parseChunk(payload);
    if (chunk === null) {
      if (usage) this.malformed = 'the provider sent an event that is not valid JSON';
      return 'keep';
    }
    let changed = false;
    if (repairs & toolIndexRepair) changed = this.repairToolCalls(chunk);
    if (repairs & normalizeRepair) {
      const seenRoles = this.rolesPending ? (this.seenRoles ??= new Set()) : null;
      if (normalizeChunk(chunk, seenRoles)) changed = true;
      if (seenRoles !== null && seenRoles.size >= this.choices) this.rolesPending = false;
    }
    const verdict = this.readUsage(chunk);
    if (verdict === 'drop') return 'drop';
    if (!changed && verdict !== 'changed') return 'keep';
    if (this.model !== null && typeof chunk.model === 'string') chunk.model = this.model;
    return JSON.stringify(chunk);
  }

  /**
   * The usage chunk priced without re-serializing it: `"cost":<usd>` goes first into its usage
   * object, whose key is at `usageKeyAt` in the text. `chunk` is the event parsed, its bytes found
   * spliceable (one `"usage"`, so the top-level key). Returns where the bytes go, and records the
   * usage as readUsage does; null when rewrite must do it instead: a usage elsewhere (Groq's
   * x_groq), a cost already there to replace, or a model to rename that the rename (`model`) did
   * not find as the event's only `"model"`.
   */
  private costInPlace(chunk: Record<string, unknown>, payload: string, text: string, usageKeyAt: number, model: { start: number } | null): { at: number; bytes: Buffer } | null {
    const usage = chunk.usage;
    if (this.priceUsage === null || usage === null || typeof usage !== 'object' || Array.isArray(usage) || 'cost' in usage) return null;
    const renamed = this.model !== null && typeof chunk.model === 'string' && chunk.model !== this.model;
    if ((model !== null || renamed) && (typeof chunk.model !== 'string' || (renamed && model === null) || payload.indexOf(modelKey) !== payload.lastIndexOf(modelKey))) return null;
    let at = usageKeyAt + usageKey.length;
    while (text.charCodeAt(at) === 0x20) at++;
    at++; // the colon (carriesUsage found it)
    while (text.charCodeAt(at) === 0x20) at++;
    at++; // the opening brace
    let next = at;
    while (text.charCodeAt(next) === 0x20) next++;
    const empty = text.charCodeAt(next) === 0x7d; /* } */
    if (!empty && text.charCodeAt(next) !== 0x22 /* " */) return null;
    this.usage = readUsageObject(usage as Record<string, unknown>);
    if (Array.isArray(chunk.choices) && chunk.choices.length === 0) this.sawUsageChunk = true;
    const cost = JSON.stringify(this.priceUsage(this.usage));
    return { at, bytes: Buffer.from(empty ? `"cost":${cost}` : `"cost":${cost},`) };
  }

  /** Every tool call given its `index` (by order of first appearance), and `type` on a call's first
   * delta; says whether anything changed. */
  private repairToolCalls(chunk: { choices?: { delta?: { tool_calls?: Record<string, unknown>[] } }[] }): boolean {
    let changed = false;
    for (const choice of chunk.choices ?? []) {
      for (const call of choice.delta?.tool_calls ?? []) {
        if (typeof call.index === 'number') continue;
        const indexes = (this.toolIndexes ??= new Map());
        if (typeof call.id === 'string' && !indexes.has(call.id)) indexes.set(call.id, indexes.size);
        call.index = typeof call.id === 'string' ? indexes.get(call.id) : Math.max(0, indexes.size - 1);
        if (typeof call.id === 'string' && call.type === undefined) call.type = 'function';
        changed = true;
      }
    }
    return changed;
  }

  /** Records the usage; says whether the event is the usage-only chunk whose usage moves to the
   * finish chunk, or was given the gateway's `usage.cost`. */
  private readUsage(chunk: Record<string, unknown>): 'keep' | 'drop' | 'changed' {
    const usage = (chunk.usage ?? (chunk.x_groq as Record<string, unknown> | undefined)?.usage) as Record<string, unknown> | null | undefined;
    if (!usage || typeof usage !== 'object') return 'keep';
    this.usage = readUsageObject(usage);
    const usageOnly = Array.isArray(chunk.choices) && chunk.choices.length === 0;
    if (usageOnly) this.sawUsageChunk = true;
    const moves = this.usageOnFinish !== null && !(Array.isArray(chunk.choices) && chunk.choices.length > 0);
    const priced = this.priceUsage !== null && (usage === chunk.usage || moves);
    if (priced) usage.cost = this.priceUsage!(this.usage);
    if (moves) {
      this.usageOnFinish!.takeUsage(usage);
      return 'drop';
    }
    return priced ? 'changed' : 'keep';
  }
}

const noRepairs = 0;
/** Shared by every relay: inspect fills and applies it within one call. */
const edits = new ByteEdits();
const noPlaces: readonly number[] = [];
const toolIndexRepair = 1;
const normalizeRepair = 2;
const modelKey = '"model"';

function joined(first: Buffer | null, second: Buffer | null): Buffer | null {
  if (first === null) return second;
  return second === null ? first : Buffer.concat([first, second]);
}

/** Adds the index of each choice the event finishes. Parsed only for a request of several choices,
 * and only for an event that carries a finish: once per choice. */
function noteFinishedChoices(payload: string, finished: Set<number>): void {
  const chunk = parseChunk(payload);
  if (chunk === null || !Array.isArray(chunk.choices)) return;
  for (const choice of chunk.choices as { index?: unknown; finish_reason?: unknown }[]) {
    if (typeof choice?.finish_reason === 'string') finished.add(typeof choice.index === 'number' ? choice.index : 0);
  }
}
