// `modelmux compare`: one prompt (or a few) through several models on a running gateway, side by
// side, with the review panel's verdicts and the one-line recommendation; and the stored side:
// list, show, vote and win rates.
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

Options:
  --models A,B          the models to compare (2 to 8)
  --panel NAME          a panel from the gateway's config, "default" (builder, skeptic, futurist,
                        creator, founder) or "none"
  --judge MODEL         the model the personas run on (default: compare.judge in the config, else
                        the first compared model that answered)
  --system TEXT         a system message for every model
  --max-tokens N        answer length limit for every model
  --name TEXT           a label for the stored comparison
  --voter NAME          with vote: who votes (a voter's later vote replaces the earlier one)
  --note TEXT           with vote: why
  --team TEAM           with list and win-rates: only that team's comparisons
  --url URL             the gateway (env MODELMUX_URL; default http://127.0.0.1:4000)
  --key KEY             a virtual key, sent as a Bearer token (env MODELMUX_API_KEY)
  --json                print the gateway's JSON answer
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
    const maxTokens = values['max-tokens'] === undefined ? undefined : Number(values['max-tokens']);
    if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
      io.error('modelmux compare: --max-tokens takes a whole number above 0');
      return 2;
    }
    answer = await call(gateway, 'POST', '/v1/compare', {
      models: values.models!.split(',').map((model) => model.trim()).filter(Boolean),
      ...(positionals.length === 1 ? { prompt: positionals[0] } : { prompts: positionals }),
      panel: values.panel,
      judge: values.judge,
      system: values.system,
      max_tokens: maxTokens,
      name: values.name,
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
  return 0;
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
    const text = await response.body.text();
    try {
      return { status: response.statusCode, body: JSON.parse(text) as Record<string, any> };
    } catch {
      return { status: response.statusCode, body: { error: { message: `the gateway answered ${response.statusCode} with a body that is not JSON` } } };
    }
  } catch (error) {
    return { status: 0, body: { error: { message: `no gateway answered at ${gateway.url} (${(error as Error).message}); start one with \`modelmux serve\` or pass --url` } } };
  }
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
