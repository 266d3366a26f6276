// A relayed answer names the model the client asked for (the gateway's public id, `sim/fast`,
// `groq/llama-3.3-70b-versatile`), as OpenRouter and LiteLLM do, not the upstream's own name for it.
// The `model` field is spliced in the bytes as they came: a raw `"model":` can only be a key (inside
// a JSON string its quotes would be escaped), and every format puts its answer's model first among
// the keys that could hold one, ahead of anything the client wrote (metadata, tool schemas).

const modelKey = Buffer.from('"model":');

/** Finds the model to rename in stream events as they go out, one event at a time (a Chat chunk has
 * one `model`). The events are read as latin1 text (one character per byte, so positions are byte
 * positions): a string search costs far less than a call into the native search of a Buffer. A
 * provider's events share their layout, so the key is looked for first where the last event had it:
 * most events cost a comparison of a few characters, not a search. */
export class ModelNamer {
  /** The public name as it appears between the quotes. */
  readonly name: Buffer;
  /** The same, as latin1 text (its UTF-8 bytes one character each). */
  readonly nameText: string;
  /** Where the key was in the last event, from the event's start. */
  private lastOffset = -1;

  constructor(publicName: string) {
    this.name = Buffer.from(JSON.stringify(publicName).slice(1, -1));
    this.nameText = this.name.toString('latin1');
  }

  /** The value of the first `"model":"..."` in `text[from, to)` (bytes as latin1 text) when it is
   * not already the public name (its text, quotes excluded); null when there is nothing to rename. */
  find(text: string, from: number, to: number): { start: number; end: number } | null {
    let at = this.lastOffset === -1 ? -1 : from + this.lastOffset;
    // Where the last event had it may be past this one's end, in the next event.
    if (at === -1 || at >= to || !text.startsWith(modelKeyText, at)) {
      at = text.indexOf(modelKeyText, from);
      if (at === -1 || at >= to) return null;
      this.lastOffset = at - from;
    }
    const value = stringValueInText(text, at + modelKeyText.length);
    if (value === null || value.end > to || (value.end - value.start === this.nameText.length && text.startsWith(this.nameText, value.start))) return null;
    return value;
  }
}

const modelKeyText = '"model":';

/** stringValueAt for bytes read as latin1 text. */
function stringValueInText(text: string, from: number): { start: number; end: number } | null {
  let position = from;
  while (text.charCodeAt(position) === 0x20) position++;
  if (text.charCodeAt(position) !== 0x22 /* " */) return null;
  const start = position + 1;
  let end = text.indexOf('"', start);
  while (end !== -1 && escaped((index) => text.charCodeAt(index), end)) end = text.indexOf('"', end + 1);
  return end === -1 ? null : { start, end };
}

/** The first `"model":"..."` after the key `holder` (a Responses event's `"response":`, an
 * Anthropic event's `"message":`) names `name` (as it appears between the quotes, see
 * ModelNamer.name); an event without that key, and any later `model` (the client's own data:
 * metadata, tool schemas), stay as they are. */
export function renameFirstModel(event: Buffer, holder: Buffer, name: Buffer): Buffer {
  const from = event.indexOf(holder);
  const at = from === -1 ? -1 : event.indexOf(modelKey, from);
  const value = at === -1 ? null : stringValueAt(event, at + modelKey.length);
  if (value === null || (value.end - value.start === name.length && name.equals(event.subarray(value.start, value.end)))) return event;
  return Buffer.concat([event.subarray(0, value.start), name, event.subarray(value.end)]);
}

/** A whole answer's top-level `model` (in `parsed`, and in `payload`, its bytes) set to
 * `publicName`: spliced when its `"model":"<name>"` occurs once, else re-serialized. */
export function renameWholeModel(parsed: unknown, payload: Buffer, publicName: string): Buffer {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return payload;
  const body = parsed as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === publicName) return payload;
  const found = Buffer.from(`"model":${JSON.stringify(body.model)}`);
  body.model = publicName;
  const at = payload.indexOf(found);
  if (at === -1 || payload.indexOf(found, at + found.length) !== -1) return Buffer.from(JSON.stringify(body));
  return Buffer.concat([payload.subarray(0, at), Buffer.from(`"model":${JSON.stringify(publicName)}`), payload.subarray(at + found.length)]);
}

/** The string value after a key's colon (spaces allowed before it): where its text starts and ends
 * (the quotes excluded); null when the value is not a string or is cut off. */
function stringValueAt(bytes: Buffer, from: number): { start: number; end: number } | null {
  let position = from;
  while (bytes[position] === 0x20) position++;
  if (bytes[position] !== 0x22 /* " */) return null;
  const start = position + 1;
  // Model names are short: a loop finds the closing quote sooner than a call into the native search.
  let end = start;
  while (end < bytes.length && bytes[end] !== 0x22) end++;
  // A quote after an odd run of backslashes is escaped (model names never have one; be exact anyway).
  while (end < bytes.length && bytes[end - 1] === 0x5c && escaped((index) => bytes[index], end)) {
    end++;
    while (end < bytes.length && bytes[end] !== 0x22) end++;
  }
  return end >= bytes.length ? null : { start, end };
}

function escaped(codeAt: (index: number) => number, quote: number): boolean {
  let backslashes = 0;
  for (let index = quote - 1; index >= 0 && codeAt(index) === 0x5c; index--) backslashes++;
  return backslashes % 2 === 1;
}
