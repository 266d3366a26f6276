// Reasoning signatures (Anthropic's thinking `signature`, OpenAI's `encrypted_content`, Gemini's
// `thoughtSignature`) are opaque and only the format that made them can check them: Anthropic
// refuses a thinking block whose signature came from Gemini. So a signature handed to a client of
// another format is marked with its maker (`mmx1.<format>.<signature>`), and when the conversation
// comes back, each provider receives only the signatures it made. Unmarked signatures belong to the
// client's own format. Same-format traffic is never marked.
import type { ChatResponse, ChatRequest, StreamEvent, WireFormat } from './ir.ts';

const marker = 'mmx1.';

export function markSignature(signature: string, maker: WireFormat): string {
  return `${marker}${maker}.${signature}`;
}

/** Keeps the signatures `target` made (unmarked), drops the others; a reasoning part left with
 * neither text nor signature goes too. */
export function keepOwnSignatures(request: ChatRequest, target: WireFormat): void {
  const own = (signature: string): string | undefined => {
    if (!signature.startsWith(marker)) return request.source === target ? signature : undefined;
    const rest = signature.slice(marker.length);
    const dot = rest.indexOf('.');
    return rest.slice(0, dot) === target ? rest.slice(dot + 1) : undefined;
  };
  for (const message of request.messages) {
    if (message.role !== 'assistant') continue;
    message.content = message.content.filter((part) => {
      if ((part.type === 'reasoning' || part.type === 'tool-call') && part.signature !== undefined) {
        const kept = own(part.signature);
        if (kept === undefined) delete part.signature;
        else part.signature = kept;
        if (part.type === 'reasoning' && part.text === '' && kept === undefined) return false;
      }
      return true;
    });
  }
}

/** True when the request carries a marked signature: it must be translated, not relayed as is. */
export function hasMarkedSignatures(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  for (const message of messages) {
    const content = (message as { content?: unknown })?.content;
    const parts = Array.isArray(content) ? content : [message];
    for (const part of parts) {
      const record = part as Record<string, unknown> | null;
      if (!record || typeof record !== 'object') continue;
      for (const key of ['signature', 'encrypted_content']) {
        const value = record[key];
        if (typeof value === 'string' && value.startsWith(marker)) return true;
      }
    }
  }
  return false;
}

export function markResponse(response: ChatResponse, maker: WireFormat): void {
  for (const part of response.content) {
    if ((part.type === 'reasoning' || part.type === 'tool-call') && part.signature) part.signature = markSignature(part.signature, maker);
  }
}

export function markEvent(event: StreamEvent, maker: WireFormat): StreamEvent {
  if (event.type === 'reasoning-signature') return { ...event, signature: markSignature(event.signature, maker) };
  if (event.type === 'tool-call-start' && event.signature) return { ...event, signature: markSignature(event.signature, maker) };
  return event;
}
