// What a fusion adds to the caller's normal answer: usage summed over every call (members, debate
// revisions, the judge), `usage.cost` when every part of it is known, and the `fusion` block naming
// each member's model, provider, tokens, cost, latency, score and fate. Streams carry the block on
// the event that already carries usage (Chat's usage chunk, Responses' `response.completed`,
// Anthropic's `message_delta`), where every SDK passes unknown fields through untouched.
import type { Usage } from '../protocol/ir.ts';
import { SseParser, sseEvent } from '../protocol/sse.ts';
import type { ModelAnswer } from './client.ts';
import type { FusionOutcome, MemberRecord } from './run.ts';
import type { FusionSpec } from './spec.ts';

export type ReplyFormat = 'openai-chat' | 'openai-responses' | 'anthropic';

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

/** A whole encoded answer with the cost in its usage and the block beside it. */
export function decorateWhole(encoded: Record<string, unknown>, block: Record<string, unknown>, totals: FusionTotals): Record<string, unknown> {
  const usage = encoded.usage;
  if (totals.costComplete && usage !== null && typeof usage === 'object') (usage as Record<string, unknown>).cost = totals.costUsd;
  encoded.fusion = block;
  return encoded;
}

/** The stream's closing events with the cost and the block put on the one that carries usage. A Chat
 * client that did not ask for usage gets no usage chunk, so no block either. */
export function decorateStreamEnd(format: ReplyFormat, closing: string, block: Record<string, unknown>, totals: FusionTotals): string {
  const parser = new SseParser();
  const events = [...parser.push(Buffer.from(closing)), ...parser.end()];
  return events
    .map(({ event, data }) => {
      if (data.trim() === '[DONE]') return sseEvent(data);
      const payload = JSON.parse(data) as Record<string, unknown>;
      const holder = usageHolder(format, event, payload);
      if (holder) {
        const usage = holder.usage;
        if (totals.costComplete && usage !== null && typeof usage === 'object') (usage as Record<string, unknown>).cost = totals.costUsd;
        holder.fusion = block;
      }
      return sseEvent(JSON.stringify(payload), event ?? undefined);
    })
    .join('');
}

/** The object within a closing event that holds usage, if this is that event. */
function usageHolder(format: ReplyFormat, event: string | null, payload: Record<string, unknown>): Record<string, unknown> | null {
  if (format === 'openai-chat') return payload.usage ? payload : null;
  if (format === 'anthropic') return event === 'message_delta' ? payload : null;
  const isClosing = event === 'response.completed' || event === 'response.incomplete';
  return isClosing && payload.response && typeof payload.response === 'object' ? (payload.response as Record<string, unknown>) : null;
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
