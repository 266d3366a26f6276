// The arithmetic of a review panel: each persona's scorecard per model, the panel's verdict per model,
// and the one-line answer to "which one should you ship with?".
//
// Verdict rule, over the personas that reviewed a model (s say ship, n reviewed it):
//   Ship  when s/n >= 2/3,  Skip when s/n <= 1/3,  Mixed in between;  no verdict when n = 0.
// With five personas: 4 or 5 ship is Ship, 2 or 3 is Mixed, 0 or 1 is Skip.

/** One persona's review of one answer (one model, one prompt). */
export interface AnswerReview {
  persona: string;
  model: string;
  prompt: number;
  score: number;
  verdict: 'ship' | 'skip';
  take: string;
}

/** A persona's view of one model across every prompt it reviewed. */
export interface Scorecard {
  persona: string;
  model: string;
  /** Mean of its scores, one decimal. */
  score: number;
  /** ship when it said ship on more than half of the prompts. */
  verdict: 'ship' | 'skip';
  take: string;
  prompts: number;
}

export type VerdictName = 'Ship' | 'Mixed' | 'Skip';

export interface PanelVerdict {
  model: string;
  verdict: VerdictName | null;
  ship: number;
  skip: number;
  /** "3 ship / 2 skip" */
  split: string;
  /** ship / (ship + skip), 0 to 100, whole number; null without reviews. */
  shipPercent: number | null;
  /** Mean of the scorecards' scores, one decimal; null without reviews. */
  averageScore: number | null;
}

export interface Recommendation {
  /** The model to ship with; null when the panel would ship none (or gave no verdict). */
  model: string | null;
  text: string;
}

/** Scorecards per persona and model, in the order the reviews name them. */
export function scorecards(reviews: readonly AnswerReview[]): Scorecard[] {
  const groups = new Map<string, AnswerReview[]>();
  for (const review of reviews) {
    const key = `${review.persona}\u0000${review.model}`;
    const group = groups.get(key);
    if (group) group.push(review);
    else groups.set(key, [review]);
  }
  return [...groups.values()].map((group) => {
    const ships = group.filter((review) => review.verdict === 'ship').length;
    const takes = group.map((review) => review.take).filter((take) => take !== '');
    return {
      persona: group[0].persona,
      model: group[0].model,
      score: oneDecimal(mean(group.map((review) => review.score))),
      // A tie across prompts is a skip: shipping needs most of the evidence.
      verdict: ships * 2 > group.length ? 'ship' : 'skip',
      take: group.length === 1 ? takes.join('') : takes.map((take, index) => `(${index + 1}) ${take}`).join(' '),
      prompts: group.length,
    };
  });
}

/** The panel's verdict on `model` from the scorecards (of any models; the model's own are picked). */
export function panelVerdict(model: string, cards: readonly Scorecard[]): PanelVerdict {
  const own = cards.filter((card) => card.model === model);
  const ship = own.filter((card) => card.verdict === 'ship').length;
  const skip = own.length - ship;
  const reviewed = own.length;
  return {
    model,
    verdict: reviewed === 0 ? null : 3 * ship >= 2 * reviewed ? 'Ship' : 3 * ship <= reviewed ? 'Skip' : 'Mixed',
    ship,
    skip,
    split: `${ship} ship / ${skip} skip`,
    shipPercent: reviewed === 0 ? null : Math.round((100 * ship) / reviewed),
    averageScore: reviewed === 0 ? null : oneDecimal(mean(own.map((card) => card.score))),
  };
}

/** Scores within this many points count as level, so the cheaper model can win on price. */
export const levelScoreMargin = 5;

/** A model in the running: its verdict, the summed cost of its answers, and how many prompts it answered. */
export interface Candidate {
  verdict: PanelVerdict;
  costUsd: number | null;
  answered: number;
}

/**
 * Which one to ship with: the models with the best verdict (Ship over Mixed; Skip recommends none);
 * among them the leader is the one with the highest ship percentage, then average score; a model in
 * the same tier whose average score is within `levelScoreMargin` points of the leader's and whose
 * cost per answer is lower takes its place (the cheapest such one). Costs compare per answered
 * prompt, since a model that failed some prompts paid for fewer answers; only when both are known.
 */
export function recommend(candidates: readonly Candidate[]): Recommendation {
  const judged = candidates.map((candidate) => ({ verdict: candidate.verdict, costUsd: costPerAnswer(candidate) })).filter((candidate) => candidate.verdict.verdict !== null);
  if (judged.length === 0) return { model: null, text: 'No recommendation: the panel gave no readable verdict on any answer.' };
  const tierOf = (name: VerdictName | null): number => (name === 'Ship' ? 2 : name === 'Mixed' ? 1 : 0);
  const best = Math.max(...judged.map((candidate) => tierOf(candidate.verdict.verdict)));
  const ranked = judged
    .filter((candidate) => tierOf(candidate.verdict.verdict) === best)
    .sort((left, right) => (right.verdict.shipPercent! - left.verdict.shipPercent!) || (right.verdict.averageScore! - left.verdict.averageScore!));
  const leader = ranked[0];
  if (best === 0) {
    return { model: null, text: `None of them: the panel would skip every answer (best: ${leader.verdict.model}, ${leader.verdict.averageScore}/100, ${leader.verdict.split}).` };
  }
  const cheaper = ranked
    .filter((candidate) => candidate !== leader && cheaperThan(candidate, leader) && leader.verdict.averageScore! - candidate.verdict.averageScore! <= levelScoreMargin)
    .sort((left, right) => left.costUsd! - right.costUsd!)[0];
  const chosen = cheaper ?? leader;
  const caution = best === 1 ? ', with care: the panel is split' : ': the panel says Ship';
  const figures = `(${chosen.verdict.split}, ${chosen.verdict.averageScore}/100)`;
  if (cheaper) {
    const saving = Math.round(100 * (1 - cheaper.costUsd! / leader.costUsd!));
    return { model: chosen.verdict.model, text: `Ship with ${chosen.verdict.model}${caution} ${figures}, as good as ${leader.verdict.model} (${leader.verdict.averageScore}/100) within ${levelScoreMargin} points at ${saving}% less cost per answer.` };
  }
  const runnerUp = ranked[1] ?? judged.filter((candidate) => candidate !== leader).sort((left, right) => right.verdict.averageScore! - left.verdict.averageScore!)[0];
  const next = runnerUp ? `; next: ${runnerUp.verdict.model} (${runnerUp.verdict.verdict}, ${runnerUp.verdict.averageScore}/100)` : '';
  return { model: chosen.verdict.model, text: `Ship with ${chosen.verdict.model}${caution} ${figures}${next}.` };
}

function costPerAnswer(candidate: Candidate): number | null {
  return candidate.costUsd === null || candidate.answered === 0 ? null : candidate.costUsd / candidate.answered;
}

function cheaperThan(candidate: { costUsd: number | null }, leader: { costUsd: number | null }): boolean {
  return candidate.costUsd !== null && leader.costUsd !== null && candidate.costUsd < leader.costUsd;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}
