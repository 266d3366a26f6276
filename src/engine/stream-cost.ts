// `usage.cost` in a Responses or Messages stream relayed byte for byte: every event passes through
// as it came, except the one that reports the final usage (Responses' `response.completed` or
// `response.incomplete`, Anthropic's `message_delta`), which is re-serialized with the cost added. Only the trailing part
// of an event still arriving is held back; a client can do nothing with half an event anyway.
import { StringDecoder } from 'node:string_decoder';
import { decodeUsage as anthropicUsage } from '../protocol/anthropic/response.ts';
import type { Usage } from '../protocol/ir.ts';
import { decodeUsage as responsesUsage } from '../protocol/openai-responses/response.ts';

export interface CostInjector {
  /** The complete events in `chunk` (and before it), the usage event priced. */
  push(chunk: Buffer): string;
  /** What is left at the end of a complete stream. */
  flush(): string;
}

const finalUsageMarkers = { 'openai-responses': ['"response.completed"', '"response.incomplete"'], anthropic: ['"message_delta"'] } as const;
const finalResponseEvents = new Set(['response.completed', 'response.incomplete']);

export function createCostInjector(format: 'openai-responses' | 'anthropic', price: (usage: Usage) => number): CostInjector {
  const text = new StringDecoder('utf8');
  let pending = '';
  /** Anthropic reports input tokens at message_start and output at message_delta. */
  let startUsage: Record<string, unknown> = {};

  const rewrite = (event: string): string => {
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
    if (!holder || !reported || typeof reported !== 'object') return event;
    const usage = format === 'anthropic' ? anthropicUsage({ ...startUsage, ...reported }) : responsesUsage(reported);
    if (usage === null) return event;
    (reported as Record<string, unknown>).cost = price(usage);
    return `${event.slice(0, dataStart)}data: ${JSON.stringify(data)}${lineEnd === -1 ? '' : event.slice(lineEnd)}`;
  };

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
      const carriesUsage = finalUsageMarkers[format].some((marker) => complete.includes(marker)) || (format === 'anthropic' && complete.includes('"message_start"'));
      if (!carriesUsage) return complete;
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
