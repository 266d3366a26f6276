// What a fusion is: a pool of models, a judge, a mode and its limits. The same fields come from a
// request's `fusion` object and from `fusions:` in modelmux.yaml, so one reader checks both; only
// the way a mistake is reported differs (a 400 naming `fusion.<field>`, or a file:line error).
import { parsePresetReference } from '../routing/presets.ts';

export const fusionModes = ['best-of', 'merge', 'debate'] as const;
export type FusionMode = (typeof fusionModes)[number];

export const fusionLimits = {
  minPool: 2,
  maxPool: 8,
  maxRounds: 3,
  defaultRounds: 1,
  /** Per member call (and per debate round); the judge has no deadline of its own. */
  defaultTimeoutMs: 60_000,
  maxTimeoutMs: 600_000,
  maxCriteriaLength: 2_000,
  maxModelNameLength: 256,
} as const;

export const defaultCriteria = 'correctness, completeness, clarity, and how directly it serves what the user asked';

/** A complete fusion, ready to run. */
export interface FusionSpec {
  /** The named fusion it came from (`fusion/<name>`), or null for `model: "fusion"`. */
  name: string | null;
  pool: string[];
  judge: string;
  mode: FusionMode;
  criteria: string;
  /** Debate rounds after the first answers (debate only). */
  rounds: number;
  timeoutMs: number;
  /** Members that must answer (the quorum). */
  minResponses: number;
  /** Put the judge's analysis (merge, debate) in the response's `fusion` block. */
  returnAnalysis: boolean;
  /** Streams only: send the 200 at once and a comment line as each member settles. */
  progress: boolean;
}

/** The fields as written, each optional: a named fusion's, or a request's overrides of it. */
export interface FusionFields {
  pool?: string[];
  judge?: string;
  mode?: FusionMode;
  criteria?: string;
  rounds?: number;
  timeoutMs?: number;
  minResponses?: number;
  returnAnalysis?: boolean;
  progress?: boolean;
}

export const fusionFieldNames = ['pool', 'judge', 'mode', 'criteria', 'rounds', 'timeout_ms', 'min_responses', 'return_analysis', 'progress'] as const;

/** Reports a mistake in one field (`null`: the whole object), with a fix. */
export type FieldProblem = (field: string | null, problem: string, fix: string) => Error;

/** Reads the snake_case fields of a `fusion` object (request or config); unknown keys are refused. */
export function readFusionFields(raw: Record<string, unknown>, fail: FieldProblem, extraKeys: readonly string[] = []): FusionFields {
  for (const key of Object.keys(raw)) {
    if (!(fusionFieldNames as readonly string[]).includes(key) && !extraKeys.includes(key)) throw fail(key, `unknown field "${key}"`, `use ${fusionFieldNames.join(', ')}`);
  }
  const fields: FusionFields = {};
  if (present(raw.pool)) fields.pool = readPool(raw.pool, fail);
  if (present(raw.judge)) fields.judge = readModelName(raw.judge, 'judge', fail);
  if (present(raw.mode)) {
    if (typeof raw.mode !== 'string' || !(fusionModes as readonly string[]).includes(raw.mode)) throw fail('mode', `unknown mode ${JSON.stringify(raw.mode)}`, `use one of ${fusionModes.join(', ')}`);
    fields.mode = raw.mode as FusionMode;
  }
  if (present(raw.criteria)) {
    if (typeof raw.criteria !== 'string' || raw.criteria.trim() === '') throw fail('criteria', 'must be a non-empty string', 'describe what the judge should weigh, e.g. "accuracy and brevity"');
    if (raw.criteria.length > fusionLimits.maxCriteriaLength) throw fail('criteria', `is longer than ${fusionLimits.maxCriteriaLength} characters`, 'shorten it');
    fields.criteria = raw.criteria.trim();
  }
  if (present(raw.rounds)) fields.rounds = readInteger(raw.rounds, 'rounds', 1, fusionLimits.maxRounds, fail);
  if (present(raw.timeout_ms)) fields.timeoutMs = readInteger(raw.timeout_ms, 'timeout_ms', 1, fusionLimits.maxTimeoutMs, fail);
  if (present(raw.min_responses)) fields.minResponses = readInteger(raw.min_responses, 'min_responses', 1, fusionLimits.maxPool, fail);
  if (present(raw.return_analysis)) fields.returnAnalysis = readBoolean(raw.return_analysis, 'return_analysis', fail);
  if (present(raw.progress)) fields.progress = readBoolean(raw.progress, 'progress', fail);
  return fields;
}

/** The named fusion's fields with the request's on top, checked as a whole. */
export function completeSpec(name: string | null, base: FusionFields, overrides: FusionFields, fail: FieldProblem): FusionSpec {
  const fields = { ...base, ...overrides };
  if (!fields.pool) throw fail('pool', 'is required', `list ${fusionLimits.minPool} to ${fusionLimits.maxPool} models, e.g. ["gpt-4.1", "claude-sonnet-4", "gemini-2.5-pro"]`);
  if (!fields.judge) throw fail('judge', 'is required', 'name the model that judges the answers, e.g. "gpt-4.1"');
  const pool = fields.pool;
  const minResponses = fields.minResponses ?? Math.ceil(pool.length / 2);
  if (minResponses > pool.length) throw fail('min_responses', `is ${minResponses}, more than the ${pool.length} models in the pool`, `use a number from 1 to ${pool.length}`);
  return {
    name,
    pool,
    judge: fields.judge,
    mode: fields.mode ?? 'merge',
    criteria: fields.criteria ?? defaultCriteria,
    rounds: fields.rounds ?? fusionLimits.defaultRounds,
    timeoutMs: fields.timeoutMs ?? fusionLimits.defaultTimeoutMs,
    minResponses,
    returnAnalysis: fields.returnAnalysis ?? false,
    progress: fields.progress ?? false,
  };
}

/** `fusion` (with a `fusion` object in the body) or `fusion/<name>` (a named fusion from config),
 * also with a preset named after it (`fusion@preset/<name>`), which the fusion then refuses. */
export function isFusionModel(model: unknown): boolean {
  if (typeof model !== 'string') return false;
  const name = parsePresetReference(model)?.model ?? model;
  return name === 'fusion' || name.startsWith('fusion/');
}

function readPool(value: unknown, fail: FieldProblem): string[] {
  if (!Array.isArray(value)) throw fail('pool', 'must be a list of model names', 'write it as ["model-a", "model-b"]');
  if (value.length < fusionLimits.minPool || value.length > fusionLimits.maxPool) {
    throw fail('pool', `has ${value.length} models; a fusion needs ${fusionLimits.minPool} to ${fusionLimits.maxPool}`, `list ${fusionLimits.minPool} to ${fusionLimits.maxPool} models`);
  }
  return value.map((entry, index) => readModelName(entry, `pool[${index}]`, fail));
}

function readModelName(value: unknown, field: string, fail: FieldProblem): string {
  if (typeof value !== 'string' || value.trim() === '') throw fail(field, 'must be a non-empty model name', 'name a model this gateway serves (GET /v1/models lists them)');
  if (value.length > fusionLimits.maxModelNameLength) throw fail(field, `is longer than ${fusionLimits.maxModelNameLength} characters`, 'name a model this gateway serves');
  // Recursion protection: a fusion's members and judge are single models.
  if (isFusionModel(value)) throw fail(field, `"${value}" is a fusion; a fusion cannot be a member or the judge of a fusion`, 'name a single model');
  return value;
}

function readInteger(value: unknown, field: string, minimum: number, maximum: number, fail: FieldProblem): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) throw fail(field, `must be a whole number from ${minimum} to ${maximum}, got ${JSON.stringify(value)}`, `use a whole number from ${minimum} to ${maximum}`);
  return value;
}

function readBoolean(value: unknown, field: string, fail: FieldProblem): boolean {
  if (typeof value !== 'boolean') throw fail(field, `must be true or false, got ${JSON.stringify(value)}`, 'write true or false');
  return value;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A fusion named under `fusions:` in modelmux.yaml (`model: "fusion/<name>"`). */
export interface NamedFusion {
  name: string;
  description: string | null;
  fields: FusionFields;
}
