// OpenRouter's `reasoning` object (`{effort, max_tokens, exclude, enabled, summary}`) in a Chat body
// bound for a Chat provider. OpenRouter reads it (quirk `reasoningObject`). Any other Chat provider
// is sent only what Chat itself can say, since OpenAI answers 400 to arguments it does not know: the
// object leaves the body, its effort becomes `reasoning_effort` (the body's own `reasoning_effort`
// wins, as in decodeRequest), a budget without an effort becomes the nearest effort (as OpenRouter
// does for models that take only an effort), and the rest is named as dropped. `exclude` is never
// named: the gateway honours it itself, by writing the answer without its reasoning.
import type { ProviderQuirks } from '../ir.ts';
import { effortForBudget } from './encode-request.ts';
import { isRecord } from './response.ts';
import { decodeReasoning } from './request.ts';

export interface ReasoningTarget {
  quirks: ProviderQuirks;
  /** The catalog's word on whether the model reasons; undefined when it says nothing. */
  reasons: boolean | undefined;
}

export interface SettledReasoning {
  /** The object's parts the provider does not receive, as the client spelled them. */
  dropped: string[];
  /** The client asked not to be shown the reasoning (`exclude: true`). */
  exclude: boolean;
}

/** True when the client asked not to be shown the reasoning and the provider would show it: the
 * answer must then be decoded and written again, not relayed. */
export function hidesReasoning(body: Record<string, unknown>, quirks: ProviderQuirks): boolean {
  return !quirks.reasoningObject && isRecord(body.reasoning) && body.reasoning.exclude === true;
}

/** Rewrites the body in place for the target; a malformed object is refused as decodeRequest
 * refuses it (400, naming the field). */
export function settleReasoningObject(body: Record<string, unknown>, target: ReasoningTarget): SettledReasoning {
  const settled: SettledReasoning = { dropped: [], exclude: false };
  if (target.quirks.reasoningObject || body.reasoning === undefined) return settled;
  // Keys of the object the internal form has no place for land in `extra` as `reasoning.<key>`,
  // beside the exact effort when it is "max".
  const extra: Record<string, unknown> = {};
  const options = decodeReasoning({ reasoning: body.reasoning }, extra) ?? {};
  delete body.reasoning;
  settled.exclude = options.exclude === true;
  const { dropped } = settled;
  const ownEffort = body.reasoning_effort !== undefined && body.reasoning_effort !== null;
  const written = extra['reasoning.effort'] ?? options.effort;
  const budget = options.budgetTokens;
  if (!ownEffort && written !== undefined) {
    if (target.reasons === false) dropped.push('reasoning.effort');
    else body.reasoning_effort = written;
  }
  if (budget !== undefined) {
    const asEffort = !ownEffort && written === undefined && options.enabled !== false && target.reasons !== false;
    if (asEffort) body.reasoning_effort = effortForBudget(budget);
    else dropped.push('reasoning.max_tokens');
  }
  // "On" is what a reasoning model does anyway; "off" has no portable Chat spelling.
  if (options.enabled === false || (options.enabled === true && target.reasons === false)) dropped.push('reasoning.enabled');
  if (options.summary !== undefined) dropped.push('reasoning.summary');
  for (const key of Object.keys(extra)) if (key !== 'reasoning.effort') dropped.push(key);
  return settled;
}
