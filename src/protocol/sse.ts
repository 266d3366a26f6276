// Server-sent events, both ways: a parser for upstream bytes (any line ending, events split across
// chunks at any byte, linear in the size of the stream) and the one-line writer every encoder uses.

export interface SseEvent {
  /** The `event:` field, or null when the event had none. */
  event: string | null;
  /** The `data:` lines joined with "\n". */
  data: string;
}

export class SseParser {
  private decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** Where the search for the next blank line resumes, so a large event is scanned once. */
  private scanned = 0;

  /** Text of chunks that held no newline (so could end no event), joined once one comes. */
  private waiting: string[] = [];

  push(chunk: Uint8Array): SseEvent[] {
    const text = this.decoder.decode(chunk, { stream: true });
    if (!text.includes('\n')) {
      this.waiting.push(text);
      return [];
    }
    this.buffer += this.waiting.length > 0 ? this.waiting.join('') + text : text;
    this.waiting = [];
    return this.drain(false);
  }

  /** The body ended: a final event without its blank line still counts. */
  end(): SseEvent[] {
    this.buffer += this.waiting.join('') + this.decoder.decode();
    this.waiting = [];
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    let index = Math.max(this.scanned, 0);
    const text = this.buffer;
    while (index < text.length) {
      const newline = text.indexOf('\n', index);
      if (newline === -1) {
        index = text.length;
        break;
      }
      // A blank line ends an event: "\n\n" or "\n\r\n".
      const next = text.charCodeAt(newline + 1);
      let end = -1;
      if (next === 10) end = newline + 2;
      else if (next === 13 && text.charCodeAt(newline + 2) === 10) end = newline + 3;
      else if (newline + 1 >= text.length || (next === 13 && newline + 2 >= text.length)) {
        index = newline;
        break;
      }
      if (end === -1) {
        index = newline + 1;
        continue;
      }
      const event = parseBlock(text.slice(start, newline));
      if (event) events.push(event);
      start = end;
      index = end;
    }
    if (final) {
      const event = parseBlock(text.slice(start));
      if (event) events.push(event);
      this.buffer = '';
      this.scanned = 0;
      return events;
    }
    this.buffer = start === 0 ? text : text.slice(start);
    this.scanned = Math.max(0, index - start);
    return events;
  }
}

function parseBlock(block: string): SseEvent | null {
  let event: string | null = null;
  let data: string | null = null;
  for (const rawLine of block.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data = data === null ? value : `${data}\n${value}`;
    else if (field === 'event') event = value;
  }
  return data === null ? null : { event, data };
}

/** One SSE event; `event` is written only when given. `data` must be single-line JSON. */
export function sseEvent(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
