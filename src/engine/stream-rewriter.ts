// A Responses or Messages stream relayed byte for byte, but for two fields: the gateway's
// `usage.cost` in the event that reports the final usage (Responses' `response.completed` or
// `response.incomplete`, Anthropic's `message_delta`), re-serialized with the cost added; and the
// model the client asked for in the events that name one (the `response` object of Responses'
// lifecycle events, Anthropic's `message_start`), spliced in place (see protocol/model-field.ts).
// It works on the bytes: only an event that needs rewriting is looked at, and only one carrying the
// usage is parsed. Only the trailing part of an event still arriving is held back; a client can do
// nothing with half an event anyway.
import { decodeUsage as anthropicUsage } from '../protocol/anthropic/response.ts';
import type { Usage } from '../protocol/ir.ts';
import { ModelNamer, renameFirstModel } from '../protocol/model-field.ts';
import { decodeUsage as responsesUsage } from '../protocol/openai-responses/response.ts';

export interface StreamRewriter {
  /** The complete events in `chunk` (and before it), rewritten. */
  push(chunk: Buffer): Buffer;
  /** What is left at the end of a complete stream. */
  flush(): Buffer;
}

export interface RewriterOptions {
  /** Prices the final usage for `usage.cost`; null: the call is not billed. */
  price: ((usage: Usage) => number) | null;
  /** The model to name; null: leave the provider's. */
  model: string | null;
}

const usageMarkers = {
  'openai-responses': ['"response.completed"', '"response.incomplete"'].map((marker) => Buffer.from(marker)),
  // Anthropic reports input tokens at message_start and output at message_delta.
  anthropic: ['"message_delta"', '"message_start"'].map((marker) => Buffer.from(marker)),
};
const finalResponseEvents = new Set(['response.completed', 'response.incomplete']);
/** The key of the object whose `model` is the answer's. */
const modelHolders = { 'openai-responses': Buffer.from('"response":'), anthropic: Buffer.from('"message":') };
const modelKey = Buffer.from('"model":');
const nothing = Buffer.alloc(0);
const eventEnd = Buffer.from('\n\n');

export function createStreamRewriter(format: 'openai-responses' | 'anthropic', options: RewriterOptions): StreamRewriter {
  const { price } = options;
  const name = options.model === null ? null : new ModelNamer(options.model).name;
  const markers = usageMarkers[format];
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let startUsage: Record<string, unknown> = {};

  const priced = (event: Buffer): Buffer => {
    const text = event.toString('utf8');
    const dataStart = text.indexOf('data:');
    if (dataStart === -1) return event;
    let lineEnd = text.indexOf('\n', dataStart);
    if (lineEnd > 0 && text[lineEnd - 1] === '\r') lineEnd--;
    const line = lineEnd === -1 ? text.slice(dataStart) : text.slice(dataStart, lineEnd);
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(line.slice(5));
    } catch {
      // The codec's decoder reports a malformed event; it is not ours to judge here.
      return event;
    }
    if (format === 'anthropic' && data.type === 'message_start') {
      const usage = (data.message as { usage?: unknown } | undefined)?.usage;
      if (usage && typeof usage === 'object') startUsage = usage as Record<string, unknown>;
      return event;
    }
    const holder = format === 'anthropic' ? (data.type === 'message_delta' ? data : null) : finalResponseEvents.has(String(data.type)) ? (data.response as Record<string, unknown> | undefined) : null;
    const reported = holder?.usage;
    if (!holder || !reported || typeof reported !== 'object') return event;
    const usage = format === 'anthropic' ? anthropicUsage({ ...startUsage, ...reported }) : responsesUsage(reported);
    if (usage === null) return event;
    (reported as Record<string, unknown>).cost = price!(usage);
    return Buffer.from(`${text.slice(0, dataStart)}data: ${JSON.stringify(data)}${lineEnd === -1 ? '' : text.slice(lineEnd)}`);
  };
  const mayNeedPricing = (bytes: Buffer): boolean => price !== null && markers.some((marker) => bytes.includes(marker));
  const mayNeedNaming = (bytes: Buffer): boolean => name !== null && bytes.includes(modelKey);
  const rewrite = (event: Buffer): Buffer => {
    const out = mayNeedPricing(event) ? priced(event) : event;
    return name !== null ? renameFirstModel(out, modelHolders[format], name) : out;
  };
  const rewriteAll = (complete: Buffer): Buffer => {
    if (!mayNeedNaming(complete) && !mayNeedPricing(complete)) return complete;
    const events: Buffer[] = [];
    for (let start = 0; start < complete.length; ) {
      const end = nextEventEnd(complete, start);
      events.push(rewrite(complete.subarray(start, end)));
      start = end;
    }
    return events.length === 1 ? events[0] : Buffer.concat(events);
  };

  return {
    push(chunk) {
      // The usual chunk: whole events, nothing held before them.
      if (pendingSize === 0 && endsWithEvent(chunk)) return rewriteAll(chunk);
      // Only the new bytes are searched (with the last three held, in case a boundary straddles
      // them), so an event arriving in many small pieces costs linear time.
      const tail = pendingSize === 0 ? nothing : lastBytes(pending, 3);
      const found = lastEventEnd(tail.length === 0 ? chunk : Buffer.concat([tail, chunk]));
      if (found === -1) {
        pending.push(chunk);
        pendingSize += chunk.length;
        return nothing;
      }
      const end = pendingSize - tail.length + found;
      const data = pendingSize === 0 ? chunk : Buffer.concat([...pending, chunk], pendingSize + chunk.length);
      pending = end < data.length ? [data.subarray(end)] : [];
      pendingSize = data.length - end;
      return rewriteAll(end === data.length ? data : data.subarray(0, end));
    },
    flush() {
      const rest = pendingSize === 0 ? nothing : Buffer.concat(pending, pendingSize);
      pending = [];
      pendingSize = 0;
      return rest.length === 0 ? rest : rewrite(terminated(rest));
    },
  };
}

/** The last event with its blank line, which it may lack: a client's parser drops an unterminated one. */
function terminated(event: Buffer): Buffer {
  return endsWithEvent(event) ? event : Buffer.concat([event, eventEnd]);
}

function endsWithEvent(chunk: Buffer): boolean {
  const length = chunk.length;
  return length >= 2 && chunk[length - 1] === 0x0a && (chunk[length - 2] === 0x0a || (length >= 4 && chunk[length - 2] === 0x0d && chunk[length - 3] === 0x0a && chunk[length - 4] === 0x0d));
}

/** End of the last complete event (after its blank line), or -1. */
function lastEventEnd(data: Buffer): number {
  const lf = data.lastIndexOf('\n\n');
  const crlf = data.lastIndexOf('\r\n\r\n');
  return Math.max(lf === -1 ? -1 : lf + 2, crlf === -1 ? -1 : crlf + 4);
}

/** End of the event starting at `from` (after its blank line), or the end of the bytes. */
function nextEventEnd(data: Buffer, from: number): number {
  const lf = data.indexOf('\n\n', from);
  const crlf = data.indexOf('\r\n\r\n', from);
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return crlf + 4;
  return lf === -1 ? data.length : lf + 2;
}

function lastBytes(chunks: Buffer[], count: number): Buffer {
  const last = chunks[chunks.length - 1];
  if (last.length >= count || chunks.length === 1) return last.subarray(Math.max(0, last.length - count));
  return Buffer.concat(chunks.slice(-count)).subarray(-count);
}
