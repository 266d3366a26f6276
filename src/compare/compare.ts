// A side-by-side comparison: every model answers every prompt in parallel, then the review panel's
// personas (in parallel too) read the answers anonymised and score them; the verdicts, the figures
// and the recommendation come from panel-verdict.ts. Every call is the gateway calling itself (see
// client.ts), all under the comparison's id, so each has its own ledger row linked to the others.
import type { Router } from '../routing/router.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { newMarkers } from '../fusion/answer-blocks.ts';
import type { Markers } from '../fusion/answer-blocks.ts';
import { callModel } from '../engine/model-client.ts';
import type { ModelAnswer, SelfCall } from '../engine/model-client.ts';
import { estimatedCost, pricingOf, roundUsd, sumCosts } from './compare-pricing.ts';
import type { Pricing } from './compare-pricing.ts';
import type { CompareRequest } from './compare-request.ts';
import { errorTypeOf, sharedFailureStatus } from '../fusion/failure.ts';
import { personaRequest, readReview } from './panel.ts';
import type { PanelAnswer } from './panel.ts';
import { panelVerdict, recommend, scorecards } from './panel-verdict.ts';
import type { AnswerReview, Recommendation, VerdictName } from './panel-verdict.ts';
import type { Persona } from './personas.ts';
import type { ProgressListener } from './progress.ts';

export interface Comparison {
  id: string;
  object: 'comparison';
  /** Unix seconds. */
  created_at: number;
  name: string | null;
  models: string[];
  /** The model the personas ran on; null without a panel. */
  judge: string | null;
  prompts: string[];
  panel: { name: string; personas: { name: string; rubric: string; sees_cost: boolean }[] } | null;
  answers: ComparedAnswer[];
  reviews: PersonaReview[];
  scorecards: { persona: string; model: string; score: number; verdict: 'ship' | 'skip'; take: string; prompts: number }[];
  scoreboard: ScoreboardRow[];
  recommendation: Recommendation;
  cost: { answers_usd: number | null; panel_usd: number | null; total_usd: number | null; partial: boolean };
  stored: boolean;
}

export interface ComparedAnswer {
  prompt: number;
  model: string;
  ok: boolean;
  status: number;
  provider: string | null;
  served_model: string | null;
  text: string;
  finish_reason: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  usage: { input_tokens: number; output_tokens: number; cached_input_tokens: number; reasoning_tokens: number } | null;
  /** usage.cost as the gateway reported it; null when it did not. */
  cost_usd: number | null;
  pricing: { input_per_million: number; output_per_million: number } | null;
  error: string | null;
  /** x-request-id of the call: its ledger row (under the comparison's id) and log line. */
  request_id: string | null;
  /** When the model is a fusion: the fusion's own id, which its member and judge rows carry. */
  fusion_id: string | null;
}

export interface PersonaReview {
  persona: string;
  prompt: number;
  ok: boolean;
  error: string | null;
  latency_ms: number;
  cost_usd: number | null;
  scores: { model: string; label: string; score: number; verdict: 'ship' | 'skip'; take: string }[];
  /** The start of a reply that could not be read, to see what the judge wrote instead. */
  reply_excerpt?: string;
}

export interface ScoreboardRow {
  model: string;
  /** Prompts it answered, of `prompts`. */
  answered: number;
  prompts: number;
  /** Why it failed, when it answered none. */
  error: string | null;
  verdict: VerdictName | null;
  ship: number;
  skip: number;
  split: string;
  ship_percent: number | null;
  average_score: number | null;
  /** Means over its answers. */
  latency_ms: number | null;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  /** Its answers' cost: as reported, else estimated from tokens and the price read; null when neither is known. */
  cost_usd: number | null;
  cost_source: 'reported' | 'estimated' | null;
}

interface Answered {
  prompt: number;
  answer: ModelAnswer;
  pricing: Pricing | null;
}

/** Runs the comparison, telling `progress` (when given) as each answer and review comes in. Throws
 * (a GatewayError listing each model's fate) when no model answered. */
export async function runComparison(request: CompareRequest, call: SelfCall, router: Router, id: string, progress: ProgressListener = () => {}): Promise<Comparison> {
  const createdAt = Math.floor(Date.now() / 1000);
  const personas = request.panel?.personas ?? [];
  progress({ type: 'started', id, models: request.models, prompts: request.cases.length, panel: request.panel?.name ?? null, personas: personas.map((persona) => persona.name) });
  const answered = await Promise.all(
    request.cases.flatMap((testCase, prompt) =>
      request.models.map(async (model): Promise<Answered> => {
        const answer = await callModel(call, answerBody(request, model, testCase.messages), { timeoutMs: request.timeoutMs });
        progress({ type: 'answer', prompt, model, ok: answer.ok, latency_ms: round(answer.latencyMs), error: answer.error });
        return { prompt, answer, pricing: safePricing(router, model, answer.provider) };
      }),
    ),
  );
  if (!answered.some((entry) => entry.answer.ok)) throw noAnswers(answered);
  const judge = request.panel === null ? null : (request.judge ?? request.models.find((model) => answered.some((entry) => entry.answer.ok && entry.answer.model === model))!);
  if (judge !== null) {
    const reviewed = request.cases.filter((_testCase, prompt) => answered.some((entry) => entry.prompt === prompt && entry.answer.ok)).length;
    progress({ type: 'panel', judge, reviews: reviewed * personas.length });
  }
  const reviews = request.panel === null || judge === null ? [] : await runPanel(request, request.panel.personas, judge, answered, call, newMarkers(), progress);
  const personaOrder = (request.panel?.personas ?? []).map((persona) => persona.name);
  // Listed persona by persona in the panel's order, models in the request's order (not as shown).
  const cards = scorecards(reviews.flatMap((review) => review.answerReviews))
    .sort((left, right) => personaOrder.indexOf(left.persona) - personaOrder.indexOf(right.persona) || request.models.indexOf(left.model) - request.models.indexOf(right.model));
  const scoreboard = request.models.map((model) => scoreboardRow(model, request.cases.length, answered, cards));
  const recommendation = request.panel === null
    ? { model: null, text: 'No recommendation: the comparison ran without a review panel.' }
    : recommend(scoreboard.map((row) => ({ verdict: panelVerdict(row.model, cards), costUsd: row.cost_usd, answered: row.answered })));
  const answersCost = sumCosts(answered.filter((entry) => entry.answer.ok || entry.answer.costUsd !== null).map((entry) => entry.answer.costUsd));
  const panelCost = sumCosts(reviews.filter((review) => review.call.ok || review.call.costUsd !== null).map((review) => review.call.costUsd));
  const totalUsd = answersCost.usd === null && panelCost.usd === null ? null : roundUsd((answersCost.usd ?? 0) + (panelCost.usd ?? 0));
  return {
    id,
    object: 'comparison',
    created_at: createdAt,
    name: request.name,
    models: request.models,
    judge,
    prompts: request.cases.map((testCase) => testCase.task),
    panel: request.panel === null ? null : { name: request.panel.name, personas: request.panel.personas.map((persona) => ({ name: persona.name, rubric: persona.rubric, sees_cost: persona.seesCost })) },
    answers: answered.map(describeAnswer),
    reviews: reviews.map((review) => review.described),
    scorecards: cards,
    scoreboard,
    recommendation,
    cost: {
      answers_usd: answersCost.usd,
      panel_usd: panelCost.usd,
      total_usd: totalUsd,
      partial: answersCost.partial || panelCost.partial,
    },
    stored: false,
  };
}

function answerBody(request: CompareRequest, model: string, messages: Record<string, unknown>[]): Record<string, unknown> {
  return {
    model,
    messages,
    ...(request.maxTokens === null ? {} : { max_tokens: request.maxTokens }),
    ...(request.temperature === null ? {} : { temperature: request.temperature }),
  };
}

interface RanReview {
  call: ModelAnswer;
  answerReviews: AnswerReview[];
  described: PersonaReview;
}

/** Each persona reviews each prompt's answers in one call; all calls run at once. Persona i sees the
 * answers rotated by i, so no model always sits in the first (or last) place. */
function runPanel(request: CompareRequest, personas: Persona[], judge: string, answered: Answered[], call: SelfCall, markers: Markers, progress: ProgressListener): Promise<RanReview[]> {
  return Promise.all(
    request.cases.flatMap((testCase, prompt) => {
      const answers = answered.filter((entry) => entry.prompt === prompt && entry.answer.ok);
      if (answers.length === 0) return [];
      return personas.map(async (persona, index): Promise<RanReview> => {
        const shown = answers.map((_entry, position) => answers[(position + index) % answers.length]);
        const panelAnswers: PanelAnswer[] = shown.map((entry, position) => ({
          label: labelAt(position),
          text: entry.answer.text,
          costUsd: entry.answer.costUsd ?? estimatedCost(entry.pricing, entry.answer.usage),
          pricing: entry.pricing,
        }));
        const reply = await callModel(call, personaRequest(persona, testCase.task, panelAnswers, judge, markers), { timeoutMs: request.timeoutMs });
        const review = reviewOf(persona, prompt, reply, shown);
        const { ok, latency_ms, error } = review.described;
        progress({ type: 'review', prompt, persona: persona.name, ok, latency_ms, error });
        return review;
      });
    }),
  );
}

function reviewOf(persona: Persona, prompt: number, reply: ModelAnswer, shown: Answered[]): RanReview {
  const described: PersonaReview = { persona: persona.name, prompt, ok: false, error: null, latency_ms: round(reply.latencyMs), cost_usd: reply.costUsd, scores: [] };
  if (!reply.ok) {
    described.error = `the judge call failed: ${reply.error}`;
    return { call: reply, answerReviews: [], described };
  }
  const labels = shown.map((_entry, position) => labelAt(position));
  const read = readReview(reply.text, labels);
  if (!read.ok) {
    described.error = `unreadable review: ${read.error}`;
    described.reply_excerpt = reply.text.slice(0, 500);
    return { call: reply, answerReviews: [], described };
  }
  described.ok = true;
  const answerReviews: AnswerReview[] = [];
  shown.forEach((entry, position) => {
    const review = read.reviews.get(labels[position]);
    if (!review) return;
    described.scores.push({ model: entry.answer.model, label: labels[position], ...review });
    answerReviews.push({ persona: persona.name, model: entry.answer.model, prompt, ...review });
  });
  return { call: reply, answerReviews, described };
}

function scoreboardRow(model: string, prompts: number, answered: Answered[], cards: ReturnType<typeof scorecards>): ScoreboardRow {
  const own = answered.filter((entry) => entry.answer.model === model);
  const ok = own.filter((entry) => entry.answer.ok);
  const verdict = panelVerdict(model, cards);
  const reported = ok.map((entry) => entry.answer.costUsd);
  const estimated = ok.map((entry) => entry.answer.costUsd ?? estimatedCost(entry.pricing, entry.answer.usage));
  const cost = ok.length > 0 && reported.every((value) => value !== null)
    ? { usd: sumCosts(reported).usd, source: 'reported' as const }
    : ok.length > 0 && estimated.every((value) => value !== null)
      ? { usd: sumCosts(estimated).usd, source: 'estimated' as const }
      : { usd: null, source: null };
  const ttfts = ok.map((entry) => entry.answer.ttftMs).filter((value): value is number => value !== null);
  return {
    model,
    answered: ok.length,
    prompts,
    error: ok.length === 0 ? (own[0]?.answer.error ?? 'no answer') : null,
    verdict: verdict.verdict,
    ship: verdict.ship,
    skip: verdict.skip,
    split: verdict.split,
    ship_percent: verdict.shipPercent,
    average_score: verdict.averageScore,
    latency_ms: ok.length === 0 ? null : round(mean(ok.map((entry) => entry.answer.latencyMs))),
    ttft_ms: ttfts.length === 0 ? null : round(mean(ttfts)),
    input_tokens: ok.reduce((sum, entry) => sum + (entry.answer.usage?.inputTokens ?? 0), 0),
    output_tokens: ok.reduce((sum, entry) => sum + (entry.answer.usage?.outputTokens ?? 0), 0),
    cost_usd: cost.usd === null ? null : roundUsd(cost.usd),
    cost_source: cost.source,
  };
}

function describeAnswer({ prompt, answer, pricing }: Answered): ComparedAnswer {
  return {
    prompt,
    model: answer.model,
    ok: answer.ok,
    status: answer.status,
    provider: answer.provider,
    served_model: answer.servedModel,
    text: answer.text,
    finish_reason: answer.finishReason,
    latency_ms: round(answer.latencyMs),
    ttft_ms: answer.ttftMs === null ? null : round(answer.ttftMs),
    usage: answer.usage === null
      ? null
      : { input_tokens: answer.usage.inputTokens, output_tokens: answer.usage.outputTokens, cached_input_tokens: answer.usage.cachedInputTokens, reasoning_tokens: answer.usage.reasoningTokens },
    cost_usd: answer.costUsd,
    pricing: pricing === null ? null : { input_per_million: pricing.inputPerMillion, output_per_million: pricing.outputPerMillion },
    error: answer.error,
    request_id: answer.requestId,
    fusion_id: answer.fusionId,
  };
}

/** When every call failed the same way (a 4xx such as an invalid message), that status is the answer;
 * otherwise a 502 listing each model's fate. */
function noAnswers(answered: Answered[]): GatewayError {
  const several = answered.some((entry) => entry.prompt > 0);
  const fates = answered.map(({ prompt, answer }) => `${answer.model}${several ? ` (prompt ${prompt + 1})` : ''}: ${answer.error ?? 'no answer'}`);
  const status = sharedFailureStatus(answered.map((entry) => entry.answer.status));
  return new GatewayError(`no model answered, so there is nothing to compare. ${fates.join('; ')}`, { status, type: errorTypeOf(status), code: 'no_answers' });
}

function safePricing(router: Router, model: string, provider: string | null): Pricing | null {
  try {
    return pricingOf(router, model, provider);
  } catch {
    // A name routing cannot read has no price; the call itself reported what was wrong with it.
    return null;
  }
}

function labelAt(position: number): string {
  return String.fromCharCode(65 + position);
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 10) / 10;
}
