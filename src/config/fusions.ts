// `fusions:` in modelmux.yaml (name -> fusion): named panels clients call as `model: "fusion/<name>"`.
// A named fusion must be complete (pool and judge), so a mistake is reported at start, with its
// line, rather than as a 400 blamed on every client; a request's `fusion` object may override any field.
import { completeSpec, readFusionFields } from '../fusion/spec.ts';
import type { NamedFusion } from '../fusion/spec.ts';
import type { Path, Validator } from './validate.ts';

export type { NamedFusion };

const namePattern = /^[A-Za-z0-9._-]+$/;

/** Reads `fusions:` (a mapping: name -> fusion); an absent key is no named fusions. */
export function readFusions(raw: unknown, path: Path, check: Validator): NamedFusion[] {
  const entries = check.optionalMap(raw, path);
  return Object.entries(entries).map(([name, value]) => {
    const at = [...path, name];
    if (!namePattern.test(name)) throw check.error(at, `fusion name "${name}" may only contain letters, digits, ".", "_" and "-"`, 'rename it, e.g. `code-review`');
    const fusion = check.map(value, at, 'a fusion is a mapping with at least `pool:` and `judge:`');
    const fail = (field: string | null, problem: string, fix: string): Error => check.error(field === null ? at : [...at, ...fieldPath(field)], problem, fix);
    const fields = readFusionFields(fusion, fail, ['description']);
    // Checked whole now, so `fusion/<name>` without overrides can never be refused later.
    completeSpec(name, fields, {}, fail);
    return { name, description: check.optionalString(fusion.description, [...at, 'description'])?.trim() || null, fields };
  });
}

/** `pool[2]` as the path the validator locates: ['pool', 2]. */
function fieldPath(field: string): (string | number)[] {
  const match = /^(\w+)\[(\d+)\]$/.exec(field);
  return match ? [match[1], Number(match[2])] : [field];
}
