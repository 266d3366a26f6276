// Every secret the gateway holds or has been handed (provider keys, configured header values and
// credentials, the admin key, a caller's own provider key, a token minted for one request), cut out
// of anything that leaves towards a client or a log: error text, and the bytes of relayed answers.
// A provider may echo a secret as it was sent, JSON-escaped, percent-encoded or in base64, so each
// secret is looked for in each of those spellings.

/** Shorter values (a region, a version) are settings, not secrets, and would cut ordinary words. */
const minimumSecretLength = 8;
const replacement = '[redacted]';

/** Whether a value is worth cutting: long enough, and not a placeholder (see isPlaceholder). */
function isSecret(value: unknown): value is string {
  return typeof value === 'string' && value.length >= minimumSecretLength && !isPlaceholder(value);
}

/** Words demo setups and local servers' docs put where a key would go, once case, separators and a
 * `sk-` prefix are set aside. */
const placeholderWords = new Set(['changeme', 'password', 'placeholder', 'dummy', 'dummykey', 'fake', 'fakekey', 'notneeded', 'notrequired', 'nokey', 'nokeyrequired', 'noapikey', 'none', 'empty', 'secret', 'apikey', 'yourkey', 'yourapikey', 'yourtoken', 'test', 'testkey', 'example', 'unused', 'anything', 'lmstudio', 'ollama', 'llamacpp', 'vllm']);

/** A value a user puts where a local server ignores the key (`changeme`, `sk-xxxxxxxx`,
 * `sk-no-key-required`, `lm-studio`): no secret, and cutting it would mangle every answer that
 * mentions it (example code, a config file). One character repeated, a run of digits counting up,
 * or a well-known placeholder word; a real key is none of these. */
function isPlaceholder(value: string): boolean {
  const bare = value.toLowerCase().replace(/^bearer\s+/, '').replace(/^sk[-_]/, '').replace(/[^a-z0-9]/g, '');
  return bare.length === 0 || /^(.)\1*$/.test(bare) || '01234567890123456789'.includes(bare) || placeholderWords.has(bare);
}

// Keys of well-known shapes, for text from an upstream that quotes a key the gateway never held
// (e.g. "Incorrect API key provided: sk-..."). Only error text and logs get these: an answer's own
// content may legitimately contain such a string (example code), and is left as the model wrote it.
const secretShapes = /\b(?:sk|pk|rk|gsk|xai|csk|fw|hf|nvapi|sess)[-_][A-Za-z0-9_\-]{8,}|\bAIza[0-9A-Za-z_\-]{20,}|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+\/=\-]{8,}/gi;

export class Redactor {
  /** Each secret in each spelling, longest first so a longer spelling is cut whole. */
  private readonly needles: string[];
  /** Every needle in one pattern: one scan finds any of them (several times faster than a search
   * per needle, which matters on every chunk of every stream). Null when there is none. */
  private readonly pattern: RegExp | null;
  /** The same over bytes read as latin1, so a chunk is scanned without decoding it as UTF-8. */
  private readonly bytePattern: RegExp | null;
  /** Bytes any needle contains: a chunk whose last byte is not one of them cannot end inside a secret. */
  private readonly needleBytes: Uint8Array;
  private readonly secrets: readonly string[];

  constructor(secrets: Iterable<string>) {
    this.secrets = [...new Set([...secrets].filter(isSecret))];
    this.needles = [...new Set(this.secrets.flatMap(spellings))].sort((a, b) => b.length - a.length);
    this.pattern = alternation(this.needles);
    this.bytePattern = alternation(this.needles.map((needle) => Buffer.from(needle).toString('latin1')));
    this.needleBytes = new Uint8Array(256);
    for (const needle of this.needles) for (const byte of Buffer.from(needle)) this.needleBytes[byte] = 1;
  }

  /** This redactor plus more secrets (a caller's own key, a token minted for one request). */
  with(secrets: readonly (string | null | undefined)[]): Redactor {
    const extra = secrets.filter((secret): secret is string => isSecret(secret) && !this.secrets.includes(secret));
    return extra.length === 0 ? this : new Redactor([...this.secrets, ...extra]);
  }

  /** Error text or a log field: known secrets in every spelling, and anything shaped like a key. */
  text(text: string): string {
    return this.known(text).replace(secretShapes, replacement);
  }

  /** Text relayed to a client (an answer's events): known secrets only. */
  known(text: string): string {
    const pattern = this.pattern;
    if (pattern === null) return text;
    pattern.lastIndex = 0;
    if (!pattern.test(text)) return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, replacement);
  }

  /** Bytes relayed to a client: known secrets only. Returns the same buffer when there is none. */
  bytes(chunk: Buffer): Buffer {
    const pattern = this.bytePattern;
    if (pattern === null) return chunk;
    const text = chunk.toString('latin1');
    pattern.lastIndex = 0;
    if (!pattern.test(text)) return chunk;
    pattern.lastIndex = 0;
    return Buffer.from(text.replace(pattern, replacement), 'latin1');
  }

  /** A redactor for one stream whose chunks may split a secret: see StreamRedaction. */
  stream(): StreamRedaction {
    return new StreamRedaction(this);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  /** How many bytes (or characters) at the end of `chunk` could begin a secret, to hold back until
   * more arrive. The needles' alphabet rules out most chunks at their last byte. */
  partialTail(chunk: Buffer | string): number {
    const length = chunk.length;
    const code = (index: number): number => (typeof chunk === 'string' ? chunk.charCodeAt(index) : chunk[index]);
    if (length === 0 || code(length - 1) > 255 || this.needleBytes[code(length - 1)] === 0) return 0;
    let longest = 0;
    for (const needle of this.needles) {
      for (let size = Math.min(needle.length - 1, length); size > longest; size--) {
        if (code(length - size) === needle.charCodeAt(0) && endsWithStartOf(chunk, needle, size)) {
          longest = size;
          break;
        }
      }
    }
    return longest;
  }
}

/** One global pattern matching any of the strings literally; null for none. */
function alternation(strings: string[]): RegExp | null {
  if (strings.length === 0) return null;
  return new RegExp(strings.map((text) => text.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&')).join('|'), 'g');
}

function endsWithStartOf(chunk: Buffer | string, needle: string, size: number): boolean {
  const tail = typeof chunk === 'string' ? chunk.slice(chunk.length - size) : chunk.toString('latin1', chunk.length - size);
  return needle.startsWith(tail);
}

/**
 * Redaction across the chunks of one stream: a secret split between two chunks is still found,
 * because a chunk's last bytes are held back while they could be the start of one. An SSE chunk ends
 * with a blank line, which no secret contains, so in practice nothing is ever held.
 */
export class StreamRedaction {
  private readonly redactor: Redactor;
  private held: Buffer | string = '';

  constructor(redactor: Redactor) {
    this.redactor = redactor;
  }

  push(chunk: Buffer | string): Buffer | string {
    if (this.redactor.empty) return chunk;
    let piece = chunk;
    if (this.held.length > 0) {
      piece = typeof piece === 'string' && typeof this.held === 'string' ? this.held + piece : Buffer.concat([toBytes(this.held), toBytes(piece)]);
      this.held = '';
    }
    const hold = this.redactor.partialTail(piece);
    if (hold > 0) {
      const cut = piece.length - hold;
      this.held = typeof piece === 'string' ? piece.slice(cut) : Buffer.from(piece.subarray(cut));
      piece = typeof piece === 'string' ? piece.slice(0, cut) : piece.subarray(0, cut);
    }
    return typeof piece === 'string' ? this.redactor.known(piece) : this.redactor.bytes(piece);
  }

  /** What was held back, at the end of the stream. */
  flush(): Buffer | string {
    const rest = this.held;
    this.held = '';
    return typeof rest === 'string' ? this.redactor.known(rest) : this.redactor.bytes(rest);
  }
}

/** Bytes as they are, text as UTF-8 bytes: no copy of what is already a Buffer. */
function toBytes(piece: Buffer | string): Buffer {
  return typeof piece === 'string' ? Buffer.from(piece) : piece;
}

/** The spellings a provider may echo a secret in. */
function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [secret, json, json.replaceAll('/', '\\/'), encodeURIComponent(secret.toWellFormed()), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')];
}

/** For text outside any request (a log line from start-up, a discovery failure): shapes only. */
export const shapesOnly = new Redactor([]);

/** Every credential the gateway sends a provider: its key (alone and as a bearer token), and the
 * headers and settings whose names say they carry one (`api-key`, `AWS_SECRET_ACCESS_KEY`, a
 * service account). Not the others: `anthropic-version: 2023-06-01` or `AWS_REGION: us-east-1` are
 * no secret, and cutting them would corrupt every answer that mentions that date or region. */
export function providerSecrets(provider: { apiKey: string | null; headers: Record<string, string>; settings: Record<string, string> }): string[] {
  const secrets = [...Object.entries(provider.headers), ...Object.entries(provider.settings)].filter(([name]) => credentialName.test(name)).map(([, value]) => value);
  if (provider.apiKey && isSecret(provider.apiKey)) secrets.push(provider.apiKey, `Bearer ${provider.apiKey}`);
  return secrets.filter(isSecret);
}

/** Names of headers and settings that carry credentials. */
const credentialName = /auth|key|token|secret|credential|password|private|cookie|session|signature|account/i;

/** Every secret in a configuration: each provider's credentials and the admin key. */
export function configuredSecrets(config: { providers: { apiKey: string | null; headers: Record<string, string>; settings: Record<string, string> }[]; adminKey: string | null }): string[] {
  const secrets = config.providers.flatMap(providerSecrets);
  if (config.adminKey) secrets.push(config.adminKey);
  return secrets;
}
