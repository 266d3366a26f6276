// A count of tokens meant never to fall far below what any current tokenizer makes of a text, for
// models whose tokenizer the gateway does not ship. It reads the text the way byte-pair tokenizers
// split it before merging: words (a run of capitals then lower case, as o200k's pattern does), digits,
// runs of punctuation and of white space, and one character at a time in scripts that most
// vocabularies cover thinly.
//
// Calibrated against o200k_base (gpt-tokenizer) and the open tokenizers of Llama 2 and 3, Qwen3,
// Gemma 3 (Gemini's vocabulary), DeepSeek V3 and Anthropic's published pre-Claude-3 one, on English
// prose and licence text, TypeScript and Python, JSON (pretty, minified, package.json), prose in
// Chinese, Japanese, Korean, Russian, Greek and seven European languages, and hex, UUIDs, URLs,
// base64 and numbers. This bound divided by each tokenizer's count:
//                      o200k       Llama 3, Qwen3,       Llama 2,
//                                  Gemma 3, DeepSeek V3  old Claude
//   English            1.26–1.30   1.20–1.30             1.10–1.29
//   code               1.35        1.17–1.36             1.08–1.29
//   JSON               1.35–1.53   1.15–1.55             1.05–1.49
//   Chinese            1.03–1.36   1.04–1.65             0.75–1.22
//   Japanese           1.40        1.42–1.79             0.91–1.08
//   Korean, Russian,
//   Greek              1.41–2.05   1.06–2.02             0.84–1.15
//   European languages 1.07–1.36   0.90–1.27             0.71–1.14
//   hex, UUIDs, URLs,
//   base64, numbers    1.17–2.29   0.91–2.29             0.89–2.06
// The modern vocabularies are covered everywhere but in Polish, Turkish and German (0.90–0.99) and
// hex (0.91); the two older ones only roughly where they split characters into bytes. Anthropic's
// current tokenizer is not published, so Claude's models could not be measured. Characters ÷ 4,
// the count this replaces, came to 0.36 of o200k on Chinese prose, 0.39 on Japanese and 0.76 on
// JSON. A count still short is caught later: a provider's refusal of a prompt as too long for its
// window moves the request on to the next candidate.

/** Letters per token in a word of up to `longWord` letters (most words are one token or two). */
const lettersPerToken = 5;
/** Beyond this, a run of letters is more likely an identifier or random text, two letters a token. */
const longWord = 20;
/** JSON's `":"`, `","` and `},{` merge into one token in most vocabularies, but not all of them. */
const punctuationPerToken = 1.5;
/** Indentation and blank lines: the longest white-space tokens are about this long. */
const spacesPerToken = 8;
/** Cyrillic words take about one token per two letters in the vocabularies that cover it least. */
const cyrillicPerToken = 2;
/** Base64, hex and other unbroken runs of letters, digits and `+/=_-` at least this long… */
const blobLength = 48;
/** …cost about this much per character (base64 is 1.2–1.5 characters a token). */
const tokensPerBlobCharacter = 0.8;

const lower = 1;
const upper = 2;
const space = 3;
const punctuation = 4;
const cyrillic = 5;
/** Half of a character outside the Basic Multilingual Plane (emoji): four bytes, up to four tokens. */
const surrogate = 6;
/** Digits (Qwen3, Gemma 3 and Llama 2 split numbers into digits), CJK, kana, Hangul, accented
 * Latin, Greek, Arabic, Devanagari, symbols: a token each. */
const single = 7;

/** The bound for one text. Never more than its UTF-8 bytes: no token is shorter than a byte. */
export function boundTokens(text: string): number {
  let tokens = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    if (index === 0 || !blobCharacter(text.charCodeAt(index - 1))) {
      const blob = blobEnd(text, index);
      if (blob - index >= blobLength) {
        tokens += Math.ceil((blob - index) * tokensPerBlobCharacter);
        index = blob;
        continue;
      }
    }
    const kind = kindOf(text.charCodeAt(index));
    let end = index + 1;
    if (kind === lower || kind === upper) {
      // Capitals then lower case, as o200k's pattern splits camelCase: `handleRoute` is two words.
      let seenLower = kind === lower;
      for (; end < length; end++) {
        const next = kindOf(text.charCodeAt(end));
        if (next === lower) seenLower = true;
        else if (next !== upper || seenLower) break;
      }
      tokens += wordTokens(end - index);
    } else if (kind === space || kind === punctuation || kind === cyrillic) {
      while (end < length && kindOf(text.charCodeAt(end)) === kind) end++;
      const run = end - index;
      // A single space belongs to the word after it.
      if (kind === space) tokens += run === 1 && text.charCodeAt(index) === 32 ? 0 : Math.ceil(run / spacesPerToken);
      else tokens += Math.ceil(run / (kind === punctuation ? punctuationPerToken : cyrillicPerToken));
    } else {
      tokens += kind === surrogate ? 2 : 1;
    }
    index = end;
  }
  return tokens;
}

function wordTokens(letters: number): number {
  if (letters <= longWord) return Math.ceil(letters / lettersPerToken);
  return Math.ceil(longWord / lettersPerToken) + Math.ceil((letters - longWord) / 2);
}

/** Where a run of base64 or hex characters starting at `index` ends (index itself when none). */
function blobEnd(text: string, index: number): number {
  let end = index;
  while (end < text.length && blobCharacter(text.charCodeAt(end))) end++;
  return end;
}

function blobCharacter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 43 || code === 47 || code === 61 || code === 95 || code === 45;
}

function kindOf(code: number): number {
  if (code >= 97 && code <= 122) return lower;
  if (code >= 65 && code <= 90) return upper;
  if (code >= 48 && code <= 57) return single;
  if (code === 32 || code === 9 || code === 10 || code === 13) return space;
  if (code < 128) return punctuation;
  if (code >= 0x400 && code <= 0x52f) return cyrillic;
  if (code >= 0xd800 && code <= 0xdfff) return surrogate;
  return single;
}
