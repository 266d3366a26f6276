// The fuzz test's raw material: odd values (huge and negative numbers, numbers JSON.stringify cannot
// write, emoji and lone surrogates, deep nesting, very long strings), odd object keys, and the
// mutations that bend a valid body. Big values are markers expanded only when the body is written,
// so a counterexample prints as `deep(20000, "array")`, not as 40 KB of brackets.
import fc from 'fast-check';

/** A number written as-is into the JSON text: `1e400` parses to Infinity, which stringify cannot make. */
export class RawNumber {
  text: string;
  constructor(text: string) {
    this.text = text;
  }
  [fc.toStringMethod](): string {
    return `raw(${this.text})`;
  }
}

/** `depth` nested arrays or objects around a small value. */
export class Deep {
  depth: number;
  shape: 'array' | 'object';
  constructor(depth: number, shape: 'array' | 'object') {
    this.depth = depth;
    this.shape = shape;
  }
  [fc.toStringMethod](): string {
    return `deep(${this.depth}, ${JSON.stringify(this.shape)})`;
  }
}

/** `unit` repeated `times` times. */
export class Long {
  unit: string;
  times: number;
  constructor(unit: string, times: number) {
    this.unit = unit;
    this.times = times;
  }
  [fc.toStringMethod](): string {
    return `long(${JSON.stringify(this.unit)}, ${this.times})`;
  }
}

/** The JSON text of a value holding markers. Lone surrogates come out escaped (`\ud83d`), as a
 * client's JSON library would write them, so the gateway parses them back into its strings. */
export function encodeJson(value: unknown): string {
  const expansions: string[] = [];
  const token = `@@fuzz-${Math.random().toString(36).slice(2)}-`;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawNumber) expansions.push(item.text);
    else if (item instanceof Deep) expansions.push(deepText(item));
    else if (item instanceof Long) expansions.push(JSON.stringify(item.unit.repeat(item.times)));
    else return item;
    return `${token}${expansions.length - 1}@@`;
  });
  if (text === undefined) return '';
  return text.replace(new RegExp(`"${token}(\\d+)@@"`, 'g'), (_match, index: string) => expansions[Number(index)]);
}

function deepText(deep: Deep): string {
  const [open, close] = deep.shape === 'array' ? ['[', ']'] : ['{"a":', '}'];
  return `${open.repeat(deep.depth)}1${close.repeat(deep.depth)}`;
}

/** Pieces model names, keys and strings are built from: the characters that break naive code. */
export const oddFragments = [
  '😀', // astral: two UTF-16 units
  '\ud83d', // a lone high surrogate
  '\udc00', // a lone low surrogate
  '𝕏',
  'é',
  '中文',
  '\u0000',
  '\u2028',
  '\u202e', // right-to-left override
  '\r\n',
  '%',
  '%E0%A4%A',
  '%F0%9F%98%80',
  '/',
  '..',
  '*',
  ' ',
  '"',
  '\\',
  '@preset/',
  'x',
  'model',
] as const;

export const oddText: fc.Arbitrary<string> = fc.array(fc.constantFrom(...oddFragments), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));

/** Keys an object may be given: odd characters, and the names of Object.prototype's members. */
export const oddKey: fc.Arbitrary<string> = fc.oneof(
  oddText,
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'x'.repeat(300), 'sort ', 'ORDER'),
);

const oddNumber = fc.constantFrom<number | RawNumber>(
  1e308,
  -1e308,
  9000000000000000,
  -9000000000000000,
  Number.MAX_SAFE_INTEGER + 2,
  -1,
  0,
  -0,
  0.5,
  2 ** 31,
  2 ** 32 + 1,
  Number.MIN_VALUE,
  new RawNumber('1e400'),
  new RawNumber('-1e400'),
  new RawNumber('123456789012345678901234567890'),
  new RawNumber('1e-400'),
  new RawNumber('-0.0'),
);

const oddString = fc.oneof(
  { arbitrary: oddText, weight: 3 },
  { arbitrary: fc.constantFrom('', ' ', 'NaN', 'Infinity', '-1', '1e308', '9000000000000000', 'true', 'null', '2026-13-45', '+275760-09-13T00:00:00.001Z', 'user', 'auto', 'none'), weight: 2 },
  { arbitrary: fc.constantFrom(new Long('x', 300), new Long('😀', 5_000), new Long('a', 200_000)), weight: 1 },
);

const nested = fc.constantFrom(new Deep(50, 'array'), new Deep(3_000, 'object'), new Deep(20_000, 'array'), new Deep(20_000, 'object'));

/** Any odd value; containers hold odd values too, a level or two down. */
export const oddValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: oddNumber, weight: 3 },
    { arbitrary: oddString, weight: 3 },
    { arbitrary: fc.constantFrom<unknown>(true, false, null), weight: 2 },
    { arbitrary: nested, weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 3 }), weight: 1 },
    { arbitrary: fc.array(fc.tuple(oddKey, tie('value')), { maxLength: 3 }).map(objectOf), weight: 1 },
  ),
})).value;

/** An object from entries; keys such as `__proto__` become own fields, as JSON.parse makes them. */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) put(object, key, value);
  return object;
}

export function put(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One change to a body: replace or add a field (anywhere in it), drop one, or replace the whole. */
export type Mutation =
  | { kind: 'set'; path: number[]; key: string | null; value: unknown }
  | { kind: 'drop'; path: number[] }
  | { kind: 'whole'; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('set' as const), path: fc.array(fc.nat(), { maxLength: 3 }), key: fc.option(oddKey, { freq: 3 }), value: oddValue }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), path: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('whole' as const), value: oddValue }), weight: 1 },
);

/** Applies mutations to a copy of `body`. A path is a list of picks (index modulo the fields or
 * items there), so it always lands somewhere and shrinks towards the first field. */
export function mutate(body: unknown, mutations: readonly Mutation[]): unknown {
  let result = structuredCopy(body);
  for (const change of mutations) {
    if (change.kind === 'whole') {
      result = change.value;
      continue;
    }
    const picks = change.kind === 'drop' ? change.path.slice(0, -1) : change.path;
    const parent = walk(result, picks);
    if (parent === null) continue;
    if (change.kind === 'drop') {
      const names = Object.keys(parent);
      if (names.length === 0) continue;
      const name = names[change.path[change.path.length - 1] % names.length];
      if (Array.isArray(parent)) parent.splice(Number(name), 1);
      else delete (parent as Record<string, unknown>)[name];
      continue;
    }
    const names = Object.keys(parent);
    // A null key (or an array) replaces an existing field's value; a key adds one beside them.
    if (change.key !== null && !Array.isArray(parent)) put(parent as Record<string, unknown>, change.key, change.value);
    else if (names.length > 0) put(parent as Record<string, unknown>, names[(change.path[change.path.length - 1] ?? 0) % names.length], change.value);
  }
  return result;
}

/** The container reached by following the picks as far as containers go. */
function walk(value: unknown, picks: readonly number[]): object | null {
  if (value === null || typeof value !== 'object' || isMarker(value)) return null;
  let current = value as Record<string, unknown>;
  for (const pick of picks) {
    const names = Object.keys(current);
    if (names.length === 0) break;
    const next = current[names[pick % names.length]];
    if (next === null || typeof next !== 'object' || isMarker(next)) break;
    current = next as Record<string, unknown>;
  }
  return current;
}

function isMarker(value: object): boolean {
  return value instanceof RawNumber || value instanceof Deep || value instanceof Long;
}

/** A deep copy that keeps markers (shared: they are never changed) and own `__proto__` keys. */
function structuredCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || isMarker(value)) return value;
  if (Array.isArray(value)) return value.map(structuredCopy);
  return objectOf(Object.entries(value).map(([key, item]) => [key, structuredCopy(item)]));
}
