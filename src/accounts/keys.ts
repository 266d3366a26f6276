// Virtual keys: the credentials the gateway hands to its own callers, in place of provider keys.
// A key is shown once when made; only its hash is kept, so a leaked store leaks no usable key.
// Also here: finding the key a request carries, and checking a model against a key's allow-list.
import { createHash, randomBytes } from 'node:crypto';

const keyMarker = 'mmx-';
/** 32 random bytes in base64url, unpadded. */
const keyBodyLength = 43;
const keyPattern = /^mmx-[A-Za-z0-9_-]{43}$/;
const prefixLength = 12;

/** A new key: `mmx-` + 32 random bytes base64url. Shown once; only its hash is stored. */
export function generateKey(): string {
  const body = randomBytes(32).toString('base64url');
  // Guards the format the pattern and the prefix rely on, should the encoding ever change.
  if (body.length !== keyBodyLength) throw new Error(`unexpected key body length ${body.length}`);
  return keyMarker + body;
}

/** sha256 hex of the key (keys are high-entropy, so a plain hash is right; no salt needed). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The prefix shown in listings: first 12 characters, e.g. `mmx-AbCdEfGh`. */
export function keyPrefix(key: string): string {
  return key.slice(0, prefixLength);
}

/** True when the string looks like one of our keys (cheap check before hashing). */
export function looksLikeKey(value: string): boolean {
  return keyPattern.test(value);
}

type Headers = Record<string, string | string[] | undefined>;

/** The key a request carries: `Authorization: Bearer <key>` or `x-api-key: <key>` (Anthropic clients), or null.
 * Authorization wins when it holds a bearer token; another scheme there (Basic, ...) is no key of
 * ours, so x-api-key is tried next. Whether the value is one of our keys is left to looksLikeKey. */
export function presentedKey(headers: Headers): string | null {
  const authorization = headerValue(headers, 'authorization');
  if (authorization !== null) {
    const match = /^bearer\s+(\S+)$/i.exec(authorization);
    if (match) return match[1];
  }
  const apiKey = headerValue(headers, 'x-api-key');
  return apiKey === null || /\s/.test(apiKey) ? null : apiKey;
}

/** The trimmed, non-empty value of one header, whatever the case of its name. A header given twice
 * with different values is ambiguous about who is calling, so it counts as absent. */
function headerValue(headers: Headers, name: string): string | null {
  const values: string[] = [];
  for (const [headerName, value] of Object.entries(headers)) {
    if (value === undefined || headerName.toLowerCase() !== name) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const trimmed = item.trim();
      if (trimmed !== '') values.push(trimmed);
    }
  }
  if (values.length === 0) return null;
  return values.every((value) => value === values[0]) ? values[0] : null;
}

/** Allowed-model patterns: exact names or globs with `*` (e.g. `gpt-4.1*`, `meta-llama/*`, `*`); empty list = all.
 * `*` matches any run of characters, `/` included; every other character stands for itself, and
 * matching is case-sensitive, as model ids are. */
export function modelAllowed(patterns: readonly string[], model: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => globMatches(pattern, model));
}

/** Wildcard matching without regular expressions, so no pattern character needs escaping and no
 * pattern can make matching slow: on a mismatch it only ever retries from the last `*`. */
function globMatches(pattern: string, text: string): boolean {
  let patternIndex = 0;
  let textIndex = 0;
  let starIndex = -1;
  let resumeIndex = 0;
  while (textIndex < text.length) {
    if (patternIndex < pattern.length && pattern[patternIndex] === '*') {
      starIndex = patternIndex++;
      resumeIndex = textIndex;
    } else if (patternIndex < pattern.length && pattern[patternIndex] === text[textIndex]) {
      patternIndex++;
      textIndex++;
    } else if (starIndex !== -1) {
      // Let the last star swallow one more character and try again from there.
      patternIndex = starIndex + 1;
      textIndex = ++resumeIndex;
    } else {
      return false;
    }
  }
  while (patternIndex < pattern.length && pattern[patternIndex] === '*') patternIndex++;
  return patternIndex === pattern.length;
}
