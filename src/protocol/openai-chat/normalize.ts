// What OpenAI-compatible servers send that the `openai` SDK cannot assemble, rewritten into what it
// can: a choice whose deltas never name the `role` (the SDK's finalChatCompletion() and runTools()
// fail with "missing role for choice 0"), and `content` as a list of typed parts (Mistral's reasoning
// models: text, and thinking that is itself a list of texts), which the SDK concatenates into
// "[object Object]". Parts become the string `content`, thinking becomes `reasoning_content` (as
// DeepSeek names it), a refusal part `refusal`. Only these fields change; everything else stays.
import { isRecord, thinkingText } from './response.ts';

/** A chunk's choices: the first delta of each choice (not yet in `seenRoles`) gets `role`, and
 * content parts become strings. Returns whether anything changed. */
export function normalizeChunk(chunk: Record<string, unknown>, seenRoles: Set<number> | null): boolean {
  if (!Array.isArray(chunk.choices)) return false;
  let changed = false;
  for (const choice of chunk.choices) {
    if (!isRecord(choice) || !isRecord(choice.delta)) continue;
    const delta = choice.delta;
    const index = typeof choice.index === 'number' ? choice.index : 0;
    if (seenRoles !== null && !seenRoles.has(index)) {
      seenRoles.add(index);
      if (typeof delta.role !== 'string') {
        // First among the keys, where every provider that sends it puts it.
        choice.delta = { role: 'assistant', ...delta };
        changed = true;
      }
    }
    if (flattenContent(choice.delta as Record<string, unknown>)) changed = true;
  }
  return changed;
}

/** A whole `chat.completion`: each message gets its `role`, and content parts become strings. */
export function normalizeCompletion(body: unknown): boolean {
  if (!isRecord(body) || !Array.isArray(body.choices)) return false;
  let changed = false;
  for (const choice of body.choices) {
    if (!isRecord(choice) || !isRecord(choice.message)) continue;
    if (typeof choice.message.role !== 'string') {
      choice.message = { role: 'assistant', ...choice.message };
      changed = true;
    }
    if (flattenContent(choice.message as Record<string, unknown>)) changed = true;
  }
  return changed;
}

/** `content` as parts -> `content` text (null when there was none), `reasoning_content`, `refusal`. */
function flattenContent(holder: Record<string, unknown>): boolean {
  if (!Array.isArray(holder.content)) return false;
  let text: string | null = null;
  let thinking = '';
  let refusal = '';
  for (const part of holder.content) {
    if (typeof part === 'string') text = (text ?? '') + part;
    else if (!isRecord(part)) continue;
    else if (part.type === 'text' && typeof part.text === 'string') text = (text ?? '') + part.text;
    else if (part.type === 'thinking') thinking += thinkingText(part.thinking);
    else if (part.type === 'refusal' && typeof part.refusal === 'string') refusal += part.refusal;
  }
  holder.content = text;
  if (thinking !== '') holder.reasoning_content = (typeof holder.reasoning_content === 'string' ? holder.reasoning_content : '') + thinking;
  if (refusal !== '') holder.refusal = (typeof holder.refusal === 'string' ? holder.refusal : '') + refusal;
  return true;
}
