// Deterministic reply text. One token is one word with its leading whitespace, so token counts,
// `max_tokens` caps and streamed deltas line up exactly and tests can predict them.
import { judgeReply } from './judge.ts';
import { structuredReply } from './tools.ts';

export interface Completion {
  /** The reply split into tokens; their concatenation is the reply text. */
  tokens: string[];
  text: string;
  /** 'length' when the output was cut by the caller's maximum, else 'stop'. */
  finish: 'stop' | 'length';
  /** The stop sequence that ended the reply, when one did. */
  stopSequence: string | null;
}

export interface CompletionRequest {
  model: string;
  echo: boolean;
  lastUserText: string;
  /** The system instructions, as one text ('' when there are none). */
  system: string;
  outputTokens: number;
  maxTokens: number | null;
  stop: readonly string[];
  /** The JSON schema the reply must match when the request asks for structured output (JSON mode: `{type: 'object'}`). */
  schema?: unknown;
}

/** The reply for a request: same request, same tokens. */
export function complete(request: CompletionRequest): Completion {
  const wanted = request.echo ? tokenize(request.lastUserText) : replyTokens(request);
  let tokens = wanted;
  let finish: Completion['finish'] = 'stop';
  if (request.maxTokens !== null && request.maxTokens < wanted.length) {
    tokens = wanted.slice(0, request.maxTokens);
    finish = 'length';
  }
  let text = tokens.join('');
  let stopSequence: string | null = null;
  if (request.stop.length > 0) {
    const cut = earliestStop(text, request.stop);
    if (cut !== null) {
      text = text.slice(0, cut.index);
      tokens = truncateTokens(tokens, cut.index);
      finish = 'stop';
      stopSequence = cut.sequence;
    }
  }
  return { tokens, text, finish, stopSequence };
}

/** Prompt tokens as the simulator counts them: one per four characters, rounded up. */
export function promptTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

/**
 * Splits text into word tokens, each carrying the whitespace before it; whitespace at the very end
 * stays on the last token so that joining the tokens gives the text back unchanged.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let start = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    while (index < length && isSpace(text.charCodeAt(index))) index++;
    while (index < length && !isSpace(text.charCodeAt(index))) index++;
    if (index === length) break;
    tokens.push(text.slice(start, index));
    start = index;
  }
  if (start < length) {
    if (tokens.length > 0 && text.slice(start).trim() === '') tokens[tokens.length - 1] += text.slice(start);
    else tokens.push(text.slice(start));
  }
  return tokens;
}

const fillerWords = (
  'the quick simulated model keeps talking in plain deterministic words so that every gateway test '
  + 'can count tokens measure latency and compare bytes without any network or real provider at all'
).split(' ');

const fillerTokens = fillerWords.map((word) => ' ' + word);

/** Words of the user's message quoted in the opening sentence; enough to recognise it. */
const echoedWords = 8;

/** A judge's structured reply when the prompt asks for one, else JSON when the request asks for
 * structured output (their length is the format's, not `outputTokens`), else generated text. */
function replyTokens(request: CompletionRequest): string[] {
  const generated = (question: string): string => generate(request.model, question, request.outputTokens).join('');
  const judged = judgeReply({ system: request.system, user: request.lastUserText }, request.model, generated);
  if (judged !== null) return tokenize(judged);
  if (request.schema !== undefined) return tokenize(structuredReply(request.schema));
  return generate(request.model, request.lastUserText, request.outputTokens);
}

function generate(model: string, lastUserText: string, count: number): string[] {
  if (count === 0) return [];
  const quoted = tokenize(lastUserText.slice(0, 200).replace(/\s+/g, ' ').trim()).slice(0, echoedWords).join('');
  const opening = quoted === ''
    ? `Simulated reply from ${model}.`
    : `Simulated reply from ${model} to "${quoted}".`;
  const tokens = tokenize(opening);
  if (tokens.length >= count) return tokens.slice(0, count);
  for (let index = 0; tokens.length < count; index++) tokens.push(fillerTokens[index % fillerTokens.length]);
  return tokens;
}

function earliestStop(text: string, stops: readonly string[]): { index: number; sequence: string } | null {
  let best: { index: number; sequence: string } | null = null;
  for (const sequence of stops) {
    if (sequence === '') continue;
    const index = text.indexOf(sequence);
    if (index !== -1 && (best === null || index < best.index)) best = { index, sequence };
  }
  return best;
}

function truncateTokens(tokens: string[], characters: number): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const token of tokens) {
    if (used + token.length <= characters) {
      kept.push(token);
      used += token.length;
      continue;
    }
    const partial = token.slice(0, characters - used);
    if (partial !== '') kept.push(partial);
    break;
  }
  return kept;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 12 || code === 11 || code === 160;
}
