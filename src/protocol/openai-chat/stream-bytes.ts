// A Chat stream's bytes read as SSE without decoding them: where events end, what an event's `data:`
// says, and the few byte searches the relay makes on every chunk (so that the usual event is never
// parsed).

// Needles searched on every chunk are made once: a string needle is converted on every search.
const finishReasonKey = Buffer.from('"finish_reason":');
const usageKey = Buffer.from('"usage":');

/** A finish reason (a string, not `null`) in the bytes, spaced or not. */
export function carriesFinishReason(bytes: Buffer): boolean {
  return keyFollowedBy(bytes, finishReasonKey, 0x22 /* " */);
}

/** A usage object in the bytes (not the `"usage":null` of every chunk under include_usage). */
export function carriesUsage(bytes: Buffer): boolean {
  return keyFollowedBy(bytes, usageKey, 0x7b /* { */);
}

/** Some `key` whose value (after any spaces) begins with `byte`. Every chunk is asked, and the usual
 * one holds the key once, with `null`, near its end: the rest after a match is looked at in place
 * when short, since a call into the native search costs more than a few byte comparisons. */
function keyFollowedBy(bytes: Buffer, key: Buffer, byte: number): boolean {
  for (let at = bytes.indexOf(key); at !== -1; at = nextKey(bytes, key, at + key.length)) {
    let value = at + key.length;
    while (bytes[value] === 0x20) value++;
    if (bytes[value] === byte) return true;
  }
  return false;
}

const shortRest = 64;

function nextKey(bytes: Buffer, key: Buffer, from: number): number {
  if (bytes.length - from > shortRest) return bytes.indexOf(key, from);
  for (let at = from; at + key.length <= bytes.length; at++) {
    let index = 0;
    while (index < key.length && bytes[at + index] === key[index]) index++;
    if (index === key.length) return at;
  }
  return -1;
}

const blankLine = Buffer.from('\n\n');
const crlfBlankLine = Buffer.from('\r\n\r\n');

/** End of the last complete event (after its blank line), or -1. */
export function lastBoundaryEnd(data: Buffer): number {
  const lf = data.lastIndexOf(blankLine);
  // CRLF framing is rare: only looked for when the bytes hold a carriage return at all.
  const crlf = data.includes(13) ? data.lastIndexOf(crlfBlankLine) : -1;
  return Math.max(lf === -1 ? -1 : lf + 2, crlf === -1 ? -1 : crlf + 4);
}

/** Where the event's blank line starts (the end of its text), or the end of the bytes; the next
 * event starts after it (see afterBoundary). */
export function boundaryAt(events: Buffer, from: number, mayUseCrlf: boolean): number {
  const lf = events.indexOf(blankLine, from);
  const crlf = mayUseCrlf ? events.indexOf(crlfBlankLine, from) : -1;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return crlf;
  return lf !== -1 ? lf : events.length;
}

/** Where the next event starts, given where this one's blank line starts (see boundaryAt). */
export function afterBoundary(events: Buffer, boundary: number): number {
  return boundary === events.length ? boundary : boundary + (events[boundary] === 13 ? 4 : 2);
}

/** Needles the relay looks for in every chunk. */
export const toolCallsKey = Buffer.from('"tool_calls"');
export const indexKey = Buffer.from('"index"');

/** The `data:` value of one event (lines joined), or null for events without data (comments). */
export function dataPayload(events: Buffer, start: number, end: number): Buffer | null {
  let lineStart = start;
  let first: Buffer | null = null;
  let parts: Buffer[] | null = null;
  while (lineStart < end) {
    let lineEnd = events.indexOf(10, lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let textEnd = lineEnd;
    if (textEnd > lineStart && events[textEnd - 1] === 13) textEnd -= 1;
    if (startsWithData(events, lineStart)) {
      let valueStart = lineStart + 5;
      if (events[valueStart] === 32) valueStart += 1;
      const value = events.subarray(valueStart, textEnd);
      if (first === null) first = value;
      else (parts ??= [first]).push(Buffer.from('\n'), value);
    }
    lineStart = lineEnd + 1;
  }
  return parts ? Buffer.concat(parts) : first;
}

/** A `data:` payload is a JSON object, the `[DONE]` terminator, empty, or malformed. */
export function classifyPayload(payload: Buffer): 'object' | 'done' | 'empty' | 'malformed' {
  let start = 0;
  let end = payload.length;
  while (start < end && isSpace(payload[start])) start++;
  while (end > start && isSpace(payload[end - 1])) end--;
  if (start === end) return 'empty';
  if (payload[start] === 123 /* { */ && payload[end - 1] === 125 /* } */) return 'object';
  if (end - start === 6 && payload.toString('latin1', start, end) === '[DONE]') return 'done';
  return 'malformed';
}

function startsWithData(bytes: Buffer, at: number): boolean {
  // "data:" as bytes, without making a string per line.
  return bytes[at] === 100 && bytes[at + 1] === 97 && bytes[at + 2] === 116 && bytes[at + 3] === 97 && bytes[at + 4] === 58;
}

/** The last `count` bytes held in `chunks`. */
export function lastBytes(chunks: Buffer[], count: number): Buffer {
  const last = chunks[chunks.length - 1];
  if (last.length >= count || chunks.length === 1) return last.subarray(Math.max(0, last.length - count));
  return Buffer.concat(chunks.slice(-count)).subarray(-count);
}

function isSpace(byte: number): boolean {
  return byte === 32 || byte === 9 || byte === 10 || byte === 13;
}
