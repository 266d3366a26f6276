// Presets: named bundles of rules (model, fallbacks, provider preferences, default parameters and
// standing instructions) that a client picks with `@preset/<name>`, so a team gives every client and
// every model the same rules without changing the clients. This file parses the reference and
// applies a preset to a body in the client's own format; choosing the model is the caller's job.

export type PresetFormat = 'openai-chat' | 'openai-responses' | 'anthropic';

export interface PresetParameters {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  stop?: string[];
  /** 'minimal' | 'low' | 'medium' | 'high' */
  reasoning_effort?: string;
}

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
      'moonshotai/Kimi-K2-Instruct',
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
export function applyPreset(format: PresetFormat, body: Record<string, unknown>, preset: Preset): string[] {
  const applied: string[] = [];
  if (preset.instructions && addInstructions(format, body, preset.instructions)) applied.push('instructions');
  applied.push(...applyParameters(format, body, preset.parameters));
  if (preset.provider && mergeProvider(body, preset.provider)) applied.push('provider');
  if (preset.models.length > 0 && isAbsent(body.models)) {
    body.models = [...preset.models];
    applied.push('models');
  }
  return applied;
}

// Instructions go first: the preset's text is the same on every request, so providers that cache
// prompt prefixes keep hitting the cache whatever the client writes after it.
function addInstructions(format: PresetFormat, body: Record<string, unknown>, instructions: string): boolean {
  if (format === 'openai-chat') return addChatInstructions(body, instructions);
  const field = format === 'openai-responses' ? 'instructions' : 'system';
  const existing = body[field];
  if (isAbsent(existing) || existing === '') body[field] = instructions;
  else if (typeof existing === 'string') body[field] = `${instructions}\n\n${existing}`;
  else if (format === 'anthropic' && Array.isArray(existing)) existing.unshift({ type: 'text', text: instructions });
  // Anything else is malformed; the format's validator reports it as the client wrote it.
  else return false;
  return true;
}

function addChatInstructions(body: Record<string, unknown>, instructions: string): boolean {
  const messages = body.messages;
  if (!Array.isArray(messages)) return false;
  const first: unknown = messages[0];
  if (isRecord(first) && (first.role === 'system' || first.role === 'developer')) {
    if (typeof first.content === 'string') {
      first.content = first.content === '' ? instructions : `${instructions}\n\n${first.content}`;
      return true;
    }
    if (Array.isArray(first.content)) {
      first.content.unshift({ type: 'text', text: instructions });
      return true;
    }
  }
  messages.unshift({ role: 'system', content: instructions });
  return true;
}

function applyParameters(format: PresetFormat, body: Record<string, unknown>, parameters: PresetParameters): string[] {
  const applied: string[] = [];
  const fill = (name: keyof PresetParameters, field: string, value: unknown, alsoSetBy: string[] = []): void => {
    if (value === undefined || !isAbsent(body[field]) || alsoSetBy.some((other) => !isAbsent(body[other]))) return;
    body[field] = Array.isArray(value) ? [...value] : value;
    applied.push(name);
  };
  fill('temperature', 'temperature', parameters.temperature);
  fill('top_p', 'top_p', parameters.top_p);
  if (format === 'openai-chat') {
    fill('max_tokens', 'max_tokens', parameters.max_tokens, ['max_completion_tokens']);
    fill('seed', 'seed', parameters.seed);
    fill('stop', 'stop', parameters.stop);
    fill('reasoning_effort', 'reasoning_effort', parameters.reasoning_effort);
  } else if (format === 'openai-responses') {
    fill('max_tokens', 'max_output_tokens', parameters.max_tokens);
    if (parameters.reasoning_effort !== undefined && addResponsesEffort(body, parameters.reasoning_effort)) applied.push('reasoning_effort');
  } else {
    fill('max_tokens', 'max_tokens', parameters.max_tokens);
    fill('stop', 'stop_sequences', parameters.stop);
  }
  return applied;
}

/** Responses names the effort inside `reasoning`, next to fields such as `summary` that stay. */
function addResponsesEffort(body: Record<string, unknown>, effort: string): boolean {
  if (isAbsent(body.reasoning)) {
    body.reasoning = { effort };
    return true;
  }
  if (!isRecord(body.reasoning) || !isAbsent(body.reasoning.effort)) return false;
  body.reasoning = { ...body.reasoning, effort };
  return true;
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

// JSON null means "not set" in these APIs, as an absent field does.
function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
