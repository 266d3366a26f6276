// Reasoning items in a Responses client's input that a Responses provider must not be sent. OpenAI
// verifies `encrypted_content` and resolves a reasoning item's id only from its own store, so an
// item the gateway wrote for reasoning another provider made carries nothing OpenAI accepts: one
// whose encrypted content is marked with another maker (see signatures.ts), and Anthropic's
// redacted thinking in an `rs_redacted_` item. Such items are left out; OpenAI's own encrypted
// content goes as it came (unmarked, when it was marked as OpenAI's).
import { ownSignature } from '../signatures.ts';
import { isRecord, redactedReasoningPrefix } from './response.ts';

/** True when some input item must be left out or changed before a Responses provider sees it:
 * the request cannot then be relayed as it came. */
export function carriesForeignReasoning(input: unknown): boolean {
  return Array.isArray(input) && input.some((item) => ownReasoningItem(item) !== item);
}

/** The input as a Responses provider may receive it: the same list when nothing had to change. */
export function withoutForeignReasoning(input: unknown): unknown {
  if (!Array.isArray(input)) return input;
  let changed = false;
  const kept: unknown[] = [];
  for (const item of input) {
    const own = ownReasoningItem(item);
    if (own !== item) changed = true;
    if (own !== null) kept.push(own);
  }
  return changed ? kept : input;
}

/** The item itself, a copy with its own encrypted content unmarked, or null to leave it out. */
function ownReasoningItem(item: unknown): unknown {
  if (!isRecord(item) || item.type !== 'reasoning') return item;
  if (typeof item.id === 'string' && item.id.startsWith(redactedReasoningPrefix)) return null;
  const encrypted = item.encrypted_content;
  if (typeof encrypted !== 'string') return item;
  const own = ownSignature(encrypted, 'openai-responses', 'openai-responses');
  if (own === undefined) return null;
  return own === encrypted ? item : { ...item, encrypted_content: own };
}
