// A Chat Completions provider for fusion tests, scripted per model: each model answers with its own
// text (or a function of the request), after a delay, streamed token by token, or fails, stalls or
// answers nothing. The default judge reads the prompt it is given: it scores answers by the
// `quality:NN` marker they carry (best-of), or writes an analysis and a merged final answer in the
// tags its prompt names (they carry the request's random part).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderConfig } from '../src/config/types.ts';
import { defaultTimeouts } from '../src/config/types.ts';
import { provider } from './stack.ts';

export interface Behaviour {
  /** The answer; a function gets the request body. Default: `answer from <model> quality:50`.
   * A debate revision answers `revised by <model> after reading N other answers`, unless
   * `revision` says otherwise. */
  text?: string | ((body: Record<string, unknown>) => string);
  /** A debate revision's answer, from the revision request's body. */
  revision?: (body: Record<string, unknown>) => string;
  /** Before the response headers. */
  delayMs?: number;
  /** Between streamed tokens. */
  tokenDelayMs?: number;
  /** Answer with this error status instead. */
  status?: number;
  /** Read the request and never answer. */
  stall?: boolean;
  /** Streams: after this many tokens, wait for `gate` before the rest. */
  gateAfter?: number;
  gate?: Promise<void>;
}

export interface SeenRequest {
  model: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** Order of arrival, across all requests. */
  order: number;
}

export interface FusionProvider {
  server: Server;
  url: string;
  behaviours: Record<string, Behaviour>;
  requests: SeenRequest[];
  /** Order numbers at which each model's answer was completely sent. */
  finished: { model: string; order: number }[];
  /** Models whose caller hung up before the answer was complete. */
  abandoned: string[];
  /** A provider config serving the given models at these prices (USD per 1M tokens). */
  config(id: string, models: string[]): ProviderConfig;
  close(): Promise<void>;
}

export async function startFusionProvider(behaviours: Record<string, Behaviour> = {}): Promise<FusionProvider> {
  let counter = 0;
  const state: FusionProvider = {
    server: null as unknown as Server,
    url: '',
    behaviours,
    requests: [],
    finished: [],
    abandoned: [],
    config: (id, models) => provider(id, state.url, defaultTimeouts, models.map((model) => ({ id: model, upstream: model, inputPrice: 1, outputPrice: 2 }))),
    close: () =>
      new Promise<void>((resolve) => {
        state.server.closeAllConnections();
        state.server.close(() => resolve());
      }),
  };
  state.server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const model = String(body.model);
      state.requests.push({ model, body, headers: request.headers, order: counter++ });
      response.on('close', () => {
        if (!response.writableFinished) state.abandoned.push(model);
      });
      void answer(state, model, body, response, () => state.finished.push({ model, order: counter++ }));
    });
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/v1`;
  return state;
}

async function answer(state: FusionProvider, model: string, body: Record<string, unknown>, response: import('node:http').ServerResponse, done: () => void): Promise<void> {
  const behaviour = state.behaviours[model] ?? {};
  if (behaviour.stall) return;
  if (behaviour.delayMs) await sleep(behaviour.delayMs);
  if (response.destroyed) return;
  if (behaviour.status) {
    response.writeHead(behaviour.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: `scripted failure of ${model}`, type: 'server_error', code: null } }));
    return done();
  }
  const text = isRevision(body)
    ? (behaviour.revision?.(body) ?? defaultText(model, body))
    : behaviour.text === undefined ? defaultText(model, body) : typeof behaviour.text === 'function' ? behaviour.text(body) : behaviour.text;
  const tokens = text === '' ? [] : (text.match(/\s*\S+/g) ?? [text]);
  const usage = { prompt_tokens: Math.ceil(JSON.stringify(body.messages).length / 4), completion_tokens: tokens.length, total_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  if (body.stream !== true) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: `chatcmpl-${model}`, object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
    return done();
  }
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id: `chatcmpl-${model}`, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  response.write(chunk({ role: 'assistant', content: '' }));
  for (const [index, token] of tokens.entries()) {
    if (behaviour.gate && index === behaviour.gateAfter) await behaviour.gate;
    if (behaviour.tokenDelayMs) await sleep(behaviour.tokenDelayMs);
    if (response.destroyed) return;
    response.write(chunk({ content: token }));
  }
  response.write(chunk({}, 'stop'));
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) response.write(`data: ${JSON.stringify({ id: `chatcmpl-${model}`, object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`);
  response.end('data: [DONE]\n\n');
  done();
}

/** A debate's revision prompt gets the scripted revision, whatever the model's own text. */
function isRevision(body: Record<string, unknown>): boolean {
  const messages = body.messages as { content: unknown }[];
  return String(messages.at(-1)?.content ?? '').includes('Reconsider your answer');
}

/** Members say who they are and carry a quality marker; the judge follows its instructions. */
function defaultText(model: string, body: Record<string, unknown>): string {
  const messages = body.messages as { role: string; content: unknown }[];
  const system = messages.find((message) => message.role === 'system')?.content;
  const last = String(messages.at(-1)?.content ?? '');
  if (typeof system === 'string' && system.includes('Score every answer')) return scoresFor(last);
  if (typeof system === 'string' && /<final_answer_\w+>/.test(system)) return mergedFrom(system, last);
  if (last.includes('Reconsider your answer')) return `revised by ${model} after reading ${countAnswers(last)} other answers quality:60`;
  return `answer from ${model} quality:50`;
}

/** The answers of a judge's or debater's prompt, by number, as the prompt shows them. */
export function answersIn(prompt: string): { number: number; text: string }[] {
  return [...prompt.matchAll(/<(answer_\w+) label="(\d+)">\n([\s\S]*?)\n<\/\1>/g)].map(([, , number, text]) => ({ number: Number(number), text }));
}

/** The tag names a merging judge was asked to write, from its system prompt. */
export function judgeTags(system: string): { analysis: string; finalAnswer: string } {
  return { analysis: /<(analysis_\w+)>/.exec(system)?.[1] ?? 'analysis', finalAnswer: /<(final_answer_\w+)>/.exec(system)?.[1] ?? 'final_answer' };
}

/** A merging judge's reply in the tags its prompt names. */
export function judgeReply(system: string, analysis: string, answer: string): string {
  const tags = judgeTags(system);
  return `<${tags.analysis}>\n${analysis}\n</${tags.analysis}>\n<${tags.finalAnswer}>\n${answer}\n</${tags.finalAnswer}>`;
}

/** Scores each numbered answer by its `quality:NN` marker, as JSON wrapped in a code fence. */
export function scoresFor(prompt: string): string {
  const scores = answersIn(prompt).map(({ number, text }) => {
    const quality = /quality:(\d+)/.exec(text);
    return { answer: number, score: quality ? Number(quality[1]) : 10, reason: `marked ${quality ? quality[1] : 'nothing'}` };
  });
  const best = [...scores].sort((left, right) => right.score - left.score)[0]?.answer ?? 1;
  return 'Here are the scores:\n```json\n' + JSON.stringify({ scores, best }) + '\n```';
}

function mergedFrom(system: string, prompt: string): string {
  const count = countAnswers(prompt);
  return judgeReply(system, `Consensus: all ${count} answers agree.\nContradictions: none.\nCoverage gaps: none.\nUnique insights: none.\nBlind spots: none.`, `merged answer from ${count} answers`);
}

function countAnswers(prompt: string): number {
  return answersIn(prompt).length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
