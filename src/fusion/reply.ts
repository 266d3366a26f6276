// What a fusion adds to the caller's normal answer: usage summed over every call (members, debate
// revisions, the judge), `usage.cost` when every part of it is known, and the `fusion` block naming
// each member's model, provider, tokens, cost, latency, score and fate. Streams carry the block on
// the event that already carries usage (Chat's usage chunk, Responses' `response.completed`,
// Anthropic's `message_delta`), where every SDK passes unknown fields through untouched: the
// fusion model hands the block to the client's encoder on its final usage event.
import type { Usage } from '../protocol/ir.ts';
import type { ModelAnswer } from '../engine/model-client.ts';
import type { FusionOutcome, MemberRecord } from './run.ts';
import type { FusionSpec } from './spec.ts';

export interface FusionTotals {
  usage: Usage;
  /** USD over the calls whose cost is known. */
  costUsd: number;
  /** false when a call that produced tokens reported no cost (its ledger row still has it). */
  costComplete: boolean;
}

export function totalsOf(outcome: FusionOutcome): FusionTotals {
  const usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  let costUsd = 0;
  let costComplete = true;
  for (const call of allCalls(outcome)) {
    if (call.usage) {
      usage.inputTokens += call.usage.inputTokens;
      usage.outputTokens += call.usage.outputTokens;
      usage.cachedInputTokens += call.usage.cachedInputTokens;
      usage.reasoningTokens += call.usage.reasoningTokens;
    }
    if (call.costUsd !== null) costUsd += call.costUsd;
    // A call that failed before its first token was not billed for output; one that produced
    // tokens without reporting a cost leaves the sum unknown.
    else if (call.ok || call.ttftMs !== null || call.usage !== null) costComplete = false;
  }
  return { usage, costUsd: roundUsd(costUsd), costComplete };
}

/** The `fusion` block of the response. */
export function fusionBlock(spec: FusionSpec, groupId: string, outcome: FusionOutcome, totals: FusionTotals): Record<string, unknown> {
  const block: Record<string, unknown> = {
    id: groupId,
    name: spec.name,
    mode: spec.mode,
    ...(spec.mode === 'debate' ? { rounds: spec.rounds } : {}),
    min_responses: spec.minResponses,
    timeout_ms: spec.timeoutMs,
    answered: outcome.members.filter((member) => member.answer !== null).length,
    members: outcome.members.map((member) => memberEntry(spec, member, outcome)),
    judge: callEntry(outcome.judge),
    cost_usd: totals.costUsd,
    cost_complete: totals.costComplete,
    timings: { members_done_ms: roundMs(outcome.membersDoneMs), judge_started_ms: roundMs(outcome.judgeStartedMs), judge_first_token_ms: outcome.judgeFirstTokenMs === null ? null : roundMs(outcome.judgeFirstTokenMs) },
  };
  if (spec.mode === 'best-of') {
    block.chosen = outcome.chosen === null ? null : { index: outcome.chosen, model: spec.pool[outcome.chosen] };
    block.scores_readable = outcome.scoresReadable;
  } else if (spec.returnAnalysis) {
    block.analysis = outcome.analysis;
  }
  return block;
}

function memberEntry(spec: FusionSpec, member: MemberRecord, outcome: FusionOutcome): Record<string, unknown> {
  const last = member.answer ?? member.calls[0];
  const entry: Record<string, unknown> = {
    index: member.index,
    ...callEntry(last, member.calls),
    model: member.model,
    used: member.used,
    dropped: member.dropped,
  };
  if (spec.mode === 'best-of') {
    entry.score = member.score;
    entry.reason = member.reason;
    entry.chosen = outcome.chosen === member.index;
  }
  if (spec.mode === 'debate') entry.revisions = member.calls.slice(1).map((call) => ({ ok: call.ok, error: call.error, latency_ms: roundMs(call.latencyMs) }));
  return entry;
}

/** One call's figures; with `calls`, tokens and cost are summed over all of them (a debater's rounds). */
function callEntry(answer: ModelAnswer, calls: ModelAnswer[] = [answer]): Record<string, unknown> {
  let inputTokens = 0;
  let outputTokens = 0;
  let cost: number | null = 0;
  for (const call of calls) {
    inputTokens += call.usage?.inputTokens ?? 0;
    outputTokens += call.usage?.outputTokens ?? 0;
    if (call.costUsd !== null && cost !== null) cost += call.costUsd;
    // As in totalsOf: a call cut off after its first token may still be billed, so its cost is unknown.
    else if (call.costUsd === null && (call.ok || call.ttftMs !== null || call.usage !== null)) cost = null;
  }
  const first = calls[0];
  return {
    model: answer.model,
    served_model: answer.servedModel ?? first.servedModel,
    provider: answer.provider ?? first.provider,
    status: answer.status,
    ok: answer.ok,
    error: answer.error,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    cost_usd: cost === null ? null : roundUsd(cost),
    // The first answer's latency and time to first token: the figures the panel waited on.
    latency_ms: roundMs(first.latencyMs),
    ttft_ms: first.ttftMs === null ? null : roundMs(first.ttftMs),
    finish_reason: answer.finishReason,
    request_id: answer.requestId,
  };
}

function allCalls(outcome: FusionOutcome): ModelAnswer[] {
  return [...outcome.members.flatMap((member) => member.calls), outcome.judge];
}

function roundMs(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Sums of binary fractions drift in the last digits; 1e-10 USD is far below any price. */
function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}
