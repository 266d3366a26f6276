// Reads a best-of judge's scores. Judges are asked for bare JSON but wrap it in code fences, prose,
// or write `Answer 2: 85 - reason` lines instead; each of those is read, and scores outside 0-100
// are clamped. A score the judge did not give stays missing, never invented.

export interface Score {
  score: number;
  reason: string;
}

export interface Verdict {
  /** By answer number (1-based). */
  scores: Map<number, Score>;
  /** The judge's `best` when it names a scored answer; null otherwise. */
  named: number | null;
  /** The answers that share the top score, by number (the caller breaks the tie). */
  top: number[];
}

/** null when nothing readable names a score for any of the answers 1..count. */
export function readVerdict(text: string, count: number): Verdict | null {
  const fromJson = jsonVerdict(text, count);
  if (fromJson) return fromJson;
  return lineVerdict(text, count);
}

function jsonVerdict(text: string, count: number): Verdict | null {
  for (const candidate of jsonCandidates(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(candidate);
    } catch {
      continue;
    }
    const entries = Array.isArray(parsed) ? parsed : isRecord(parsed) ? (parsed.scores ?? parsed.answers ?? parsed.ratings) : null;
    if (!Array.isArray(entries)) continue;
    const scores = new Map<number, Score>();
    entries.forEach((entry, position) => {
      if (!isRecord(entry)) return;
      const number = toNumber(entry.answer ?? entry.number ?? entry.id ?? entry.index) ?? position + 1;
      const score = toNumber(entry.score ?? entry.rating);
      if (score === null || !Number.isInteger(number) || number < 1 || number > count) return;
      scores.set(number, { score: clamp(score), reason: oneLine(entry.reason ?? entry.rationale ?? entry.comment) });
    });
    if (scores.size === 0) continue;
    const named = isRecord(parsed) ? toNumber(parsed.best) : null;
    return { scores, named: named !== null && scores.has(named) ? named : null, top: topScored(scores) };
  }
  return null;
}

/** The whole text, a fenced block, and the span from the first `{` (or `[`) to the last. */
function jsonCandidates(text: string): string[] {
  const candidates = [text.trim()];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fenced) candidates.push(fenced[1].trim());
  for (const [open, close] of [['{', '}'], ['[', ']']]) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start !== -1 && end > start) candidates.push(text.slice(start, end + 1));
  }
  return candidates;
}

/** `Answer 2: 85/100 - reason`, `#2 — 85: reason`, `answer 2 scored 85 (reason)`. */
function lineVerdict(text: string, count: number): Verdict | null {
  const scores = new Map<number, Score>();
  const pattern = /(?:answer|#)\s*(\d+)\D{0,24}?(\d{1,3}(?:\.\d+)?)\s*(?:\/\s*100|points|%)?\s*[-:—–,.)(]*\s*(.*)/i;
  for (const line of text.split('\n')) {
    const match = pattern.exec(line);
    if (!match) continue;
    const number = Number(match[1]);
    if (number < 1 || number > count || scores.has(number)) continue;
    scores.set(number, { score: clamp(Number(match[2])), reason: oneLine(match[3].replace(/\)\s*$/, '')) });
  }
  return scores.size === 0 ? null : { scores, named: null, top: topScored(scores) };
}

function topScored(scores: Map<number, Score>): number[] {
  const best = Math.max(...[...scores.values()].map((entry) => entry.score));
  return [...scores].filter(([, entry]) => entry.score === best).map(([number]) => number).sort((left, right) => left - right);
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value.trim()))) return Number(value.trim());
  return null;
}

function clamp(score: number): number {
  return Math.round(Math.min(100, Math.max(0, score)));
}

function oneLine(value: unknown): string {
  if (typeof value !== 'string') return '';
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
