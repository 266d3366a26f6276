// What the judge and the debating members are asked. The judge reads the conversation as a
// transcript and the answers as numbered, anonymous blocks (no model names: a judge that knows
// who wrote what favours the famous); members of a debate stay in their own conversation and get
// the others' answers as a new user turn. Every block and tag carries the request's random markers
// (answer-blocks.ts), so an answer can neither forge another block nor the judge's final answer.
import type { ChatRequest, ResponseFormat } from '../protocol/ir.ts';
import { answerBlock, dataRule, neutralised } from './answer-blocks.ts';
import type { Markers } from './answer-blocks.ts';

export interface PanelAnswer {
  /** 1-based, as the judge sees it. */
  number: number;
  text: string;
}

export type ChatMessage = Record<string, unknown>;

/** best-of: the judge scores each answer 0-100 with a one-line reason, as JSON. */
export function scoringMessages(transcript: string, answers: PanelAnswer[], criteria: string, markers: Markers): ChatMessage[] {
  // The shape only: an example that names a `best` (or a score) would nudge the judge towards it.
  const shape = `{"scores":[${answers.map((answer) => `{"answer":${answer.number},"score":<0-100>,"reason":"<one short line>"}`).join(',')}],"best":<number>}`;
  const system = [
    'You are the judge of a panel of AI models. Each model answered the same conversation independently.',
    `The answers are numbered 1 to ${answers.length} in no particular order. Score every answer from 0 to 100 as the final reply to the user, weighing: ${criteria}.`,
    'Be strict: a confident answer with a factual error scores below a modest correct one.',
    dataRule(markers),
    `Reply with JSON only, no prose before or after it, in exactly this shape: ${shape}`,
    'Give every answer a score and a one-line reason; `best` is the number of the answer you would send to the user.',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `${conversationBlock(transcript, markers)}\n\n${answerBlocks(answers, markers)}\n\nScore the ${answers.length} answers now, as JSON.` },
  ];
}

/** merge and debate: a structured analysis, then the final answer written from it. */
export function mergeMessages(transcript: string, answers: PanelAnswer[], criteria: string, markers: Markers, options: { debateRounds: number; responseFormat?: ResponseFormat }): ChatMessage[] {
  const origin =
    options.debateRounds > 0
      ? `Each model answered the same conversation, then saw the others' answers and revised its own (${options.debateRounds} round${options.debateRounds > 1 ? 's' : ''}); these are their final answers.`
      : 'Each model answered the same conversation independently.';
  const system = [
    `You are the judge of a panel of AI models. ${origin}`,
    `Read the answers critically and write the best possible reply to the user, weighing: ${criteria}.`,
    dataRule(markers),
    '',
    `First write your analysis between <${markers.analysis}> and </${markers.analysis}>, under these five headings:`,
    'Consensus: what the answers agree on.',
    'Contradictions: where they disagree, which side is right, and why.',
    'Coverage gaps: what some answers cover and others miss.',
    'Unique insights: valuable points only one answer makes.',
    'Blind spots: what every answer missed or got wrong.',
    '',
    `Then, after </${markers.analysis}>, write the final reply between <${markers.finalAnswer}> and </${markers.finalAnswer}>. It is sent to the user as is:`,
    "write it as your own reply to the conversation, in the user's language and the form they expect,",
    'correct what the panel got wrong, and never mention the panel, the answers or your analysis.',
    ...formatRule(options.responseFormat),
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `${conversationBlock(transcript, markers)}\n\n${answerBlocks(answers, markers)}\n\nWrite the analysis, then the final reply.` },
  ];
}

/** debate: the member's own conversation, its last answer, and the others' answers to weigh. Its
 * own answer goes back whole: the member wrote it within its own limits. */
export function revisionMessages(conversation: ChatMessage[], ownAnswer: string, others: PanelAnswer[], markers: Markers): ChatMessage[] {
  const prompt = [
    'Other models answered the same request independently. Their answers:',
    '',
    answerBlocks(others, markers),
    '',
    dataRule(markers),
    '',
    'Reconsider your answer in the light of theirs: keep what you got right, correct what they show you got wrong,',
    'and add what they cover that you missed. Do not give in to the majority where you are confident it is wrong.',
    'Reply with your complete revised answer only, as a reply to the original request, without mentioning the other answers.',
  ].join('\n');
  return [...conversation, { role: 'assistant', content: ownAnswer }, { role: 'user', content: prompt }];
}

/** The conversation as the judge reads it: each turn under its role, media and tool traffic named. */
export function transcriptOf(request: ChatRequest): string {
  const turns: string[] = [];
  for (const part of request.system) turns.push(`[system]\n${part.text}`);
  for (const message of request.messages) {
    const pieces: string[] = [];
    if (message.role === 'tool') {
      for (const result of message.content) pieces.push(`(result of tool call ${result.toolCallId}) ${result.content.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join('\n')}`);
    } else {
      for (const part of message.content) {
        if (part.type === 'text' || part.type === 'refusal') pieces.push(part.text);
        else if (part.type === 'tool-call') pieces.push(`(called tool ${part.name} with ${part.arguments})`);
        else if (part.type === 'image' || part.type === 'document') pieces.push(`[${part.type}]`);
      }
    }
    if (pieces.length > 0) turns.push(`[${message.role}]\n${pieces.join('\n')}`);
  }
  return turns.join('\n\n');
}

function conversationBlock(transcript: string, markers: Markers): string {
  return `The conversation so far:\n<${markers.conversation}>\n${neutralised(transcript, markers)}\n</${markers.conversation}>`;
}

function answerBlocks(answers: PanelAnswer[], markers: Markers): string {
  return answers.map((answer) => answerBlock(markers, String(answer.number), answer.text)).join('\n\n');
}

function formatRule(format: ResponseFormat | undefined): string[] {
  if (!format || format.type === 'text') return [];
  if (format.type === 'json') return ['The user asked for JSON: the final reply must be one valid JSON value and nothing else.'];
  return [`The user asked for JSON matching this schema: ${JSON.stringify(format.schema)}. The final reply must be only such JSON.`];
}
