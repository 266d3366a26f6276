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

/** What `target` may be sent of a signature found in a request spoken in `source`: the signature,
 * unmarked, when `target` made it; undefined when another provider did. */
export function ownSignature(signature: string, source: ChatRequest['source'], target: WireFormat): string | undefined {
  if (!signature.startsWith(marker)) return source === target ? signature : undefined;
  const rest = signature.slice(marker.length);
  const dot = rest.indexOf('.');
  return rest.slice(0, dot) === target ? rest.slice(dot + 1) : undefined;
}

/** Keeps the signatures `target` made (unmarked), drops the others; a reasoning part left with
 * neither text nor signature goes too, and so does any reasoning part that loses its signature on
 * the way to a Responses provider: OpenAI takes a reasoning item back only with its encrypted
 * content or by an id it stored, and the id of reasoning another provider made is the gateway's. */
export function keepOwnSignatures(request: ChatRequest, target: WireFormat): void {
  for (const message of request.messages) {
    if (message.role !== 'assistant') continue;
    message.content = message.content.filter((part) => {
      if ((part.type === 'reasoning' || part.type === 'tool-call') && part.signature !== undefined) {
        const kept = ownSignature(part.signature, request.source, target);
        if (kept === undefined) delete part.signature;
        else part.signature = kept;
        if (part.type === 'reasoning' && kept === undefined && (part.text === '' || target === 'openai-responses')) return false;
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
