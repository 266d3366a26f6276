// Writing a preset's defaults into a request body: what every format's applyPreset shares. The
// request's own values always win; only what it left unset is filled.
import { isAbsent } from './body-fields.ts';
import type { PresetParameters } from './formats.ts';

export type ParameterFill = (name: keyof PresetParameters, field: string, value: unknown, alsoSetBy?: string[]) => void;

/** A filler that sets `field` to a preset's value when the request set neither it nor any field of
 * `alsoSetBy` (another name for the same limit), and records the parameter's name in `applied`. */
export function parameterFiller(body: Record<string, unknown>, applied: string[]): ParameterFill {
  return (name, field, value, alsoSetBy = []) => {
    if (value === undefined || !isAbsent(body[field]) || alsoSetBy.some((other) => !isAbsent(body[other]))) return;
    // A copy, so that nothing downstream can change the preset shared by every request.
    body[field] = Array.isArray(value) ? [...value] : value;
    applied.push(name);
  };
}

// Instructions go first: the preset's text is the same on every request, so providers that cache
// prompt prefixes keep hitting the cache whatever the client writes after it.

/** Puts the instructions before the text of a string field (Responses `instructions`, Anthropic
 * `system`). false when the field holds something else: the format's validator reports it as the
 * client wrote it. */
export function prefixTextField(body: Record<string, unknown>, field: string, instructions: string): boolean {
  const existing = body[field];
  if (isAbsent(existing) || existing === '') body[field] = instructions;
  else if (typeof existing === 'string') body[field] = `${instructions}\n\n${existing}`;
  else return false;
  return true;
}
