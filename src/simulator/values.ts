// Small readers for loosely typed request JSON: the simulator must accept whatever clients send.

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A token limit from the request, or null when absent or not a number. */
export function tokenLimit(...candidates: unknown[]): number | null {
  for (const candidate of candidates) {
    if (typeof candidate === 'number' && Number.isFinite(candidate)) return Math.max(0, Math.floor(candidate));
  }
  return null;
}

/** The schema of a structured-output request in OpenAI's spelling (`response_format` in Chat
 * Completions, `text.format` in Responses): a JSON schema, `{type: 'object'}` for JSON mode, or
 * undefined for text. */
export function requestedSchema(format: unknown, nested: boolean): unknown {
  if (!isObject(format)) return undefined;
  if (format.type === 'json_object') return { type: 'object' };
  if (format.type !== 'json_schema') return undefined;
  const holder = nested ? format.json_schema : format;
  return isObject(holder) && isObject(holder.schema) ? holder.schema : { type: 'object' };
}

/** Stop sequences given as one string or a list of strings. */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/**
 * Text of a message content in the shapes the providers use: a string, or a list of parts with a
 * `text` field (OpenAI `text`/`input_text`/`output_text`, Anthropic `text`, Gemini parts).
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'string') text += part;
    else if (isObject(part) && typeof part.text === 'string') text += part.text;
  }
  return text;
}
