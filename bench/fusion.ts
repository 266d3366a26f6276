// Fusion overhead, on loopback against the simulator: a pool of three members with fixed speeds
// (fast, medium, slow, set by x-sim-* headers on one provider each) and a judge of fixed speed.
// For every fusion it compares the client's wall time with the critical path the fusion cannot
// beat: the slowest used member of each stage (first answers, then each debate round) plus the
// judge, as the fusion measured those calls. Target: wall <= critical path * 1.05 + 2 ms. It also
// reports the time from the last member's answer to the judge's call and to the judge's first token,
// and, as an outside check, the slowest member and the judge called directly through the gateway.
// Run alone: node_modules/.bin/node bench/fusion.ts (about half a minute; writes bench/results/fusion.json).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { loadConfig } from '../src/config/load.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { closeAtOnce, createGateway } from '../src/http/server.ts';
import { createLogger } from '../src/telemetry/logger.ts';

const speeds = {
  fast: { ttftMs: 40, tokensPerSecond: 500, outputTokens: 20 },
  medium: { ttftMs: 80, tokensPerSecond: 500, outputTokens: 20 },
  slow: { ttftMs: 120, tokensPerSecond: 500, outputTokens: 20 },
  judge: { ttftMs: 60, tokensPerSecond: 500, outputTokens: 40 },
} as const;
const modes = ['best-of', 'merge', 'debate'] as const;
const warmups = 2;
const runsPerCase = 8;
const targetPercent = 5;
const targetMs = 2;

type Run = {
  wallMs: number;
  /** Streams: the first content byte at the client. */
  clientFirstTokenMs: number | null;
  criticalPathMs: number;
  overheadMs: number;
  /** Last member's answer -> the judge's call leaves. */
  judgeStartGapMs: number;
  /** Last member's answer -> the judge's first token (includes the judge's own simulated TTFT). */
  judgeFirstTokenAfterLastMemberMs: number | null;
  judgeTtftMs: number | null;
};

type Case = { mode: (typeof modes)[number]; stream: boolean; runs: Run[] };

export type FusionBenchCase = ReturnType<typeof summarise>[number];
export type FusionBenchResult = { cases: FusionBenchCase[]; outside: { slowMemberP50Ms: number; judgePlusSlowP50Ms: number } };

/** Runs every mode, whole and streamed, on its own simulator and in-process gateway. */
export async function measureFusion(say: (line: string) => void): Promise<FusionBenchResult> {
  const simulator = await startSimulator({ port: 0, knobs: { ttftMs: 0, tokensPerSecond: 0 } });
  const directory = mkdtempSync(join(tmpdir(), 'modelmux-bench-fusion-'));
  const configPath = join(directory, 'modelmux.yaml');
  writeFileSync(configPath, configText(simulator.url));
  const gateway = createGateway(loadConfig({ path: configPath, env: {} }), { logger: createLogger('error') });
  const address = await gateway.listen();
  const baseUrl = `http://127.0.0.1:${address.port}`;
  try {
    const cases: Case[] = [];
    for (const mode of modes) {
      for (const stream of [false, true]) {
        for (let index = 0; index < warmups; index++) await fusion(baseUrl, mode, stream);
        const runs: Run[] = [];
        for (let index = 0; index < runsPerCase; index++) runs.push(await fusion(baseUrl, mode, stream));
        cases.push({ mode, stream, runs });
        say(`  ${mode} ${stream ? 'streamed' : 'whole'}: ${runs.length} fusions`);
      }
    }
    const direct = { slow: await directCalls(baseUrl, 'slow'), judge: await directCalls(baseUrl, 'judge') };
    const slowMemberP50Ms = median(direct.slow);
    return { cases: summarise(cases), outside: { slowMemberP50Ms, judgePlusSlowP50Ms: slowMemberP50Ms + median(direct.judge) } };
  } finally {
    await gateway.close(closeAtOnce);
    await simulator.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureFusion((line) => console.error(line));
  console.log(fusionTable(result));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const path = new URL('./results/fusion.json', import.meta.url);
  writeFileSync(path, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, speeds, target: { percent: targetPercent, ms: targetMs }, ...result }, null, 2)}\n`);
  console.log(`\nwrote ${path.pathname}`);
}

async function fusion(baseUrl: string, mode: string, stream: boolean): Promise<Run> {
  const body = { model: `fusion/${mode}`, messages: [{ role: 'user', content: 'Name three uses of a paperclip.' }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) };
  const startedAt = performance.now();
  const response = await request(`${baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let clientFirstTokenMs: number | null = null;
  let text = '';
  for await (const chunk of response.body) {
    const piece = (chunk as Buffer).toString('utf8');
    if (clientFirstTokenMs === null && stream && piece.includes('"content":"')) clientFirstTokenMs = performance.now() - startedAt;
    text += piece;
  }
  const wallMs = performance.now() - startedAt;
  if (response.statusCode !== 200) throw new Error(`fusion ${mode} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  const block = stream ? blockOfStream(text) : (JSON.parse(text) as { fusion: FusionBlock }).fusion;
  const criticalPathMs = criticalPath(block);
  return {
    wallMs,
    clientFirstTokenMs,
    criticalPathMs,
    overheadMs: wallMs - criticalPathMs,
    judgeStartGapMs: block.timings.judge_started_ms - block.timings.members_done_ms,
    judgeFirstTokenAfterLastMemberMs: block.timings.judge_first_token_ms === null ? null : block.timings.judge_first_token_ms - block.timings.members_done_ms,
    judgeTtftMs: block.judge.ttft_ms,
  };
}

type CallFigures = { latency_ms: number; ttft_ms: number | null; ok: boolean };
type FusionBlock = {
  members: (CallFigures & { used: boolean; dropped: string | null; revisions?: { ok: boolean; latency_ms: number }[] })[];
  judge: CallFigures;
  timings: { members_done_ms: number; judge_started_ms: number; judge_first_token_ms: number | null };
};

/** The slowest answering member of each stage, plus the judge. */
function criticalPath(block: FusionBlock): number {
  const answered = block.members.filter((member) => member.dropped === null);
  let total = Math.max(...answered.map((member) => member.latency_ms));
  const rounds = Math.max(0, ...answered.map((member) => member.revisions?.length ?? 0));
  for (let round = 0; round < rounds; round++) total += Math.max(...answered.map((member) => member.revisions?.[round]?.latency_ms ?? 0));
  return total + block.judge.latency_ms;
}

function blockOfStream(text: string): FusionBlock {
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice(6)) as { fusion?: FusionBlock };
    if (chunk.fusion) return chunk.fusion;
  }
  throw new Error('the stream carried no fusion block');
}

/** One model called on its own through the gateway, streamed to the end, for the outside check. */
async function directCalls(baseUrl: string, model: string): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < warmups + runsPerCase; index++) {
    const startedAt = performance.now();
    const response = await request(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Name three uses of a paperclip.' }], stream: true, stream_options: { include_usage: true } }),
    });
    await response.body.text();
    if (index >= warmups) samples.push(performance.now() - startedAt);
  }
  return samples;
}

function summarise(cases: Case[]) {
  return cases.map(({ mode, stream, runs }) => {
    const withinTarget = runs.filter((run) => run.wallMs <= run.criticalPathMs * (1 + targetPercent / 100) + targetMs).length;
    return {
      mode,
      stream,
      runs: runs.length,
      wallP50Ms: median(runs.map((run) => run.wallMs)),
      criticalPathP50Ms: median(runs.map((run) => run.criticalPathMs)),
      overheadP50Ms: median(runs.map((run) => run.overheadMs)),
      overheadMaxMs: Math.max(...runs.map((run) => run.overheadMs)),
      overheadP50Percent: median(runs.map((run) => (100 * run.overheadMs) / run.criticalPathMs)),
      withinTarget,
      judgeStartGapP50Ms: median(runs.map((run) => run.judgeStartGapMs)),
      lastMemberToJudgeFirstTokenP50Ms: median(runs.flatMap((run) => (run.judgeFirstTokenAfterLastMemberMs === null ? [] : [run.judgeFirstTokenAfterLastMemberMs]))),
      judgeTtftP50Ms: median(runs.flatMap((run) => (run.judgeTtftMs === null ? [] : [run.judgeTtftMs]))),
      clientFirstTokenP50Ms: stream ? median(runs.flatMap((run) => (run.clientFirstTokenMs === null ? [] : [run.clientFirstTokenMs]))) : null,
      samples: runs,
    };
  });
}

/** The table and the outside check, as printed. */
export function fusionTable(result: FusionBenchResult): string {
  const header = ['mode', 'stream', 'runs', 'wall p50 ms', 'critical path p50 ms', 'overhead p50 ms', 'overhead p50 %', 'overhead max ms', 'within 5% + 2 ms', 'last member -> judge call p50 ms', 'last member -> judge 1st token p50 ms'];
  const table = result.cases.map((row) => [
    row.mode,
    row.stream ? 'yes' : 'no',
    String(row.runs),
    fixed(row.wallP50Ms),
    fixed(row.criticalPathP50Ms),
    fixed(row.overheadP50Ms),
    fixed(row.overheadP50Percent),
    fixed(row.overheadMaxMs),
    `${row.withinTarget}/${row.runs}`,
    fixed(row.judgeStartGapP50Ms, 2),
    fixed(row.lastMemberToJudgeFirstTokenP50Ms),
  ]);
  const speedsText = Object.entries(speeds).map(([name, speed]) => `${name} ttft ${speed.ttftMs} ms, ${speed.outputTokens} tokens at ${speed.tokensPerSecond}/s`).join('; ');
  return `${markdown(header, table)}\n\nOutside check: the slow member alone ${fixed(result.outside.slowMemberP50Ms)} ms + the judge alone = ${fixed(result.outside.judgePlusSlowP50Ms)} ms (p50, streamed through the gateway).\nSimulated speeds: ${speedsText}. The judge's TTFT is part of "last member -> judge 1st token".`;
}

function configText(simulatorUrl: string): string {
  const providers = Object.entries(speeds).map(
    ([name, speed]) => `  - id: sim-${name}
    type: openai-compatible
    base_url: ${simulatorUrl}/v1
    api_key: sk-bench-not-secret
    headers: { x-sim-ttft-ms: "${speed.ttftMs}", x-sim-tokens-per-second: "${speed.tokensPerSecond}", x-sim-output-tokens: "${speed.outputTokens}" }
    models: [{ id: ${name}, upstream: ${name}-upstream, input_price: 1, output_price: 2 }]
    catalog: false`,
  );
  const fusions = modes.map((mode) => `  ${mode}: { pool: [fast, medium, slow], judge: judge, mode: ${mode}, rounds: 1, min_responses: 3 }`);
  return `server:\n  log_level: error\n  discover_local: false\nrouting:\n  catalog: none\nproviders:\n${providers.join('\n')}\nfusions:\n${fusions.join('\n')}\n`;
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function fixed(value: number | null, digits = 1): string {
  return value === null || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function markdown(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
