// Small typed readers for the parsed YAML. Each failure names the file, the line of the offending
// node and the fix, e.g. `modelmux.yaml:7: providers[0].base_url: "x" is not a URL. Fix: ...`.

export type Path = (string | number)[];

export class ConfigError extends Error {}

export class Validator {
  private file: string;
  private lineOf: (path: Path) => number | null;

  constructor(file: string, lineOf: (path: Path) => number | null) {
    this.file = file;
    this.lineOf = lineOf;
  }

  error(path: Path, problem: string, fix: string): ConfigError {
    const where = this.location(path);
    const name = formatPath(path);
    return new ConfigError(`${where}: ${name ? name + ': ' : ''}${problem}. Fix: ${fix}.`);
  }

  /** `file:line` of a value, for messages built elsewhere. */
  location(path: Path): string {
    const line = this.lineOf(path);
    return line === null ? this.file : `${this.file}:${line}`;
  }

  keys(value: Record<string, unknown>, path: Path, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const suggestion = closest(key, allowed);
      throw this.error([...path, key], `unknown key "${key}"`, suggestion ? `did you mean "${suggestion}"?` : `allowed keys are ${allowed.join(', ')}`);
    }
  }

  map(value: unknown, path: Path, fix: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw this.error(path, 'expected a mapping', fix);
    return value as Record<string, unknown>;
  }

  optionalMap(value: unknown, path: Path): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    return this.map(value, path, 'write it as indented `key: value` lines');
  }

  requiredString(value: unknown, path: Path, fix: string): string {
    if (typeof value !== 'string' || value.trim() === '') throw this.error(path, 'a non-empty string is required', fix);
    return value;
  }

  optionalString(value: unknown, path: Path): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.error(path, `expected a string, got ${describe(value)}`, 'quote the value');
    return value;
  }

  optionalNumber(value: unknown, path: Path, minimum: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) throw this.error(path, `expected a number >= ${minimum}, got ${describe(value)}`, 'write a plain number such as 0.15');
    return value;
  }

  optionalInteger(value: unknown, path: Path, minimum: number, maximum = Number.MAX_SAFE_INTEGER): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum)
      throw this.error(path, `expected a whole number from ${minimum} to ${maximum}, got ${describe(value)}`, 'write a whole number without quotes');
    return value;
  }

  optionalBoolean(value: unknown, path: Path): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.error(path, `expected true or false, got ${describe(value)}`, 'write true or false');
    return value;
  }

  optionalChoice<T extends string>(value: unknown, path: Path, choices: readonly T[]): T | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !choices.includes(value as T)) throw this.error(path, `expected one of ${choices.join(', ')}, got ${describe(value)}`, `use one of ${choices.join(', ')}`);
    return value as T;
  }

  optionalStringMap(value: unknown, path: Path): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    const raw = this.map(value, path, 'write it as indented `Header-Name: value` lines');
    for (const [key, entry] of Object.entries(raw)) if (typeof entry !== 'string') throw this.error([...path, key], `expected a string, got ${describe(entry)}`, 'quote the value');
    return raw as Record<string, string>;
  }

  optionalStringList(value: unknown, path: Path): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) throw this.error(path, 'expected a list of strings', 'write it as `[x-one, x-prefix-*]`');
    return value as string[];
  }
}

function formatPath(path: Path): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'nothing';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
