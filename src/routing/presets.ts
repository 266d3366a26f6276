// Presets: named bundles of rules (model, fallbacks, provider preferences, default parameters and
// standing instructions) that a client picks with `@preset/<name>`, so a team gives every client and
// every model the same rules without changing the clients. This file parses the reference and
// applies a preset to a body in the client's own format (the format's facts write its instructions
// and parameters); choosing the model is the caller's job.
import { isAbsent, isRecord } from '../protocol/body-fields.ts';
import { clientFormats } from '../protocol/formats.ts';
import type { ClientFormat, PresetParameters } from '../protocol/formats.ts';

export interface Preset {
  name: string;
  description: string | null;
  /** The model used when the request names only the preset; null: the first of `models` that the gateway can serve. */
  model: string | null;
  /** Fallback models, in order. */
  models: string[];
  /** OpenRouter-style provider preferences (order, only, ignore, sort, ...), kept raw: the router validates them. */
  provider: Record<string, unknown> | null;
  parameters: PresetParameters;
  instructions: string | null;
  builtin: boolean;
}

/** What a preset name may contain; config and request parsing share it. */
export const presetNamePattern = /^[A-Za-z0-9._-]+$/;

const referenceMarker = '@preset/';

const codingInstructions = [
  'Apply these working rules to every coding task.',
  'Think before you write code: restate the goal in one sentence and name the assumptions you are making.',
  'If the request can be read more than one way, ask; when you cannot ask, take the reading the user most likely means and say which one you took.',
  'Sketch a short plan before editing, and say so if you depart from it.',
  'Pick the simplest design that solves the whole task. Add no layers, options or generality that nobody asked for.',
  'Simple is not unfinished: leave no stubs, placeholders or "implement later" notes where working code belongs.',
  'Change only what the task needs, and keep the existing style, naming and structure even where you would have written it differently.',
  'Leave unrelated code alone: no drive-by refactors, renames or reformatting. Mention problems you notice instead of fixing them unasked.',
  'Check the result against the goal you restated: run the tests or checks when you can, otherwise trace the changed code paths by hand.',
  'Finish by saying plainly what you verified and how, and what you did not or could not verify.',
].join('\n');

export const builtinPresets: readonly Preset[] = [
  {
    name: 'coding',
    description: 'For coding assistants: plan first, keep it simple, change little, check the result',
    model: null,
    models: [
      'claude-sonnet-4-5',
      'gpt-5',
      'gpt-4.1',
      'Qwen/Qwen3-Coder-480B-A35B-Instruct',
      'deepseek-ai/DeepSeek-V3.1',
      'moonshotai/Kimi-K2-Instruct-0905',
      'openai/gpt-oss-120b',
      'meta-llama/Llama-3.3-70B-Instruct',
    ],
    provider: null,
    // No sampling defaults: OpenAI's reasoning models (gpt-5, o-series) refuse any temperature but 1.
    parameters: {},
    instructions: codingInstructions,
    builtin: true,
  },
];

/** "@preset/coding" -> { model: null, preset: "coding" }; "gpt-4.1@preset/coding" -> { model: "gpt-4.1", preset: "coding" }; anything else -> null. Preset names: [A-Za-z0-9._-]+ (a malformed reference like "@preset/" returns { model: null, preset: "" } so the caller can report it). */
export function parsePresetReference(model: string): { model: string | null; preset: string } | null {
  const index = model.indexOf(referenceMarker);
  if (index === -1) return null;
  const name = model.slice(index + referenceMarker.length);
  // A name no preset can have becomes "", which matches no preset, so the caller reports it.
  return { model: index === 0 ? null : model.slice(0, index), preset: presetNamePattern.test(name) ? name : '' };
}

/** Applies a preset to a client request body of the given format, in place: instructions before the
 * client's system prompt, parameters only where the request set none, provider preferences and
 * fallback models under the request's own. It does not touch `body.model`. Returns the names of
 * what it applied, in the preset's own terms, e.g. ['instructions', 'temperature']. */
export function applyPreset(format: ClientFormat, body: Record<string, unknown>, preset: Preset): string[] {
  const applied = clientFormats[format].applyPreset(body, preset);
  if (preset.provider && mergeProvider(body, preset.provider)) applied.push('provider');
  if (preset.models.length > 0 && isAbsent(body.models)) {
    body.models = [...preset.models];
    applied.push('models');
  }
  return applied;
}

/** The request's own fields win; a `provider` that is not an object is left for the router to refuse. */
function mergeProvider(body: Record<string, unknown>, presetProvider: Record<string, unknown>): boolean {
  const own = body.provider;
  if (!isAbsent(own) && !isRecord(own)) return false;
  const ownFields = isRecord(own) ? own : {};
  const added = Object.keys(presetProvider).filter((key) => !Object.hasOwn(ownFields, key));
  if (added.length === 0) return false;
  // A copy, so that nothing downstream can change the preset shared by every request.
  body.provider = { ...structuredClone(presetProvider), ...ownFields };
  return true;
}
