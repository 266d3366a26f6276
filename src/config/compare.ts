// `compare:` in modelmux.yaml: the model the review panel's personas run on, and named panels a
// request can ask for with `panel: "<name>"`. A panel named `default` replaces the built-in one.
//
//   compare:
//     judge: gpt-4.1-mini
//     panels:
//       support:
//         - { name: empathy, rubric: "Does it acknowledge the customer's problem?" }
//         - { name: accuracy, rubric: "Is every statement about our product true?" }
//         - { name: finance, rubric: "Is it worth its cost?", sees_cost: true }
import { maxPersonas, maxRubricLength, personaNamePattern } from '../compare/personas.ts';
import type { Persona } from '../compare/personas.ts';
import { defaultCompareConfig } from '../compare/personas.ts';
import type { CompareConfig } from '../compare/personas.ts';
import type { Path, Validator } from './validate.ts';

export { defaultCompareConfig };
export type { CompareConfig };

export function readCompare(value: unknown, path: Path, check: Validator): CompareConfig {
  const raw = check.optionalMap(value, path);
  check.keys(raw, path, ['judge', 'panels']);
  const judge = raw.judge === undefined || raw.judge === null ? null : check.requiredString(raw.judge, [...path, 'judge'], 'name a model such as `gpt-4.1-mini`, or remove the line');
  const panels: Record<string, Persona[]> = {};
  for (const [name, entry] of Object.entries(check.optionalMap(raw.panels, [...path, 'panels']))) {
    const at = [...path, 'panels', name];
    if (!personaNamePattern.test(name)) throw check.error(at, `panel name "${name}" may only contain letters, digits, ".", "_" and "-"`, 'rename it, e.g. `support-team`');
    panels[name] = readPanel(entry, at, check);
  }
  return { judge, panels };
}

function readPanel(value: unknown, path: Path, check: Validator): Persona[] {
  const example = 'write the panel as a list of personas, e.g. `- { name: builder, rubric: "Does it work as is?" }`';
  if (!Array.isArray(value) || value.length === 0) throw check.error(path, 'a panel is a non-empty list of personas', example);
  if (value.length > maxPersonas) throw check.error(path, `a panel has at most ${maxPersonas} personas (got ${value.length})`, 'keep the personas that matter most');
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const at = [...path, index];
    const raw = check.map(entry, at, example);
    check.keys(raw, at, ['name', 'rubric', 'sees_cost']);
    const name = check.requiredString(raw.name, [...at, 'name'], 'give the persona a short name such as `builder`');
    if (!personaNamePattern.test(name)) throw check.error([...at, 'name'], `persona name "${name}" may only contain letters, digits, ".", "_" and "-" (at most 40)`, 'shorten or rename it');
    if (seen.has(name)) throw check.error([...at, 'name'], `persona "${name}" is in this panel twice`, 'give each persona its own name');
    seen.add(name);
    const rubric = check.requiredString(raw.rubric, [...at, 'rubric'], 'say in a sentence or two what this persona weighs').trim();
    if (rubric.length > maxRubricLength) throw check.error([...at, 'rubric'], `the rubric is longer than ${maxRubricLength} characters`, 'keep it to a short paragraph');
    return { name, rubric, seesCost: check.optionalBoolean(raw.sees_cost, [...at, 'sees_cost']) ?? false };
  });
}
