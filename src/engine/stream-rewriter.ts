// A Responses or Messages stream relayed byte for byte, but for two fields: the gateway's
// `usage.cost` in the event that reports the final usage (Responses' `response.completed` or
// `response.incomplete`, Anthropic's `message_delta`), re-serialized with the cost added; and the
// model the client asked for in the events that name one (the `response` object of Responses'
// lifecycle events, Anthropic's `message_start`), spliced in place (see protocol/model-field.ts).
// Every other event passes through as it came. Only the trailing part of an event still arriving is
// held back; a client can do nothing with half an event anyway.
import { StringDecoder } from 'node:string_decoder';
import { decodeUsage as anthropicUsage } from '../protocol/anthropic/response.ts';
import type { Usage } from '../protocol/ir.ts';
import { renameFirstModel } from '../protocol/model-field.ts';
import { decodeUsage as responsesUsage } from '../protocol/openai-responses/response.ts';

export interface StreamRewriter {
  /** The complete events in `chunk` (and before it), rewritten. */
  push(chunk: Buffer): string;
  /** What is left at the end of a complete stream. */
  flush(): string;
}

export interface RewriterOptions {
  /** Prices the final usage for `usage.cost`; null: the call is not billed. */
  price: ((usage: Usage) => number) | null;
  /** The model to name; null: leave the provider's. */
  model: string | null;
}

const finalUsageMarkers = { 'openai-responses': ['"response.completed"', '"response.incomplete"'], anthropic: ['"message_delta"'] } as const;
const finalResponseEvents = new Set(['response.completed', 'response.incomplete']);
/** The key of the object whose `model` is the answer's. */
const modelHolders = { 'openai-responses': '"response":', anthropic: '"message":' } as const;

export function createStreamRewriter(format: 'openai-responses' | 'anthropic', options: RewriterOptions): StreamRewriter {
  const { price, model } = options;
  const text = new StringDecoder('utf8');
  let pending = '';
  /** Anthropic reports input tokens at message_start and output at message_delta. */
  let startUsage: Record<string, unknown> = {};

  const priced = (event: string): string => {
    const dataStart = event.indexOf('data:');
    if (dataStart === -1) return event;
    let lineEnd = event.indexOf('\n', dataStart);
    if (lineEnd > 0 && event[lineEnd - 1] === '\r') lineEnd--;
    const line = lineEnd === -1 ? event.slice(dataStart) : event.slice(dataStart, lineEnd);
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
    if (!holder || !reported || typeof reported !== 'object' || price === null) return event;
    const usage = format === 'anthropic' ? anthropicUsage({ ...startUsage, ...reported }) : responsesUsage(reported);
    if (usage === null) return event;
    (reported as Record<string, unknown>).cost = price(usage);
    return `${event.slice(0, dataStart)}data: ${JSON.stringify(data)}${lineEnd === -1 ? '' : event.slice(lineEnd)}`;
  };
  const rewrite = (event: string): string => {
    const out = price === null ? event : priced(event);
    return model === null ? out : renameFirstModel(out, modelHolders[format], model);
  };
  const mayNeedRewriting = (complete: string): boolean =>
    (model !== null && complete.includes('"model":')) ||
    (price !== null && (finalUsageMarkers[format].some((marker) => complete.includes(marker)) || (format === 'anthropic' && complete.includes('"message_start"'))));

  return {
    push(chunk) {
      const received = pending + text.write(chunk);
      const end = Math.max(boundaryEnd(received, '\n\n'), boundaryEnd(received, '\r\n\r\n'));
      if (end === -1) {
        pending = received;
        return '';
      }
      pending = received.slice(end);
      const complete = received.slice(0, end);
      if (!mayNeedRewriting(complete)) return complete;
      return complete.split(/(?<=\r?\n\r?\n)/).map(rewrite).join('');
    },
    flush() {
      const rest = pending + text.end();
      pending = '';
      return rest === '' ? '' : rewrite(rest);
    },
  };
}

function boundaryEnd(text: string, boundary: string): number {
  const index = text.lastIndexOf(boundary);
  return index === -1 ? -1 : index + boundary.length;
}
