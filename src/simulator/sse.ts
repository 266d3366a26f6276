// Server-sent event framing as the providers write it.

/** `data: <json>` — OpenAI chat completions and Gemini. */
export function dataFrame(json: string): string {
  return 'data: ' + json + '\n\n';
}

/** `event: <type>` then `data: <json>` — OpenAI Responses and Anthropic Messages. */
export function eventFrame(type: string, json: string): string {
  return 'event: ' + type + '\ndata: ' + json + '\n\n';
}

export const doneFrame = 'data: [DONE]\n\n';

/**
 * The same event with its JSON cut in half and no closing braces: what a client sees when an
 * upstream proxy or buggy provider mangles one event (fault `malformed`).
 */
export function truncatedFrame(frame: string): string {
  const dataAt = frame.indexOf('data: ');
  const jsonStart = dataAt === -1 ? 0 : dataAt + 6;
  const json = frame.slice(jsonStart, frame.length - 2);
  return frame.slice(0, jsonStart) + json.slice(0, Math.max(1, Math.floor(json.length / 2))) + '\n\n';
}
