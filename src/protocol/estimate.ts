// A quick count of prompt tokens for when no tokenizer is at hand: about four characters per token
// of text, a flat amount per image or document, a little per message. Used for count_tokens on
// providers that cannot count, and (later) to check a prompt fits a model's context window.
// It is an estimate and is labelled as one wherever it is shown.

const charactersPerToken = 4;
const tokensPerMedia = 1_000;
const tokensPerMessage = 4;

/** Estimates the tokens of any request-shaped JSON value: strings count by length, `data:` URLs
 * and base64 payloads as media, arrays of messages add their framing. */
export function estimateTokens(value: unknown): number {
  let characters = 0;
  let media = 0;
  let messages = 0;
  const visit = (node: unknown, key: string, depth = 0): void => {
    // Deeper than any real request: counted as nothing rather than overflowing the stack.
    if (depth > 256) return;
    if (typeof node === 'string') {
      if (node.startsWith('data:') || (key === 'data' && node.length > 256)) media++;
      else characters += node.length;
    } else if (Array.isArray(node)) {
      if (key === 'messages' || key === 'input' || key === 'contents') messages += node.length;
      for (const item of node) visit(item, key, depth + 1);
    } else if (node !== null && typeof node === 'object') {
      for (const [childKey, child] of Object.entries(node)) visit(child, childKey, depth + 1);
    }
  };
  visit(value, '');
  return Math.ceil(characters / charactersPerToken) + media * tokensPerMedia + messages * tokensPerMessage;
}
