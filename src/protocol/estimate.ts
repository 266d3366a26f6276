// A count of prompt tokens before the call: to check a prompt fits a model's context window, for
// count_tokens on providers that cannot count, and for reservations against a key's budget. Text is
// counted with the model's own tokenizer where the gateway ships it (OpenAI's o200k_base), and
// otherwise with a bound meant never to fall far below any current tokenizer (token-bound.ts); images
// and documents count a flat amount, messages a little framing each. It is an estimate and is
// labelled as one wherever it is shown.
import { o200kTokens } from './o200k.ts';
import { boundTokens } from './token-bound.ts';

/** Whose tokenizer counts the prompt. o200k is no bound for the others: Llama 3, Qwen3, Gemma 3 and
 * DeepSeek V3 make 1–12% more tokens of English and code, and up to 2.3 times as many of numbers,
 * Korean or Greek; Anthropic's tokenizers more still. */
export type TokenizerFamily = 'o200k' | 'unknown';

const tokensPerMedia = 1_000;
const tokensPerMessage = 4;
/** Text is counted in slices of about this many characters, so a count can stop once past its limit. */
const sliceCharacters = 64 * 1024;

/** gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4 and gpt-oss, with any `vendor/` prefix and suffix. Older
 * GPT models (gpt-4, gpt-3.5) use cl100k, which makes more tokens of most non-English text. */
const o200kModel = /^(?:chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[134]|gpt-oss)(?:$|[-.:_@])/;

/** The tokenizer of a model known by any of these names (its public id, a provider's name for it). */
export function tokenizerFamily(...names: string[]): TokenizerFamily {
  for (const name of names) {
    if (o200kModel.test(name.slice(name.lastIndexOf('/') + 1).toLowerCase())) return 'o200k';
  }
  return 'unknown';
}

/** Parts that hold an image, and parts that hold a document or file (of any size), in the client
 * formats. */
const imageKinds = new Set(['image', 'image_url', 'input_image', 'computer_screenshot']);
const documentKinds = new Set(['document', 'file', 'input_file', 'container_upload']);
type PartKind = 'image' | 'document' | null;

/** What a node is: a part by its `type`; the `source` (Anthropic), `file` (Chat) or `image_url`
 * object of a part, whatever its own `type` says, is of the part around it. */
function kindOf(node: Record<string, unknown>, key: string, around: PartKind): PartKind {
  if (around !== null && (key === 'source' || key === 'file' || key === 'image_url')) return around;
  const type = node.type;
  if (typeof type !== 'string') return null;
  return imageKinds.has(type) ? 'image' : documentKinds.has(type) ? 'document' : null;
}

/** A part's field that may name its content: a string, or its source, file or image_url object. */
function holdsReference(key: string, value: unknown): boolean {
  return typeof value === 'string' || key === 'source' || key === 'file' || key === 'image_url';
}

/** Content named rather than sent: a URL (http, https, gs) in a field that holds one, or a file id. */
function isReference(key: string, value: string): boolean {
  if (key === 'file_id') return true;
  // OpenRouter takes a PDF's URL as Chat's `file_data` too.
  return (key === 'url' || key === 'image_url' || key === 'file_url' || key === 'file_uri' || key === 'file_data') && /^(?:https?|gs):\/\//i.test(value);
}

/** Estimates the tokens of any request-shaped JSON value: strings count as text, `data:` URLs and
 * base64 payloads as media, lists of messages add their framing, tools count as their JSON. */
export function estimateTokens(value: unknown, family: TokenizerFamily = 'unknown'): number {
  return new PromptTokens(value).count(family, Infinity);
}

/** One prompt, read once and counted per tokenizer only as far as a question needs. */
export class PromptTokens {
  private readonly texts: string[] = [];
  private readonly framing: number;
  /** Documents or files the prompt names by URL or id, whose size it does not show. */
  readonly remoteDocuments: number;
  private boundCount: number | null = null;
  /** The o200k count so far: the texts before `text`, and `text` up to `offset`. */
  private readonly exact = { tokens: 0, text: 0, offset: 0 };

  constructor(value: unknown) {
    let media = 0;
    let messages = 0;
    let documents = 0;
    // `part`: the kind of content part the node is (or is the source of); a reference counts only
    // there, not in a citation, an annotation or a tool's search results.
    const visit = (node: unknown, key: string, depth: number, part: PartKind): void => {
      // Deeper than any real request: counted as nothing rather than overflowing the stack.
      if (depth > 256) return;
      if (typeof node === 'string') {
        if (node.startsWith('data:') || (key === 'data' && node.length > 256)) media++;
        else if (part !== null && isReference(key, node)) {
          if (part === 'image') media++;
          else documents++;
        }
        // A message's role and a part's type are its framing, counted per message below.
        else if (key !== 'role' && key !== 'type') this.texts.push(node);
      } else if (Array.isArray(node)) {
        if (key === 'messages' || key === 'input' || key === 'contents') messages += node.length;
        // Property names of a tool's parameters reach the model too, in whatever form it renders them.
        if (key === 'tools' || key === 'functions') this.texts.push(JSON.stringify(node) ?? '');
        else for (const item of node) visit(item, key, depth + 1, null);
      } else if (node !== null && typeof node === 'object') {
        const own = kindOf(node as Record<string, unknown>, key, part);
        for (const [childKey, child] of Object.entries(node)) visit(child, childKey, depth + 1, holdsReference(childKey, child) ? own : null);
      }
    };
    visit(value, '', 0, null);
    this.framing = media * tokensPerMedia + messages * tokensPerMessage;
    this.remoteDocuments = documents;
  }

  /** The count for a tokenizer the gateway does not ship: meant to be at least what any would make. */
  get upperBound(): number {
    if (this.boundCount === null) {
      let tokens = this.framing;
      for (const text of this.texts) tokens += boundTokens(text);
      this.boundCount = tokens;
    }
    return this.boundCount;
  }

  /** The prompt's tokens as `family` counts them; past `limit` the count may stop early, and then
   * says only that there are more than `limit`. */
  count(family: TokenizerFamily, limit: number): number {
    return family === 'o200k' ? this.o200k(limit) : this.upperBound;
  }

  /** Whether the prompt takes at most `room` tokens of `family`'s tokenizer. */
  fits(family: TokenizerFamily, room: number): boolean {
    // The bound came out above o200k on every text it was calibrated on (by 3% to 2.3 times), so
    // when it fits (1–5 ms per 100 KB) the exact count (30–55 ms) is not needed.
    if (this.upperBound <= room) return true;
    return family === 'o200k' && this.o200k(room) <= room;
  }

  /** Counts on from where the last call stopped, slice by slice, until past `limit` or done. */
  private o200k(limit: number): number {
    const exact = this.exact;
    while (exact.text < this.texts.length && this.framing + exact.tokens <= limit) {
      const text = this.texts[exact.text];
      const end = sliceEnd(text, exact.offset);
      exact.tokens += o200kTokens(exact.offset === 0 && end === text.length ? text : text.slice(exact.offset, end));
      if (end === text.length) {
        exact.text++;
        exact.offset = 0;
      } else {
        exact.offset = end;
      }
    }
    return this.framing + exact.tokens;
  }
}

/** Where the slice starting at `start` ends: at white space near its nominal length, so that few
 * words are cut in two (each cut may add a token). */
function sliceEnd(text: string, start: number): number {
  const end = start + sliceCharacters;
  if (end >= text.length) return text.length;
  const space = text.lastIndexOf(' ', end);
  if (space > start + sliceCharacters / 2) return space;
  // Never between the two halves of a surrogate pair.
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end + 1 : end;
}
