// Readings of a client's raw request body that several formats share; each format's facts.ts says
// which of its own fields they apply to.
import { invalidRequest } from '../errors/gateway-error.ts';

/** `stream`: false when absent or null, a 400 when anything but a boolean. */
export function streamFlag(body: Record<string, unknown>): boolean {
  if (body.stream === undefined || body.stream === null) return false;
  if (typeof body.stream !== 'boolean') throw invalidRequest('`stream` must be true or false', 'stream');
  return body.stream;
}

/** A positive finite number, or null: an absent, zero, negative or non-numeric limit is no limit. */
export function positiveNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/** The `type` of an object, undefined for anything else. */
export function typeOf(value: unknown): unknown {
  return value && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
}

export function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** Set to something: not absent, null or the empty string. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

// JSON null means "not set" in these APIs, as an absent field does.
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Items up to and including the first with role `user`; without one, just the first item. */
export function upToFirstUser(items: unknown): unknown[] {
  if (!Array.isArray(items)) return [];
  const index = items.findIndex((item) => typeof item === 'object' && item !== null && (item as { role?: unknown }).role === 'user');
  return items.slice(0, index < 0 ? 1 : index + 1);
}

const imageTypes = new Set(['image_url', 'input_image', 'image']);

/** Any image part in a list of messages (Chat `image_url`, Responses `input_image`, Anthropic
 * `image`), including inside a part's own `content` (Anthropic tool results carry images there). */
export function hasImageParts(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  for (const message of messages) {
    const content = message && typeof message === 'object' ? (message as { content?: unknown }).content : undefined;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      if (part && typeof part === 'object' && imageTypes.has((part as { type?: unknown }).type as string)) return true;
      const inner = part && typeof part === 'object' ? (part as { content?: unknown }).content : undefined;
      if (Array.isArray(inner) && hasImageParts([{ content: inner }])) return true;
    }
  }
  return false;
}
