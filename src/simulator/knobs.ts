// The simulator's behaviour knobs: server defaults, refined by model presets, overridden by
// `x-sim-*` request headers (header wins, so one test can misbehave without restarting the server).
import type { IncomingHttpHeaders } from 'node:http';

export type SimulatorFault = '429' | '500' | '503' | 'reset' | 'stall' | 'cut' | 'malformed';

export interface SimulatorKnobs {
  ttftMs: number;
  tokensPerSecond: number;
  outputTokens: number;
  fault: SimulatorFault | null;
  retryAfterSeconds: number;
  faultAfterTokens: number;
  /** Probability (0..1) that `fault` strikes a given request, so a provider can fail "half of its requests". */
  faultRate: number;
  /** The tool to call when tools are offered: null for the request's choice (else the first), 'none' for text. */
  tool: string | null;
}

export interface Preset {
  ttftMs?: number;
  tokensPerSecond?: number;
  /** Answer exactly the last user message instead of generated text. */
  echo: boolean;
}

export const defaultKnobs: Readonly<SimulatorKnobs> = {
  ttftMs: 0,
  tokensPerSecond: 0,
  outputTokens: 16,
  fault: null,
  retryAfterSeconds: 1,
  faultAfterTokens: 3,
  faultRate: 1,
  tool: null,
};

export const faults: readonly SimulatorFault[] = ['429', '500', '503', 'reset', 'stall', 'cut', 'malformed'];

export const presetNames: readonly string[] = ['fast', 'slow', 'echo'];

const presets: Record<string, Preset> = {
  fast: { ttftMs: 0, tokensPerSecond: 0, echo: false },
  slow: { ttftMs: 300, tokensPerSecond: 30, echo: false },
  echo: { echo: true },
};

const noPreset: Preset = { echo: false };

/** The preset a model name carries (`fast`, `sim/slow`, ...), or a neutral one. */
export function presetOf(model: string): Preset {
  const name = model.startsWith('sim/') ? model.slice(4) : model;
  return Object.hasOwn(presets, name) ? presets[name] : noPreset;
}

/**
 * The knobs for one request. Returns an error message when a header holds a value that makes no
 * sense, so the caller can answer 400 instead of silently ignoring a typo.
 */
export function resolveKnobs(
  base: Readonly<SimulatorKnobs>,
  preset: Preset,
  headers: IncomingHttpHeaders,
  random: () => number = Math.random,
): SimulatorKnobs | string {
  const ttft = headers['x-sim-ttft-ms'];
  const speed = headers['x-sim-tokens-per-second'];
  const output = headers['x-sim-output-tokens'];
  const fault = headers['x-sim-fault'];
  const retryAfter = headers['x-sim-retry-after'];
  const faultAfter = headers['x-sim-fault-after'];
  const faultRate = headers['x-sim-fault-rate'];
  const tool = headers['x-sim-tool'];
  const hasHeader = ttft !== undefined || speed !== undefined || output !== undefined || fault !== undefined
    || retryAfter !== undefined || faultAfter !== undefined || faultRate !== undefined || tool !== undefined;
  if (!hasHeader && preset === noPreset) return rollFault(base as SimulatorKnobs, random);

  const knobs: SimulatorKnobs = { ...base };
  if (preset.ttftMs !== undefined) knobs.ttftMs = preset.ttftMs;
  if (preset.tokensPerSecond !== undefined) knobs.tokensPerSecond = preset.tokensPerSecond;
  if (!hasHeader) return rollFault(knobs, random);

  const problems: string[] = [];
  knobs.ttftMs = numberHeader(ttft, 'x-sim-ttft-ms', knobs.ttftMs, false, problems);
  knobs.tokensPerSecond = numberHeader(speed, 'x-sim-tokens-per-second', knobs.tokensPerSecond, false, problems);
  knobs.outputTokens = numberHeader(output, 'x-sim-output-tokens', knobs.outputTokens, true, problems);
  knobs.retryAfterSeconds = numberHeader(retryAfter, 'x-sim-retry-after', knobs.retryAfterSeconds, false, problems);
  knobs.faultAfterTokens = numberHeader(faultAfter, 'x-sim-fault-after', knobs.faultAfterTokens, true, problems);
  const rate = numberHeader(faultRate, 'x-sim-fault-rate', knobs.faultRate, false, problems);
  if (rate > 1) problems.push(`x-sim-fault-rate must be between 0 and 1, got "${String(faultRate)}"`);
  else knobs.faultRate = rate;
  if (tool !== undefined) {
    const name = String(tool).trim();
    if (name === '') problems.push('x-sim-tool must name a tool, or be none');
    else knobs.tool = name;
  }
  if (fault !== undefined) {
    const value = String(fault).trim().toLowerCase();
    if (value === '' || value === 'none') knobs.fault = null;
    else if ((faults as readonly string[]).includes(value)) knobs.fault = value as SimulatorFault;
    else problems.push(`x-sim-fault must be one of ${faults.join(', ')} or none, got "${value}"`);
  }
  return problems.length > 0 ? problems.join('; ') : rollFault(knobs, random);
}

/** Decides once per request whether the configured fault strikes, so later stages see a plain answer or a fault. */
function rollFault(knobs: SimulatorKnobs, random: () => number): SimulatorKnobs {
  if (knobs.fault === null || knobs.faultRate >= 1 || random() < knobs.faultRate) return knobs;
  return { ...knobs, fault: null };
}

/** Checks knobs given to startSimulator or the CLI, so a bad default fails at start, not per request. */
export function validateKnobs(knobs: SimulatorKnobs): void {
  const fields = ['ttftMs', 'tokensPerSecond', 'outputTokens', 'retryAfterSeconds', 'faultAfterTokens', 'faultRate'] as const;
  for (const field of fields) {
    const value = knobs[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`simulator knob ${field} must be a non-negative number, got ${String(value)}`);
    }
  }
  if (knobs.tool !== null && (typeof knobs.tool !== 'string' || knobs.tool === '')) throw new Error(`simulator knob tool must name a tool or be none, got ${String(knobs.tool)}`);
  if (knobs.faultRate > 1) throw new Error(`simulator knob faultRate must be between 0 and 1, got ${knobs.faultRate}`);
  if (knobs.fault !== null && !faults.includes(knobs.fault)) {
    throw new Error(`simulator knob fault must be one of ${faults.join(', ')}, got ${String(knobs.fault)}`);
  }
}

function numberHeader(
  raw: string | string[] | undefined,
  name: string,
  fallback: number,
  integer: boolean,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const text = Array.isArray(raw) ? raw[0] : raw;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    problems.push(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got "${text}"`);
    return fallback;
  }
  return value;
}
