// A Chat stream's bytes read as SSE without decoding them: where events end, what an event's `data:`
// says, and the few searches the relay makes on every chunk (so that the usual event is never
// parsed). The bytes are read as latin1 text, one character per byte, so every position is a byte
// position and the bytes themselves are sliced as they came; a search in a string costs far less
// than a call into the native search of a Buffer, which every chunk would make a dozen times.

/** A finish reason (a string, not `null`) in the text, spaced or not. */
export function carriesFinishReason(text: string): boolean {
  return finishReasonPattern.test(text);
}

/** A `tool_calls` key in the text (a model named "tool_calls" is a value, not followed by a colon). */
export function carriesToolCalls(text: string): boolean {
  return toolCallsPattern.test(text);
}

/** A non-empty `content`, `reasoning_content`, `reasoning` or `refusal` string in the text: the
 * answer has begun. */
export function carriesToken(text: string): boolean {
  return tokenPattern.test(text);
}

/** A `"content":[` (spaced or not) in the text. Every chunk is asked, so this looks only at the
 * few `[` a chunk holds and at the key before each. */
export function carriesContentParts(text: string): boolean {
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) {
    if (keyStartsAt(text, keyEndBefore(text, at), contentKey)) return true;
  }
  return false;
}

const contentKey = '"content"';

/** A usage object in the text (not the `"usage":null` of every chunk under include_usage). */
export function carriesUsage(text: string): boolean {
  return usagePattern.test(text);
}

/** What in a text the relay must look at more closely: a finish reason, a usage object (where each
 * begins), tool calls, content as a list of parts. Null for the usual chunk, which holds none. */
export interface Notable {
  finish: boolean;
  /** Where the first finish reason is, or -1. */
  finishAt: number;
  toolCalls: boolean;
  usage: number[];
}

/**
 * The notable things in the text, found in one pass of one pattern (a compiled pattern keeps its
 * search tables; String.indexOf builds them on every call for a needle this long, and a Buffer's
 * indexOf costs a call into C++ besides). Every place a key matches is found, so the answer is the
 * same as one search per key.
 *
 * Each branch of the pattern starts at a character JSON text seldom holds, so the search skips
 * ahead to the next `_`, `{` or `[`: the ends of `"finish_reason": "` and `"tool_calls"` after their
 * underscore, and the `{` of `"usage": {` and the `[` of `"content": [` with what precedes them
 * looked behind; the key's start is checked after. Branches that began at the letter before a
 * key's quote (`e"`, `t"`) stopped at every e and t of the text: 3.6 to 4.8 µs against 1.6 to 1.9
 * over the simulator's 16-token stream, in a loop (BENCHMARKS.md, "2026-12-07 (night 2)").
 */
export function notableIn(text: string): Notable | null {
  let found: Notable | null = null;
  notablePattern.lastIndex = 0;
  for (let match = notablePattern.exec(text); match !== null; match = notablePattern.exec(text)) {
    const at = match.index;
    notablePattern.lastIndex = at + 1;
    const first = text.charCodeAt(at);
    if (first === 0x7b /* { */) {
      const keyEnd = keyEndBefore(text, at);
      if (!keyStartsAt(text, keyEnd, usageKey)) continue;
      found ??= { finish: false, finishAt: -1, toolCalls: false, usage: [] };
      found.usage.push(keyEnd - usageKey.length);
    } else if (first === 0x5b /* [ */) {
      if (!keyStartsAt(text, keyEndBefore(text, at), contentKey)) continue;
      found ??= { finish: false, finishAt: -1, toolCalls: false, usage: [] };
    } else if (text.charCodeAt(at + 1) === 0x72 /* r */) {
      if (!keyStartsAt(text, at, '"finish')) continue;
      found ??= { finish: false, finishAt: -1, toolCalls: false, usage: [] };
      if (!found.finish) found.finishAt = at - 7;
      found.finish = true;
    } else {
      if (!keyStartsAt(text, at, '"tool')) continue;
      found ??= { finish: false, finishAt: -1, toolCalls: false, usage: [] };
      found.toolCalls = true;
    }
  }
  return found;
}

/** Where the key before the value starting at `at` ends (after its closing quote), across spaces,
 * a colon and spaces; -1 when no colon comes before the value. */
function keyEndBefore(text: string, at: number): number {
  let end = at;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  if (end === 0 || text.charCodeAt(end - 1) !== 0x3a /* : */) return -1;
  end--;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return end;
}

/** The text holds `start` right before `at`: the rest of a key whose end the pattern found. */
function keyStartsAt(text: string, at: number, start: string): boolean {
  return at >= start.length && text.startsWith(start, at - start.length);
}

// JSON allows spaces on either side of a colon; a provider that writes `"usage" : {` is still read.
const finishReasonPattern = /"finish_reason" *: *"/;
const usagePattern = /"usage" *: *\{/;
const toolCallsPattern = /"tool_calls" *:/;
const tokenPattern = /"(?:content|reasoning_content|reasoning|refusal)"\s*:\s*"(?:[^"\\]|\\.)/;
/** `"finish_reason": "` and `"tool_calls"` from their underscore, the `{` of `"usage": {` and the `[`
 * of `"content": [` (see notableIn). */
const notablePattern = /_reason" *: *"|_calls"|(?<=e" *: *)\{|(?<=t" *: *)\[/g;

/** End of the last complete event (after its blank line), or -1. */
export function lastBoundaryEnd(text: string): number {
  const lf = text.lastIndexOf('\n\n');
  // CRLF framing is rare: only looked for when the text holds a carriage return at all.
  const crlf = text.includes('\r') ? text.lastIndexOf('\r\n\r\n') : -1;
  return Math.max(lf === -1 ? -1 : lf + 2, crlf === -1 ? -1 : crlf + 4);
}

/** Where the event's blank line starts (the end of its text), or the end of the text; the next
 * event starts after it (see afterBoundary). */
export function boundaryAt(events: string, from: number, mayUseCrlf: boolean): number {
  const lf = events.indexOf('\n\n', from);
  const crlf = mayUseCrlf ? events.indexOf('\r\n\r\n', from) : -1;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return crlf;
  return lf !== -1 ? lf : events.length;
}

/** Where the next event starts, given where this one's blank line starts (see boundaryAt). */
export function afterBoundary(events: string, boundary: number): number {
  return boundary === events.length ? boundary : boundary + (events.charCodeAt(boundary) === 13 ? 4 : 2);
}

/** Keys the relay looks for. */
export const toolCallsKey = '"tool_calls"';
export const indexKey = '"index"';
export const usageKey = '"usage"';
/** Whitespace other than spaces, or a `\u` escape: the bytes of such an event are not spliced. */
const unusualSpelling = /[\t\r\n]|\\u/;

/** The bytes of a usage event may be spliced: one data line with spaces for whitespace and no `\u`
 * escape (which could spell a key), so what the bytes say is what the parsed event says, holding
 * one `"usage"`. */
export function spliceable(payload: string): boolean {
  return !unusualSpelling.test(payload) && payload.indexOf(usageKey) === payload.lastIndexOf(usageKey);
}

/** The `data:` value of one event (lines joined), or null for events without data (comments). */
export function dataPayload(events: string, start: number, end: number): string | null {
  let lineStart = start;
  let payload: string | null = null;
  while (lineStart < end) {
    let lineEnd = events.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let textEnd = lineEnd;
    if (textEnd > lineStart && events.charCodeAt(textEnd - 1) === 13) textEnd -= 1;
    if (events.startsWith('data:', lineStart)) {
      let valueStart = lineStart + 5;
      if (events.charCodeAt(valueStart) === 32) valueStart += 1;
      const value = events.slice(valueStart, textEnd);
      payload = payload === null ? value : `${payload}\n${value}`;
    }
    lineStart = lineEnd + 1;
  }
  return payload;
}

/** A `data:` payload is a JSON object, the `[DONE]` terminator, empty, or malformed. */
export function classifyPayload(payload: string): 'object' | 'done' | 'empty' | 'malformed' {
  let start = 0;
  let end = payload.length;
  while (start < end && isSpace(payload.charCodeAt(start))) start++;
  while (end > start && isSpace(payload.charCodeAt(end - 1))) end--;
  if (start === end) return 'empty';
  if (payload.charCodeAt(start) === 123 /* { */ && payload.charCodeAt(end - 1) === 125 /* } */) return 'object';
  if (end - start === 6 && payload.startsWith('[DONE]', start)) return 'done';
  return 'malformed';
}

/** A payload read as latin1 text, decoded as the UTF-8 it is (to parse it). */
export function payloadText(payload: string): string {
  return Buffer.from(payload, 'latin1').toString('utf8');
}

/** An event's data as the object it holds, or null when it is not valid JSON (or not an object). */
export function parseChunk(payload: string): Record<string, unknown> | null {
  try {
    const chunk: unknown = JSON.parse(payloadText(payload));
    return chunk !== null && typeof chunk === 'object' && !Array.isArray(chunk) ? (chunk as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The last `count` bytes held in `chunks`. */
export function lastBytes(chunks: Buffer[], count: number): Buffer {
  const last = chunks[chunks.length - 1];
  if (last.length >= count || chunks.length === 1) return last.subarray(Math.max(0, last.length - count));
  return Buffer.concat(chunks.slice(-count)).subarray(-count);
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Ranges of a chunk's bytes to replace, added in order without overlap, then applied in one copy:
 * no text of the whole chunk is built (a string joined from pieces would be copied again to become
 * bytes, some 6 KB of short-lived heap a stream). One instance serves every stream: it is filled
 * and applied within one synchronous call, and its lists are reused, not reallocated. */
export class ByteEdits {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly replacements: Buffer[] = [];
  private size = 0;

  get count(): number {
    return this.size;
  }

  clear(): void {
    // What a rewritten event became is let go of; the lists keep their room.
    for (let index = 0; index < this.size; index++) this.replacements[index] = noBytes;
    this.size = 0;
  }

  /** `source[start, end)` becomes `bytes`; says by how many bytes the output grows. */
  add(start: number, end: number, bytes: Buffer): number {
    const index = this.size++;
    this.starts[index] = start;
    this.ends[index] = end;
    this.replacements[index] = bytes;
    return bytes.length - (end - start);
  }

  /** `source[0, upTo)` with the edits within it applied. */
  apply(source: Buffer, upTo: number): Buffer {
    let count = 0;
    let size = upTo;
    for (; count < this.size && this.ends[count] <= upTo; count++) size += this.replacements[count].length - (this.ends[count] - this.starts[count]);
    if (count === 0) return upTo === source.length ? source : source.subarray(0, upTo);
    // TypedArray's set, not Buffer's copy: the same copy without copy's checks of its arguments
    // (about 1 µs less for the simulator's 19 renamed events, measured in a loop).
    const out = Buffer.allocUnsafe(size);
    let from = 0;
    let at = 0;
    for (let index = 0; index < count; index++) {
      const start = this.starts[index];
      out.set(source.subarray(from, start), at);
      at += start - from;
      const replacement = this.replacements[index];
      out.set(replacement, at);
      at += replacement.length;
      from = this.ends[index];
    }
    out.set(source.subarray(from, upTo), at);
    return out;
  }
}

/** No bytes: what a dropped event becomes. */
export const noBytes = Buffer.alloc(0);
