// One persona's review of a comparison: the Chat Completions request that asks for it, and the reader
// of what comes back. Answers are shown anonymised (A, B, C...) so no persona favours a model by name;
// the caller maps the labels back. Each answer sits between markers drawn for the request, which its
// text cannot forge (answer-blocks.ts). Models do not always keep to a JSON format, so the reader
// accepts fences, prose around the object, a bare list, an object keyed by label and loose field
// names, and reports a review it cannot read instead of failing the comparison.
import { answerBlock, dataRule, neutralised } from '../fusion/answer-blocks.ts';
import type { Markers } from '../fusion/answer-blocks.ts';
import type { Persona } from './personas.ts';

/** One answer as a persona sees it. */
export interface PanelAnswer {
  label: string;
  text: string;
  /** For personas that see cost (the founder). */
  costUsd: number | null;
  pricing: { inputPerMillion: number; outputPerMillion: number } | null;
}

export interface Review {
  score: number;
  verdict: 'ship' | 'skip';
  take: string;
}

export type ReadReview = { ok: true; reviews: Map<string, Review> } | { ok: false; error: string };

const maxTakeCharacters = 300;
/** Bounds the search for JSON in a reply that is mostly something else. */
const maxJsonStarts = 64;

/** The Chat Completions body that asks `persona` to review `answers` to `task`. */
export function personaRequest(persona: Persona, task: string, answers: PanelAnswer[], judge: string, markers: Markers): Record<string, unknown> {
  const labels = answers.map((answer) => answer.label).join(', ');
  const system = [
    `You are the ${persona.name} on a review panel comparing answers that different AI models gave to the same task.`,
    `The answers are labelled ${labels}; you are not told which model wrote which.`,
    '',
    `Your rubric: ${persona.rubric}`,
    '',
    'For every answer give a score from 0 to 100 under your rubric, a verdict of "ship" (good enough to use as it is) or "skip",',
    'and a take: one short sentence saying why, about that answer alone (do not refer to other answers by their letter).',
    dataRule(markers),
    'Reply with only this JSON object, one entry per answer, and nothing else:',
    `{"reviews":[{"answer":"A","score":0,"verdict":"ship","take":"..."}]}`,
  ].join('\n');
  // The cost line is the gateway's, not the answer's, so it follows the block.
  const sections = answers.map((answer) => `${answerBlock(markers, answer.label, answer.text)}${persona.seesCost ? `\n(${costLine(answer)})` : ''}`);
  const user = `## Task\n${neutralised(task, markers)}\n\n## Answers\n${sections.join('\n\n')}`;
  return { model: judge, messages: [{ role: 'system', content: system }, { role: 'user', content: user }] };
}

/** The reviews in a persona's reply, by label; labels it did not review are absent. */
export function readReview(text: string, labels: readonly string[]): ReadReview {
  const value = extractJson(text);
  if (value === undefined) return { ok: false, error: 'the reply holds no JSON' };
  const reviews = new Map<string, Review>();
  for (const [label, entry] of entriesOf(value)) {
    const known = labels.find((candidate) => candidate.toLowerCase() === label.trim().replace(/^answer\s*/i, '').toLowerCase());
    const review = reviewOf(entry);
    if (known !== undefined && review !== null && !reviews.has(known)) reviews.set(known, review);
  }
  if (reviews.size === 0) return { ok: false, error: 'the reply has no review with an answer label, a score and a verdict' };
  return { ok: true, reviews };
}

function costLine(answer: PanelAnswer): string {
  const cost = answer.costUsd === null ? 'cost of this answer: unknown' : `cost of this answer: $${answer.costUsd.toPrecision(3)}`;
  const price = answer.pricing === null
    ? 'price unknown'
    : `price: $${answer.pricing.inputPerMillion} per 1M input tokens, $${answer.pricing.outputPerMillion} per 1M output tokens`;
  return `${cost}; ${price}`;
}

/** [label, entry] pairs from `{"reviews":[...]}`, a bare list, or `{"A": {...}, "B": {...}}`. */
function entriesOf(value: unknown): [string, Record<string, unknown>][] {
  if (Array.isArray(value)) return value.flatMap((entry) => (isRecord(entry) && labelOf(entry) !== null ? [[labelOf(entry)!, entry] as [string, Record<string, unknown>]] : []));
  if (!isRecord(value)) return [];
  for (const key of ['reviews', 'scores', 'answers', 'results', 'ratings']) {
    if (Array.isArray(value[key]) || isRecord(value[key])) return entriesOf(value[key]);
  }
  return Object.entries(value).flatMap(([key, entry]) => (isRecord(entry) ? [[labelOf(entry) ?? key, entry] as [string, Record<string, unknown>]] : []));
}

function labelOf(entry: Record<string, unknown>): string | null {
  for (const key of ['answer', 'label', 'id', 'letter']) if (typeof entry[key] === 'string') return entry[key] as string;
  return null;
}

function reviewOf(entry: Record<string, unknown>): Review | null {
  const score = scoreOf(entry.score ?? entry.rating ?? entry.points);
  const verdict = verdictOf(entry.verdict ?? entry.decision ?? entry.ship ?? entry.recommendation);
  if (score === null || verdict === null) return null;
  const take = [entry.take, entry.comment, entry.reason, entry.summary].find((candidate) => typeof candidate === 'string') as string | undefined;
  return { score, verdict, take: (take ?? '').trim().slice(0, maxTakeCharacters) };
}

function scoreOf(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseFloat(value) : Number.NaN;
  if (!Number.isFinite(number)) return null;
  return Math.round(Math.min(100, Math.max(0, number)));
}

function verdictOf(value: unknown): 'ship' | 'skip' | null {
  if (value === true) return 'ship';
  if (value === false) return 'skip';
  if (typeof value !== 'string') return null;
  const word = value.trim().toLowerCase();
  if (['ship', 'yes', 'ship it', 'approve', 'accept'].includes(word)) return 'ship';
  if (['skip', 'no', "don't ship", 'do not ship', 'reject'].includes(word)) return 'skip';
  return null;
}

/** The first JSON object or list in the text: the whole text, a fenced block, or the first balanced
 * `{...}` / `[...]` that parses. */
function extractJson(text: string): unknown {
  const attempts = [text.trim(), ...[...text.matchAll(/```(?:json)?\s*([\s\S]*?)```/gi)].map((match) => match[1].trim())];
  for (const attempt of attempts) {
    const parsed = parse(attempt);
    if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) return parsed;
  }
  let tried = 0;
  for (let start = 0; start < text.length && tried < maxJsonStarts; start++) {
    const character = text[start];
    if (character !== '{' && character !== '[') continue;
    tried++;
    const end = balancedEnd(text, start);
    if (end === -1) continue;
    const parsed = parse(text.slice(start, end + 1));
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

/** Index of the bracket closing the one at `start`, skipping brackets inside strings; -1 if none. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{' || character === '[') depth++;
    else if (character === '}' || character === ']') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
