// A Chat Completions provider for comparison tests. Its models answer with a quality marker, and its
// judge model reads the markers back out of a persona's request and replies with the JSON reviews a
// real judge would write, so the panel's arithmetic can be checked end to end.
//
// Answer models (by upstream name):
//   good  "[quality:90]", at once          okay  "[quality:55]", `slowMs` after its request and
//                                          not before the last `good` requested has answered
//   poor  "[quality:20]", at once          fails  a 503 with an OpenAI error body
// Judge models: `judge` reviews (fenced in prose for the creator, bare JSON for the others) and
// replies in prose to a persona named `mumbler`; `judge-down` fails with a 500.
// Persona scores are the marker plus an offset (skeptic -25, futurist -10, creator +10), clamped;
// ship when the score is at least 50. So 90 is Ship (5/5), 55 is Mixed (3/5) and 20 is Skip (0/5).
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CompareProvider {
  server: Server;
  /** Base URL, ending in /v1. */
  url: string;
  requests: { model: string; headers: IncomingHttpHeaders; body: Record<string, any> }[];
  close(): Promise<void>;
}

export const slowMs = 50;
const qualities: Record<string, number> = { good: 90, okay: 55, poor: 20 };
const personaOffsets: Record<string, number> = { skeptic: -25, futurist: -10, creator: 10 };

export async function startCompareProvider(): Promise<CompareProvider> {
  const requests: CompareProvider['requests'] = [];
  // `okay` is slower than `good` by order, not only by a delay a loaded machine could swallow.
  let goodAnswered: Promise<void> = Promise.resolve();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
      const model = String(body.model);
      requests.push({ model, headers: request.headers, body });
      if (model === 'fails' || model === 'judge-down') {
        response.writeHead(model === 'fails' ? 503 : 500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `scripted failure of ${model}`, type: 'server_error' } }));
        return;
      }
      const text = model.startsWith('judge') ? judgeReply(body) : answerReply(model, body);
      if (model === 'good') {
        goodAnswered = new Promise((resolve) => response.once('close', resolve));
        reply(response, body, model, text);
      } else if (model === 'okay') {
        const delay = new Promise((resolve) => setTimeout(resolve, slowMs));
        void Promise.all([goodAnswered, delay]).then(() => reply(response, body, model, text));
      } else {
        reply(response, body, model, text);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function answerReply(model: string, body: Record<string, any>): string {
  const messages = body.messages as { role: string; content: string }[];
  const prompt = messages.at(-1)?.content ?? '';
  return `You asked: ${prompt}. Here is a considered answer. [quality:${qualities[model] ?? 50}]`;
}

/** Reviews every answer block of the persona's request by its quality marker. */
function judgeReply(body: Record<string, any>): string {
  const [system, user] = body.messages as { content: string }[];
  const persona = /You are the (\S+) on a review panel/.exec(system.content)?.[1] ?? 'unknown';
  if (persona === 'mumbler') return 'I read them all and they seem fine to me, mostly.';
  const reviews = [...user.content.matchAll(/<answer_\w+ label="([A-H])">\n[\s\S]*?\[quality:(\d+)\]/g)].map(([, label, quality]) => {
    const score = Math.max(0, Math.min(100, Number(quality) + (personaOffsets[persona] ?? 0)));
    return { answer: label, score, verdict: score >= 50 ? 'ship' : 'skip', take: `${persona} gives ${label} ${score}` };
  });
  const json = JSON.stringify({ reviews });
  return persona === 'creator' ? `Here is my review.\n\`\`\`json\n${json}\n\`\`\`\nHope it helps.` : json;
}

function reply(response: import('node:http').ServerResponse, body: Record<string, any>, model: string, text: string): void {
  const usage = { prompt_tokens: Math.ceil(JSON.stringify(body.messages).length / 4), completion_tokens: text.split(' ').length, total_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  if (!body.stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: 'chatcmpl-cmp', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-cmp', object: 'chat.completion.chunk', created: 1, model, choices, ...extra })}\n\n`;
  const events = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
  // A few deltas, so the answer is assembled from pieces as a real stream's is.
  for (const piece of text.match(/.{1,24}/gs) ?? []) events.push(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
  events.push(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
  if (body.stream_options?.include_usage) events.push(chunk([], { usage }));
  events.push('data: [DONE]\n\n');
  response.end(events.join(''));
}
