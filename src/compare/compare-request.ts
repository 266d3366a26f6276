// The body of POST /v1/compare, read and checked: which models, which prompts, which panel on which
// judge. Everything a client can get wrong is a 400 naming the field, before any model is called.
import type { CompareConfig } from './personas.ts';
import { checkModelName, readPreferences } from '../routing/preferences.ts';
import { invalidRequest } from '../errors/gateway-error.ts';
import { defaultPanel, maxPersonas, maxRubricLength, personaNamePattern } from './personas.ts';
import type { Persona } from './personas.ts';

export interface CompareCase {
  /** What the personas read as the task: the prompt, or the conversation written out. */
  task: string;
  /** Chat Completions messages sent to every model. */
  messages: Record<string, unknown>[];
}

export interface CompareRequest {
  models: string[];
  cases: CompareCase[];
  maxTokens: number | null;
  temperature: number | null;
  /** null: no review panel (`panel: "none"`). */
  panel: { name: string; personas: Persona[] } | null;
  /** The model the personas run on, when the request or the config names one. */
  judge: string | null;
  name: string | null;
  /** Per model call (answers and personas alike). */
  timeoutMs: number;
  /** The `provider` routing preferences every call (answers and personas) carries; null when none. */
  provider: Record<string, unknown> | null;
  /** Answer with server-sent progress events, the comparison last (progress.ts). */
  stream: boolean;
}

export const minModels = 2;
export const maxModels = 8;
export const maxPrompts = 5;
export const defaultTimeoutMs = 120_000;
const maxTimeoutMs = 600_000;
const maxNameLength = 200;

export function readCompareRequest(body: Record<string, unknown>, config: CompareConfig): CompareRequest {
  const allowed = ['models', 'prompt', 'prompts', 'messages', 'system', 'max_tokens', 'temperature', 'panel', 'judge', 'name', 'timeout_ms', 'provider', 'stream'];
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw invalidRequest(`unknown field \`${unknown}\`; POST /v1/compare takes ${allowed.join(', ')}`, unknown, 'unknown_parameter');
  const judge = optionalText(body.judge, 'judge') ?? config.judge;
  if (judge !== null) checkModelName(judge, 'judge');
  return {
    models: readModels(body.models),
    cases: readCases(body),
    maxTokens: optionalNumber(body.max_tokens, 'max_tokens', 1, 1_000_000, true),
    temperature: optionalNumber(body.temperature, 'temperature', 0, 2, false),
    panel: readPanel(body.panel, config),
    judge,
    name: readName(body.name),
    timeoutMs: optionalNumber(body.timeout_ms, 'timeout_ms', 1_000, maxTimeoutMs, true) ?? defaultTimeoutMs,
    provider: readProvider(body.provider),
    stream: readStream(body.stream),
  };
}

function readStream(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidRequest('`stream` must be true or false', 'stream');
  return value;
}

/** Checked as a chat request's `provider` is, so a mistake is a 400 before any call; sent on as it came. */
function readProvider(value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  readPreferences(value);
  return value as Record<string, unknown>;
}

function readModels(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((model) => typeof model !== 'string' || model.trim() === '')) {
    throw invalidRequest(`\`models\` is required: a list of ${minModels} to ${maxModels} model names`, 'models', value === undefined ? 'missing_required_parameter' : 'invalid_request');
  }
  const models = value as string[];
  if (models.length < minModels || models.length > maxModels) throw invalidRequest(`\`models\` must name ${minModels} to ${maxModels} models (got ${models.length})`, 'models');
  for (const model of models) checkModelName(model, 'models');
  const repeated = models.find((model, index) => models.indexOf(model) !== index);
  if (repeated !== undefined) throw invalidRequest(`\`models\` names "${repeated}" twice; compare distinct models`, 'models');
  return models;
}

function readCases(body: Record<string, unknown>): CompareCase[] {
  const given = ['prompt', 'prompts', 'messages'].filter((field) => body[field] !== undefined && body[field] !== null);
  if (given.length === 0) throw invalidRequest('give what to compare on: `prompt` (a string), `prompts` (a list of strings) or `messages` (a Chat Completions conversation)', 'prompt', 'missing_required_parameter');
  if (given.length > 1) throw invalidRequest(`give one of \`prompt\`, \`prompts\` or \`messages\`, not ${given.map((field) => `\`${field}\``).join(' and ')}`, given[1]);
  const system = optionalText(body.system, 'system');
  const opening = system === null ? [] : [{ role: 'system', content: system }];
  const framed = (task: string): string => (system === null ? task : `(system instructions: ${system})\n\n${task}`);
  if (body.messages !== undefined && body.messages !== null) {
    const messages = readMessages(body.messages);
    return [{ task: framed(transcript(messages)), messages: [...opening, ...messages] }];
  }
  const prompts = body.prompt !== undefined && body.prompt !== null ? [body.prompt] : body.prompts;
  const field = body.prompt !== undefined && body.prompt !== null ? 'prompt' : 'prompts';
  if (!Array.isArray(prompts) || prompts.length === 0 || prompts.some((prompt) => typeof prompt !== 'string' || prompt.trim() === '')) {
    throw invalidRequest(field === 'prompt' ? '`prompt` must be a non-empty string' : '`prompts` must be a non-empty list of non-empty strings', field);
  }
  if (prompts.length > maxPrompts) throw invalidRequest(`\`prompts\` holds at most ${maxPrompts} prompts (got ${prompts.length})`, 'prompts');
  return (prompts as string[]).map((prompt) => ({ task: framed(prompt), messages: [...opening, { role: 'user', content: prompt }] }));
}

function readMessages(value: unknown): Record<string, unknown>[] {
  const valid = Array.isArray(value) && value.length > 0 && value.every((message) => message !== null && typeof message === 'object' && !Array.isArray(message) && typeof (message as Record<string, unknown>).role === 'string');
  if (!valid) throw invalidRequest('`messages` must be a non-empty list of Chat Completions messages, each with a `role`', 'messages');
  return value as Record<string, unknown>[];
}

/** The conversation as the personas read it: one "role: text" paragraph per message. */
function transcript(messages: Record<string, unknown>[]): string {
  return messages.map((message) => `${String(message.role)}: ${contentText(message.content)}`).join('\n\n');
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (part === null || typeof part !== 'object') return '';
      const record = part as Record<string, unknown>;
      return typeof record.text === 'string' ? record.text : `[${String(record.type ?? 'part')}]`;
    })
    .join(' ');
}

/** The named panel (from config; `default` is the built-in five unless config replaces it), an inline list, or none. */
function readPanel(value: unknown, config: CompareConfig): CompareRequest['panel'] {
  if (value === undefined || value === null || value === 'default') return { name: 'default', personas: config.panels.default ?? [...defaultPanel] };
  if (value === 'none') return null;
  if (typeof value === 'string') {
    const personas = config.panels[value];
    if (!personas) {
      const known = ['default', ...Object.keys(config.panels).filter((name) => name !== 'default'), 'none'];
      throw invalidRequest(`there is no panel "${value}" on this gateway; known panels: ${known.join(', ')} (configure more under \`compare.panels\`), or give a list of { name, rubric }`, 'panel', 'unknown_panel');
    }
    return { name: value, personas };
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > maxPersonas) {
    throw invalidRequest(`\`panel\` must be a panel name, "none", or a list of 1 to ${maxPersonas} personas { name, rubric, sees_cost? }`, 'panel');
  }
  const seen = new Set<string>();
  const personas = value.map((entry, index): Persona => {
    const at = `panel[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalidRequest(`\`${at}\` must be an object { name, rubric, sees_cost? }`, at);
    const persona = entry as Record<string, unknown>;
    const name = persona.name;
    if (typeof name !== 'string' || !personaNamePattern.test(name)) throw invalidRequest(`\`${at}.name\` must be 1 to 40 letters, digits, ".", "_" or "-"`, `${at}.name`);
    if (seen.has(name)) throw invalidRequest(`the panel has persona "${name}" twice`, `${at}.name`);
    seen.add(name);
    const rubric = persona.rubric;
    if (typeof rubric !== 'string' || rubric.trim() === '' || rubric.length > maxRubricLength) throw invalidRequest(`\`${at}.rubric\` must be a non-empty string of at most ${maxRubricLength} characters`, `${at}.rubric`);
    if (persona.sees_cost !== undefined && typeof persona.sees_cost !== 'boolean') throw invalidRequest(`\`${at}.sees_cost\` must be true or false`, `${at}.sees_cost`);
    return { name, rubric: rubric.trim(), seesCost: persona.sees_cost === true };
  });
  return { name: 'custom', personas };
}

function readName(value: unknown): string | null {
  const name = optionalText(value, 'name');
  if (name !== null && name.length > maxNameLength) throw invalidRequest(`\`name\` is at most ${maxNameLength} characters`, 'name');
  return name;
}

function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') throw invalidRequest(`\`${field}\` must be a non-empty string`, field);
  return value;
}

function optionalNumber(value: unknown, field: string, minimum: number, maximum: number, integer: boolean): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum || (integer && !Number.isInteger(value))) {
    throw invalidRequest(`\`${field}\` must be ${integer ? 'a whole number' : 'a number'} from ${minimum} to ${maximum}`, field);
  }
  return value;
}
