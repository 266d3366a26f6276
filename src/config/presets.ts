// `presets:` in modelmux.yaml (name -> preset), merged over the built-in ones: a configured preset
// with a built-in's name replaces it. A preset applies to every request that names it, so a mistake
// here is reported at start rather than as a 400 blamed on each client.
import { readFallbackModels, readPreferences } from '../routing/preferences.ts';
import { builtinPresets, presetNamePattern } from '../routing/presets.ts';
import type { PresetParameters } from '../protocol/formats.ts';
import type { Preset } from '../routing/presets.ts';
import type { Path, Validator } from './validate.ts';

const efforts = ['minimal', 'low', 'medium', 'high'] as const;
const providerFields = 'order, only, ignore, allow_fallbacks, sort, max_price, require_parameters, data_collection';

/** Reads `presets:` from modelmux.yaml (a mapping: name -> preset) and returns the built-in presets merged with them (a configured preset with a built-in's name replaces it). */
export function readPresets(raw: unknown, path: Path, check: Validator): Preset[] {
  const presets = new Map<string, Preset>(builtinPresets.map((preset) => [preset.name, preset]));
  const entries = check.optionalMap(raw, path);
  for (const [name, value] of Object.entries(entries)) {
    const at = [...path, name];
    if (!presetNamePattern.test(name)) throw check.error(at, `preset name "${name}" may only contain letters, digits, ".", "_" and "-"`, 'rename it, e.g. `coding-strict`');
    // A Map keeps a replaced built-in in its place, so listings stay in a stable order.
    presets.set(name, readPreset(name, value, at, check));
  }
  return [...presets.values()];
}

function readPreset(name: string, value: unknown, path: Path, check: Validator): Preset {
  const raw = check.map(value, path, 'a preset is a mapping with at least one of `model`, `models`, `provider`, `parameters` or `instructions`');
  check.keys(raw, path, ['description', 'model', 'models', 'provider', 'parameters', 'instructions']);
  const model = raw.model === undefined || raw.model === null ? null : check.requiredString(raw.model, [...path, 'model'], 'name a model such as `gpt-4.1`, or remove the line');
  const parameters = readParameters(raw.parameters, [...path, 'parameters'], check);
  const preset: Preset = {
    name,
    description: check.optionalString(raw.description, [...path, 'description'])?.trim() || null,
    model,
    models: readModels(raw.models, [...path, 'models'], check),
    provider: readProvider(raw.provider, [...path, 'provider'], check),
    parameters,
    // A YAML block (`|`) ends in a newline that would otherwise sit before the client's own prompt.
    instructions: check.optionalString(raw.instructions, [...path, 'instructions'])?.trim() || null,
    builtin: false,
  };
  if (preset.model === null && preset.models.length === 0 && preset.instructions === null && preset.provider === null && Object.keys(parameters).length === 0) {
    throw check.error(path, `preset "${name}" sets nothing`, 'give it at least one of model, models, provider, parameters or instructions');
  }
  return preset;
}

/** The list becomes a request's `models`, so it obeys the same rules (non-empty names, at most 16). */
function readModels(value: unknown, path: Path, check: Validator): string[] {
  const models = check.optionalStringList(value, path) ?? [];
  const empty = models.findIndex((model) => model.trim() === '');
  if (empty !== -1) throw check.error([...path, empty], 'a model name is empty', 'write a model name such as `gpt-4.1`, or remove the item');
  try {
    readFallbackModels(models);
  } catch (error) {
    throw check.error(path, (error as Error).message, 'keep the models you want most');
  }
  return models;
}

/** Checked now with the request's own reader, so a bad preference fails the start, not every request.
 * Fields modelmux does not act on pass, as they do in a request. */
function readProvider(value: unknown, path: Path, check: Validator): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  const raw = check.map(value, path, 'write provider preferences as a mapping, e.g. `{ sort: price }`');
  if (Object.keys(raw).length === 0) return null;
  try {
    readPreferences(raw);
  } catch (error) {
    const param = (error as { param?: unknown }).param;
    const at = typeof param === 'string' ? [...path.slice(0, -1), ...param.split('.')] : path;
    throw check.error(at, (error as Error).message, `use OpenRouter's provider fields: ${providerFields}`);
  }
  return raw;
}

function readParameters(value: unknown, path: Path, check: Validator): PresetParameters {
  const raw = check.optionalMap(value, path);
  check.keys(raw, path, ['temperature', 'top_p', 'max_tokens', 'seed', 'stop', 'reasoning_effort']);
  const parameters: PresetParameters = {};
  const temperature = numberUpTo(raw.temperature, [...path, 'temperature'], 2, check);
  if (temperature !== undefined) parameters.temperature = temperature;
  const topP = numberUpTo(raw.top_p, [...path, 'top_p'], 1, check);
  if (topP !== undefined) parameters.top_p = topP;
  const maxTokens = check.optionalInteger(raw.max_tokens, [...path, 'max_tokens'], 1);
  if (maxTokens !== undefined) parameters.max_tokens = maxTokens;
  const seed = check.optionalInteger(raw.seed, [...path, 'seed'], 0);
  if (seed !== undefined) parameters.seed = seed;
  // One stop sequence may be written without brackets, as a request may.
  const stop = typeof raw.stop === 'string' ? [raw.stop] : check.optionalStringList(raw.stop, [...path, 'stop']);
  if (stop !== undefined && stop.length > 0) parameters.stop = stop;
  const effort = check.optionalChoice(raw.reasoning_effort, [...path, 'reasoning_effort'], efforts);
  if (effort !== undefined) parameters.reasoning_effort = effort;
  return parameters;
}

function numberUpTo(value: unknown, path: Path, maximum: number, check: Validator): number | undefined {
  const number = check.optionalNumber(value, path, 0);
  if (number !== undefined && number > maximum) throw check.error(path, `${number} is above ${maximum}`, `use a value from 0 to ${maximum}`);
  return number;
}
