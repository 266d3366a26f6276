// `modelmux compare`: one prompt (or a few) through several models on a running gateway, side by
// side, with the review panel's verdicts and the one-line recommendation; and the stored side:
// list, show (with the votes), vote and win rates. A comparison is asked for as a stream, so each
// model's answer and each persona's review shows on stderr as it comes instead of a silent minute.
import { parseArgs } from 'node:util';
import { request } from 'undici';
import type { CommandIo } from './io.ts';
import { processIo } from './io.ts';
import { formatTable } from './table.ts';

const usage = `Usage: modelmux compare --models A,B[,C...] "PROMPT" ["PROMPT" ...] [options]
       modelmux compare list | show ID | vote ID MODEL|tie | win-rates [options]

Runs each prompt through 2 to 8 models on a running gateway (POST /v1/compare), side by side: latency,
time to first token, tokens and cost, then a review panel of judge personas scores every answer and
gives each model a verdict (Ship / Mixed / Skip) and the split, and says which one to ship with.
While it runs, a line on stderr tells each model's answer and each persona's review as they come.

Options:
  --models A,B          the models to compare (2 to 8)
  --panel NAME          a panel from the gateway's config, "default" (builder, skeptic, futurist,
                        creator, founder) or "none"
  --judge MODEL         the model the personas run on (default: compare.judge in the config, else
                        the first compared model that answered)
  --system TEXT         a system message for every model
  --max-tokens N        answer length limit for every model
  --timeout DURATION    per call, answers and reviews alike: 90, 90s, 1500ms or 2m (1s to 10m;
                        default 120s); a call past it counts as failed
  --provider P          routing preferences for every call: a JSON object as the API's \`provider\`
                        ('{"order":["groq"],"allow_fallbacks":false}'), or providers A,B to use
                        only those
  --name TEXT           a label for the stored comparison
  --voter NAME          with vote: who votes (a voter's later vote replaces the earlier one)
  --note TEXT           with vote: why
  --team TEAM           with list and win-rates: only that team's comparisons
  --url URL             the gateway (env MODELMUX_URL; default http://127.0.0.1:4000)
  --key KEY             a virtual key, sent as a Bearer token (env MODELMUX_API_KEY)
  --json                print the gateway's JSON answer (progress still goes to stderr)
  -h, --help            show this help`;

/** A comparison runs every model and then the panel; allow it far longer than an HTTP default. */
const requestTimeoutMs = 15 * 60_000;

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      models: { type: 'string' },
      panel: { type: 'string' },
      judge: { type: 'string' },
      system: { type: 'string' },
      'max-tokens': { type: 'string' },
      timeout: { type: 'string' },
      provider: { type: 'string' },
      name: { type: 'string' },
      voter: { type: 'string' },
      note: { type: 'string' },
      team: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const action = values.models === undefined ? positionals[0] : undefined;
  if (values.help || positionals.length === 0 || (action !== undefined && !isAction(action))) {
    io.log(usage);
    if (values.help) return 0;
    if (action !== undefined && !isAction(action)) io.error(`modelmux compare: --models is required to compare (or use list, show, vote, win-rates)`);
    return 2;
  }
  const gateway = { url: (values.url ?? io.env.MODELMUX_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''), key: values.key ?? io.env.MODELMUX_API_KEY ?? null };
  const team = values.team === undefined ? '' : `?team=${encodeURIComponent(values.team)}`;
  let answer: Answer;
  if (action === 'list') answer = await call(gateway, 'GET', `/v1/compare${team}`);
  else if (action === 'win-rates') answer = await call(gateway, 'GET', `/v1/compare/win-rates${team}`);
  else if (action === 'show' || action === 'vote') {
    const [, id, winner] = positionals;
    if (id === undefined || (action === 'vote' && winner === undefined)) {
      io.error(action === 'show' ? 'modelmux compare show ID' : 'modelmux compare vote ID MODEL|tie [--voter NAME] [--note TEXT]');
      return 2;
    }
    answer = action === 'show'
      ? await call(gateway, 'GET', `/v1/compare/${encodeURIComponent(id)}`)
      : await call(gateway, 'POST', `/v1/compare/${encodeURIComponent(id)}/votes`, { winner, voter: values.voter, note: values.note });
  } else {
    const options = readRunOptions(values);
    if (typeof options === 'string') {
      io.error(`modelmux compare: ${options}`);
      return 2;
    }
    answer = await streamComparison(io, gateway, {
      models: values.models!.split(',').map((model) => model.trim()).filter(Boolean),
      ...(positionals.length === 1 ? { prompt: positionals[0] } : { prompts: positionals }),
      panel: values.panel,
      judge: values.judge,
      system: values.system,
      max_tokens: options.maxTokens,
      timeout_ms: options.timeoutMs,
      provider: options.provider,
      name: values.name,
      stream: true,
    });
  }
  if (answer.status >= 400 || answer.body.error) {
    io.error(`modelmux compare: ${answer.body.error?.message ?? `the gateway answered ${answer.status}`}`);
    return 1;
  }
  if (values.json) io.log(JSON.stringify(answer.body, null, 2));
  else if (action === 'list') printList(io, answer.body);
  else if (action === 'win-rates') printWinRates(io, answer.body);
  else if (action === 'vote') io.log(`Recorded a vote for ${answer.body.winner} on ${answer.body.comparison_id}.`);
  else printComparison(io, answer.body);
  if (action === 'show' && !values.json) printVotes(io, answer.body);
  return 0;
}

interface RunOptions {
  maxTokens: number | undefined;
  timeoutMs: number | undefined;
  provider: Record<string, unknown> | undefined;
}

/** The options of a run, checked; a string says what is wrong. */
function readRunOptions(values: { 'max-tokens'?: string; timeout?: string; provider?: string }): RunOptions | string {
  const maxTokens = values['max-tokens'] === undefined ? undefined : Number(values['max-tokens']);
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) return '--max-tokens takes a whole number above 0';
  const timeoutMs = values.timeout === undefined ? undefined : durationMs(values.timeout);
  if (timeoutMs === null || (timeoutMs !== undefined && (timeoutMs < 1_000 || timeoutMs > 600_000))) return '--timeout takes a duration from 1s to 10m, e.g. 90, 90s, 1500ms or 2m';
  let provider: Record<string, unknown> | undefined;
  if (values.provider !== undefined) {
    const text = values.provider.trim();
    if (text.startsWith('{')) {
      try {
        provider = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return '--provider takes a JSON object (as the API\'s `provider`) or a list of providers A,B';
      }
    } else provider = { only: text.split(',').map((name) => name.trim()).filter(Boolean) };
  }
  return { maxTokens, timeoutMs, provider };
}

/** Milliseconds from `90` (seconds), `90s`, `1500ms` or `2m`; null when it is none of those. */
function durationMs(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (!match) return null;
  const factor = match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1_000;
  return Math.round(Number(match[1]) * factor);
}

type Answer = { status: number; body: Record<string, any> };

function isAction(word: string): boolean {
  return ['list', 'show', 'vote', 'win-rates'].includes(word);
}

async function call(gateway: { url: string; key: string | null }, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (gateway.key) headers.authorization = `Bearer ${gateway.key}`;
  if (body) headers['content-type'] = 'application/json';
  try {
    const response = await request(`${gateway.url}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined, headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs });
    return parsed(response.statusCode, await response.body.text());
  } catch (error) {
    return { status: 0, body: { error: { message: `no gateway answered at ${gateway.url} (${(error as Error).message}); start one with \`modelmux serve\` or pass --url` } } };
  }
}

/** POST /v1/compare with `stream: true`: progress lines on stderr as events arrive, the comparison
 * (or the error) as the answer. A gateway that answers with plain JSON (an error before the stream
 * began) is read as `call` reads it. */
async function streamComparison(io: CommandIo, gateway: { url: string; key: string | null }, body: Record<string, unknown>): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'text/event-stream', 'content-type': 'application/json' };
  if (gateway.key) headers.authorization = `Bearer ${gateway.key}`;
  try {
    const response = await request(`${gateway.url}/v1/compare`, { method: 'POST', headers, body: JSON.stringify(body), headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs });
    if (!String(response.headers['content-type'] ?? '').startsWith('text/event-stream')) return parsed(response.statusCode, await response.body.text());
    const report = progressReporter(io);
    let buffer = '';
    let result: Answer | null = null;
    for await (const chunk of response.body) {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const event = readEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event === null) continue;
        if (event.name === 'comparison') result = { status: 200, body: event.data };
        else if (event.name === 'error') result = { status: 500, body: event.data };
        else report(event.name, event.data);
      }
    }
    return result ?? { status: 0, body: { error: { message: 'the gateway ended the comparison stream without a result' } } };
  } catch (error) {
    return { status: 0, body: { error: { message: `no gateway answered at ${gateway.url} (${(error as Error).message}); start one with \`modelmux serve\` or pass --url` } } };
  }
}

function readEvent(text: string): { name: string; data: Record<string, any> } | null {
  let name = 'message';
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return null;
  try {
    return { name, data: JSON.parse(data.join('\n')) as Record<string, any> };
  } catch {
    return null;
  }
}

/** One line on stderr per step, so stdout keeps only the result. */
function progressReporter(io: CommandIo): (name: string, event: Record<string, any>) => void {
  let prompts = 1;
  const several = (count: number) => (count === 1 ? '' : 's');
  const prompt = (index: number) => (prompts > 1 ? ` (prompt ${index + 1})` : '');
  return (name, event) => {
    if (name === 'started') {
      prompts = event.prompts;
      const panel = event.panel === null ? 'no panel' : `then the ${event.panel} panel (${event.personas.join(', ')})`;
      io.error(`${event.id}: ${event.models.length} models, ${event.prompts} prompt${several(event.prompts)}, ${panel}`);
    } else if (name === 'answer') {
      io.error(event.ok ? `  ${event.model} answered${prompt(event.prompt)} in ${Math.round(event.latency_ms)} ms` : `  ${event.model} failed${prompt(event.prompt)}: ${event.error}`);
    } else if (name === 'panel') {
      io.error(`  panel: ${event.reviews} review${several(event.reviews)} on ${event.judge}`);
    } else if (name === 'review') {
      io.error(event.ok ? `  ${event.persona} reviewed${prompt(event.prompt)} in ${Math.round(event.latency_ms)} ms` : `  ${event.persona}${prompt(event.prompt)}: ${event.error}`);
    }
  };
}

function printVotes(io: CommandIo, comparison: Record<string, any>): void {
  const votes = (comparison.votes ?? []) as Record<string, any>[];
  if (votes.length === 0) {
    io.log(`\nNo votes yet: add one with modelmux compare vote ${comparison.id} MODEL|tie`);
    return;
  }
  const tally = Object.entries((comparison.vote_tally ?? {}) as Record<string, number>).sort((left, right) => right[1] - left[1]);
  io.log(`\nVotes (${votes.length}): ${tally.map(([winner, count]) => `${winner} ${count}`).join(', ')}`);
  const rows = votes.map((vote) => [
    new Date(vote.created_at * 1000).toISOString().slice(0, 16).replace('T', ' '),
    vote.winner,
    vote.voter ?? '-',
    vote.note === null ? '' : oneLine(vote.note, 80),
  ]);
  io.log(formatTable(['VOTED (UTC)', 'WINNER', 'VOTER', 'NOTE'], rows));
}

function printComparison(io: CommandIo, comparison: Record<string, any>): void {
  const prompts = comparison.prompts as string[];
  io.log(`Comparison ${comparison.id}${comparison.name ? ` "${comparison.name}"` : ''}: ${prompts.length === 1 ? `"${oneLine(prompts[0], 100)}"` : `${prompts.length} prompts`}`);
  io.log(comparison.panel ? `Panel: ${comparison.panel.name} (${comparison.panel.personas.map((persona: { name: string }) => persona.name).join(', ')}) on ${comparison.judge}\n` : 'Panel: none\n');
  const rows = (comparison.scoreboard as Record<string, any>[]).map((row) => [
    row.model,
    row.latency_ms === null ? '-' : String(Math.round(row.latency_ms)),
    row.ttft_ms === null ? '-' : String(Math.round(row.ttft_ms)),
    row.answered === 0 ? '-' : `${row.input_tokens}/${row.output_tokens}`,
    row.cost_usd === null ? '-' : `${row.cost_source === 'estimated' ? '~' : ''}$${formatUsd(row.cost_usd)}`,
    row.verdict ?? (row.answered === 0 ? 'failed' : '-'),
    row.verdict === null ? '' : row.split,
    row.average_score === null ? '-' : String(row.average_score),
  ]);
  io.log(formatTable(['MODEL', 'LATENCY MS', 'TTFT MS', 'TOKENS IN/OUT', 'COST', 'VERDICT', 'SPLIT', 'SCORE'], rows));
  for (const row of comparison.scoreboard as Record<string, any>[]) if (row.error) io.log(`  ${row.model} failed: ${row.error}`);
  const cards = comparison.scorecards as Record<string, any>[];
  if (cards.length > 0) {
    io.log('');
    io.log(formatTable(['PERSONA', 'MODEL', 'SCORE', 'VERDICT', 'TAKE'], cards.map((card) => [card.persona, card.model, String(card.score), card.verdict, oneLine(card.take, 90)])));
  }
  for (const review of comparison.reviews as Record<string, any>[]) if (!review.ok) io.log(`  ${review.persona}${prompts.length > 1 ? ` (prompt ${review.prompt + 1})` : ''}: ${review.error}`);
  const cost = comparison.cost;
  if (cost.total_usd !== null) io.log(`\nCost: $${formatUsd(cost.total_usd)} (answers $${formatUsd(cost.answers_usd ?? 0)}, panel $${formatUsd(cost.panel_usd ?? 0)})${cost.partial ? ', some costs unknown' : ''}`);
  io.log(`\nWhich one should you ship with? ${comparison.recommendation.text}`);
  if (comparison.stored) io.log(`Stored as ${comparison.id}; vote with: modelmux compare vote ${comparison.id} MODEL|tie`);
}

function parsed(status: number, text: string): Answer {
  try {
    return { status, body: JSON.parse(text) as Record<string, any> };
  } catch {
    return { status, body: { error: { message: `the gateway answered ${status} with a body that is not JSON` } } };
  }
}

function printList(io: CommandIo, list: Record<string, any>): void {
  const rows = (list.data as Record<string, any>[]).map((item) => [
    item.id,
    new Date(item.created_at * 1000).toISOString().slice(0, 16).replace('T', ' '),
    item.name ?? oneLine(item.prompt, 40),
    (item.models as string[]).join(', '),
    item.recommendation.model ?? '-',
    String(item.votes),
  ]);
  io.log(rows.length > 0 ? formatTable(['ID', 'CREATED (UTC)', 'NAME / PROMPT', 'MODELS', 'RECOMMENDED', 'VOTES'], rows) : 'No comparisons stored yet.');
  if (list.has_more) io.log(`More: GET /v1/compare?after=${list.last_id}`);
}

function printWinRates(io: CommandIo, list: Record<string, any>): void {
  const rows = (list.data as Record<string, any>[]).map((row) => [row.model, `${Math.round(row.win_rate * 100)}%`, String(row.wins), String(row.ties), String(row.losses), String(row.comparisons), String(row.votes)]);
  io.log(rows.length > 0 ? formatTable(['MODEL', 'WIN RATE', 'WINS', 'TIES', 'LOSSES', 'COMPARISONS', 'VOTES'], rows) : 'No votes yet: add one with modelmux compare vote ID MODEL|tie');
}

/** Four decimals, or three significant digits for fractions of a cent, without trailing zeros. */
function formatUsd(value: number): string {
  if (value === 0) return '0';
  const decimals = Math.min(12, Math.max(4, 2 - Math.floor(Math.log10(Math.abs(value)))));
  return value.toFixed(decimals).replace(/(\.\d*?[1-9])0+$/, '$1').replace(/\.0+$/, '');
}

function oneLine(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
