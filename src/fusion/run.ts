// One fusion, start to end: the members answer in parallel (each within the deadline), the quorum is
// checked, a debate revises for its rounds, and the judge scores (best-of) or merges (merge, debate).
// The final answer is handed out as it is written; everything measured along the way is kept for
// the response's `fusion` block. Failures of the whole (quorum, judge) are thrown as GatewayErrors
// that list each member's fate. Every reader of the answers sees them in a fresh random order
// (fair-order.ts), inside markers drawn for this request alone (answer-blocks.ts).
import { GatewayError } from '../errors/gateway-error.ts';
import { newMarkers } from './answer-blocks.ts';
import type { Markers } from './answer-blocks.ts';
import { callModel } from '../engine/model-client.ts';
import type { ModelAnswer, SelfCall } from '../engine/model-client.ts';
import { errorTypeOf, sharedFailureStatus } from './failure.ts';
import { pickOne, shuffled } from './fair-order.ts';
import type { RandomSource } from './fair-order.ts';
import { mergeMessages, revisionMessages, scoringMessages } from './prompts.ts';
import type { ChatMessage, PanelAnswer } from './prompts.ts';
import type { ResponseFormat } from '../protocol/ir.ts';
import { FinalAnswerSplitter } from './sections.ts';
import type { FusionSpec } from './spec.ts';
import { readVerdict } from './verdict.ts';

export interface FusionInput {
  spec: FusionSpec;
  call: SelfCall;
  /** The caller's request as a Chat body, without `model`: what every member receives. */
  memberBody: Record<string, unknown>;
  /** The conversation as the judge reads it. */
  transcript: string;
  responseFormat?: ResponseFormat;
  /** One line as each member settles and as the judge starts (for progress comments). */
  onProgress?: (line: string) => void;
  /** The final answer as it is written (best-of: the chosen answer, once the scores are in). */
  onAnswer?: (text: string) => void;
  /** Orders the answers and breaks ties; Math.random unless a test fixes it. */
  random?: RandomSource;
}

/** One run: the input with its random source and this request's markers. */
interface Run extends FusionInput {
  random: RandomSource;
  markers: Markers;
}

export interface MemberRecord {
  index: number;
  model: string;
  /** Its first answer, then one per debate round it took part in. */
  calls: ModelAnswer[];
  /** The answer the judge read: its latest good one; null when it was dropped. */
  answer: ModelAnswer | null;
  /** Why it was dropped; null when it answered. */
  dropped: string | null;
  score: number | null;
  reason: string | null;
  /** Its answer shaped the result (merge/debate: every member that answered; best-of: the chosen one). */
  used: boolean;
}

export interface FusionOutcome {
  members: MemberRecord[];
  /** The judge's call (best-of: the scoring call). */
  judge: ModelAnswer;
  text: string;
  finishReason: string | null;
  analysis: string | null;
  /** best-of: the index of the chosen member. */
  chosen: number | null;
  /** best-of: false when the judge's scores could not be read and a random member's answer was sent. */
  scoresReadable: boolean | null;
  /** ms from the start to the last member's answer, to the judge's call, and to its first token. */
  membersDoneMs: number;
  judgeStartedMs: number;
  judgeFirstTokenMs: number | null;
}

type JudgedOutcome = Omit<FusionOutcome, 'membersDoneMs' | 'judgeStartedMs' | 'judgeFirstTokenMs'>;

export async function runFusion(input: FusionInput): Promise<FusionOutcome> {
  const run: Run = { ...input, random: input.random ?? Math.random, markers: newMarkers() };
  const { spec } = run;
  const startedAt = performance.now();
  const members = await firstAnswers(run);
  const answered = members.filter((member) => member.answer !== null);
  if (answered.length < spec.minResponses) throw quorumFailure(spec, members, answered.length);
  if (spec.mode === 'debate' && answered.length > 1) for (let round = 1; round <= spec.rounds; round++) await debateRound(run, answered, round);
  const membersDoneMs = performance.now() - startedAt;
  run.onProgress?.(`judge ${spec.judge} started`);
  const judgeStartedMs = performance.now() - startedAt;
  const outcome = spec.mode === 'best-of' ? await pickBest(run, members, answered) : await merge(run, members, answered);
  const judgeFirstTokenMs = outcome.judge.ttftMs === null ? null : judgeStartedMs + outcome.judge.ttftMs;
  return { ...outcome, membersDoneMs, judgeStartedMs, judgeFirstTokenMs };
}

async function firstAnswers(input: Run): Promise<MemberRecord[]> {
  const { spec } = input;
  return Promise.all(
    spec.pool.map(async (model, index): Promise<MemberRecord> => {
      const answer = await callModel(input.call, { ...input.memberBody, model }, { timeoutMs: spec.timeoutMs });
      const record: MemberRecord = { index, model, calls: [answer], answer: answer.ok ? answer : null, dropped: answer.ok ? null : fate(answer), score: null, reason: null, used: false };
      input.onProgress?.(answer.ok ? `member ${index + 1} ${model} answered in ${Math.round(answer.latencyMs)} ms` : `member ${index + 1} ${model} dropped: ${record.dropped}`);
      return record;
    }),
  );
}

/** Every member that answered sees the others' latest answers (in an order of its own) and revises;
 * a failed revision keeps the member's previous answer. */
async function debateRound(input: Run, answered: MemberRecord[], round: number): Promise<void> {
  const conversation = input.memberBody.messages as ChatMessage[];
  const latest = new Map(answered.map((member) => [member, (member.answer as ModelAnswer).text]));
  await Promise.all(
    answered.map(async (member) => {
      const others = panelOf(shuffled(answered.filter((other) => other !== member), input.random), latest);
      const body = { ...input.memberBody, model: member.model, messages: revisionMessages(conversation, latest.get(member) as string, others, input.markers) };
      const revision = await callModel(input.call, body, { timeoutMs: input.spec.timeoutMs });
      member.calls.push(revision);
      if (revision.ok) member.answer = revision;
      input.onProgress?.(revision.ok ? `member ${member.index + 1} ${member.model} revised (round ${round})` : `member ${member.index + 1} ${member.model} kept its answer in round ${round}: ${fate(revision)}`);
    }),
  );
}

/** The judge scores the answers shown in a random order; its numbers map back through `shown`. A
 * tie for the top score, and scores that cannot be read, are settled by a random draw. */
async function pickBest(input: Run, members: MemberRecord[], answered: MemberRecord[]): Promise<JudgedOutcome> {
  const shown = shuffled(answered, input.random);
  const panel = panelOf(shown);
  const judge = await callModel(input.call, { model: input.spec.judge, messages: scoringMessages(input.transcript, panel, input.spec.criteria, input.markers) });
  if (!judge.ok) throw judgeFailure(input.spec, judge, members);
  const verdict = readVerdict(judge.text, panel.length);
  shown.forEach((member, position) => {
    const score = verdict?.scores.get(position + 1);
    member.score = score?.score ?? null;
    member.reason = score ? score.reason : null;
  });
  const chosen = verdict === null ? pickOne(answered, input.random) : shown[(verdict.named ?? pickOne(verdict.top, input.random)) - 1];
  chosen.used = true;
  const answer = chosen.answer as ModelAnswer;
  input.onAnswer?.(answer.text);
  return { members, judge, text: answer.text, finishReason: answer.finishReason, analysis: null, chosen: chosen.index, scoresReadable: verdict !== null };
}

async function merge(input: Run, members: MemberRecord[], answered: MemberRecord[]): Promise<JudgedOutcome> {
  const { spec } = input;
  const splitter = new FinalAnswerSplitter(input.markers);
  let text = '';
  const deliver = (piece: string): void => {
    if (piece === '') return;
    text += piece;
    input.onAnswer?.(piece);
  };
  const messages = mergeMessages(input.transcript, panelOf(shuffled(answered, input.random)), spec.criteria, input.markers, { debateRounds: spec.mode === 'debate' ? spec.rounds : 0, responseFormat: input.responseFormat });
  const judge = await callModel(input.call, { model: spec.judge, messages }, {
    onDelta: (delta) => deliver(splitter.push(delta)),
  });
  if (!judge.ok) throw judgeFailure(spec, judge, members);
  deliver(splitter.end());
  if (text === '') throw judgeFailure(spec, { ...judge, error: 'the judge wrote no final answer' }, members);
  for (const member of answered) member.used = true;
  return { members, judge, text, finishReason: judge.finishReason, analysis: splitter.analysis(), chosen: null, scoresReadable: null };
}

/** The members' answers numbered in the order given; `texts` overrides an answer's text. */
function panelOf(shown: MemberRecord[], texts?: Map<MemberRecord, string>): PanelAnswer[] {
  return shown.map((member, position) => ({ number: position + 1, text: texts?.get(member) ?? (member.answer as ModelAnswer).text }));
}

/** A member's fate in a few words: the gateway's message with its status, or the timeout. */
export function fate(answer: ModelAnswer): string {
  const error = (answer.error ?? 'failed').replace(/[\r\n]+/g, ' ');
  return answer.status >= 400 ? `${answer.status} ${error}` : error;
}

function fates(members: MemberRecord[]): string {
  return members.map((member) => `${member.model}: ${member.dropped === null ? 'answered' : member.dropped}`).join('; ');
}

function quorumFailure(spec: FusionSpec, members: MemberRecord[], answered: number): GatewayError {
  const status = sharedFailureStatus(members.filter((member) => member.dropped !== null).map((member) => member.calls[0].status));
  const message = `fusion quorum not met: ${answered} of ${members.length} members answered, ${spec.minResponses} needed. ${fates(members)}`;
  return new GatewayError(bounded(message), { status, type: errorTypeOf(status), code: 'fusion_quorum_not_met' });
}

function judgeFailure(spec: FusionSpec, judge: ModelAnswer, members: MemberRecord[]): GatewayError {
  const status = sharedFailureStatus([judge.status]);
  const message = `the fusion judge ${spec.judge} failed: ${fate(judge)}. Members: ${fates(members)}`;
  return new GatewayError(bounded(message), { status, type: errorTypeOf(status), code: 'fusion_judge_failed' });
}

function bounded(message: string): string {
  return message.length > 4000 ? `${message.slice(0, 3997)}...` : message;
}
