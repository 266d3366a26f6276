// Large prompts through each codec: a user message of about 4 MB (about 1M tokens) sent one request
// at a time through modelmux along every translation path and the same-format relays, alternating
// with the same prompt sent to the simulator directly in the provider's own format (one keep-alive
// connection each, so drift on this shared machine hits both alike). Also messages -> chat at 1, 2
// and 4 MB, to see that the added latency grows linearly with the prompt (no quadratic copying).
// The client is this file run as a script (`node bench/large-prompt.ts '<series as JSON>'`), pinned
// to the load core like the load generator.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { summarise as percentiles } from './load/stats.ts';
import { readMemory } from './memory.ts';
import type { Plan } from './plan.ts';
import { pinnedNode } from './processes.ts';
import type { RunningTarget } from './targets/target.ts';

/** The body shapes: three client formats (chat, messages, responses) and five provider ones. */
export type WireFormat = 'chat' | 'messages' | 'responses' | 'gemini' | 'bedrock';

/** Where one side of a series sends its requests, in which shape, for which model. */
type Endpoint = { origin: string; format: WireFormat; model: string };

/** One series of sequential requests, run by the client process: direct and gateway in turn. */
type SeriesJob = {
  direct: Endpoint | null;
  gateway: Endpoint | null;
  /** How many times the 27-character phrase is repeated in the user message. */
  repeats: number;
  warmups: number;
  requests: number;
  /** The series stops starting requests after this long (a pathologically slow path stays bounded). */
  budgetMs: number;
};

type SideResult = { bodyBytes: number; samplesMs: number[]; errors: number; errorSamples: string[] };
type SeriesResult = { direct: SideResult | null; gateway: SideResult | null; stoppedEarly: boolean };

export type SeriesFigures = { samples: number; p50Ms: number; p90Ms: number; maxMs: number; errors: number; errorSamples: string[]; stoppedEarly: boolean };

export type LargePromptRow = {
  /** e.g. "messages -> chat". */
  path: string;
  kind: 'pass-through' | 'translated' | 'relay';
  client: WireFormat;
  provider: WireFormat;
  /** Nominal prompt size: 1, 2 or 4 (MiB of text). */
  megabytes: number;
  /** The client's request body through modelmux, in bytes. */
  bodyBytes: number;
  /** The same prompt sent to the simulator in the provider's own format, in turn with the modelmux requests. */
  direct: SeriesFigures | null;
  modelmux: SeriesFigures | null;
  /** modelmux median minus direct median. */
  addedP50Ms: number | null;
  /** modelmux p90 minus direct p90. */
  addedP90Ms: number | null;
  /** Peak RSS of the gateway while this series ran (VmHWM reset before it), in MiB. */
  peakRssMB: number | null;
};

export type LargePromptResult =
  | {
      available: true;
      phrase: string;
      repeatsAt4MB: number;
      /** Characters of the 4 MB prompt and its size in tokens at four characters per token. */
      characters: number;
      approximateTokens: number;
      warmups: number;
      requests: number;
      /** True if the gateway's peak RSS could be reset before each series; else the peaks are cumulative. */
      peakRssPerSeries: boolean;
      rssIdleMB: number | null;
      rows: LargePromptRow[];
      /** messages -> chat: added median at 1, 2 and 4 MB and the ratios (linear: 2 and 4; quadratic: 4 and 16). */
      linearity: { path: string; addedP50Ms: Record<'1' | '2' | '4', number | null>; ratio2to1: number | null; ratio4to1: number | null };
    }
  | { available: false; reason: string };

const phrase = 'lorem ipsum dolor sit amet ';
/** 155,000 x 27 characters = 4,185,000 characters: 3.99 MiB, about 1.05M tokens. */
const repeatsAt4MB = 155_000;
const answerTokens = 16;
/** Requests sent before any series: the simulator's request log holds 100. */
const primingRequests = 100;

function requestOf(format: WireFormat, model: string, text: string): { path: string; headers: Record<string, string>; body: unknown } {
  const json = { 'content-type': 'application/json' };
  switch (format) {
    case 'chat':
      return { path: '/v1/chat/completions', headers: { ...json, authorization: 'Bearer sk-bench' }, body: { model, messages: [{ role: 'user', content: text }], max_tokens: answerTokens } };
    case 'messages':
      return {
        path: '/v1/messages',
        headers: { ...json, 'x-api-key': 'sk-bench', 'anthropic-version': '2023-06-01' },
        body: { model, max_tokens: answerTokens, messages: [{ role: 'user', content: text }] },
      };
    case 'responses':
      return { path: '/v1/responses', headers: { ...json, authorization: 'Bearer sk-bench' }, body: { model, input: [{ role: 'user', content: text }], max_output_tokens: answerTokens } };
    case 'gemini':
      return {
        path: `/v1beta/models/${model}:generateContent`,
        headers: { ...json, 'x-goog-api-key': 'sk-bench' },
        body: { contents: [{ role: 'user', parts: [{ text }] }], generationConfig: { maxOutputTokens: answerTokens } },
      };
    case 'bedrock':
      return { path: `/model/${model}/converse`, headers: json, body: { messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { maxTokens: answerTokens } } };
  }
}

// ---- the client process ----

type Side = { client: Client; path: string; headers: Record<string, string>; body: Buffer; result: SideResult };

function openSide(endpoint: Endpoint, text: string): Side {
  const shape = requestOf(endpoint.format, endpoint.model, text);
  const body = Buffer.from(JSON.stringify(shape.body));
  const client = new Client(endpoint.origin, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  return { client, path: shape.path, headers: shape.headers, body, result: { bodyBytes: body.length, samplesMs: [], errors: 0, errorSamples: [] } };
}

async function send(side: Side, measured: boolean): Promise<void> {
  const started = process.hrtime.bigint();
  let problem: string | null = null;
  try {
    const response = await side.client.request({ path: side.path, method: 'POST', headers: side.headers, body: side.body });
    const text = await response.body.text();
    if (response.statusCode !== 200) problem = `HTTP ${response.statusCode}: ${text.slice(0, 200)}`;
    else if (!text.trimEnd().endsWith('}')) problem = `body is not a JSON object: ...${text.slice(-100)}`;
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (problem !== null) {
    side.result.errors++;
    if (side.result.errorSamples.length < 3) side.result.errorSamples.push(problem);
  } else if (measured) side.result.samplesMs.push(elapsedMs);
}

async function runSeries(job: SeriesJob): Promise<SeriesResult> {
  const text = phrase.repeat(job.repeats);
  const direct = job.direct === null ? null : openSide(job.direct, text);
  const gateway = job.gateway === null ? null : openSide(job.gateway, text);
  const deadline = Date.now() + job.budgetMs;
  let stoppedEarly = false;
  try {
    for (let index = 0; index < job.warmups + job.requests; index++) {
      if (Date.now() > deadline) {
        stoppedEarly = true;
        break;
      }
      const measured = index >= job.warmups;
      if (direct !== null) await send(direct, measured);
      if (gateway !== null) await send(gateway, measured);
    }
  } finally {
    await Promise.all([direct?.client.close(), gateway?.client.close()]);
  }
  return { direct: direct?.result ?? null, gateway: gateway?.result ?? null, stoppedEarly };
}

const scriptPath = fileURLToPath(import.meta.url);

if (process.argv[1] === scriptPath) {
  const job = JSON.parse(process.argv[2] ?? 'null') as SeriesJob;
  const guard = setTimeout(() => {
    console.error('large-prompt client: past its deadline, giving up');
    process.exit(3);
  }, job.budgetMs + 60_000);
  runSeries(job).then(
    (result) => {
      clearTimeout(guard);
      process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
    },
    (error: unknown) => {
      console.error(`large-prompt client: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}

// ---- the orchestrator side ----

function spawnSeries(job: SeriesJob, core: number): Promise<SeriesResult> {
  const [command, args] = pinnedNode(core, ['--max-old-space-size=1024', scriptPath, JSON.stringify(job)]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4_000)));
  const killer = setTimeout(() => child.kill('SIGKILL'), job.budgetMs + 90_000);
  const stopOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', stopOnExit);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      process.removeListener('exit', stopOnExit);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as SeriesResult);
      else reject(new Error(`large-prompt client failed (exit ${code ?? signal}): ${stderr.trim() || stdout.trim() || 'no output'}`));
    });
  });
}

function figuresOf(result: SideResult, stoppedEarly: boolean): SeriesFigures {
  const summary = percentiles(Float64Array.from(result.samplesMs, (ms) => ms * 1000));
  return { samples: summary.samples, p50Ms: summary.p50Ms, p90Ms: summary.p90Ms, maxMs: summary.maxMs, errors: result.errors, errorSamples: result.errorSamples, stoppedEarly };
}

type PathSpec = { path: string; kind: LargePromptRow['kind']; client: WireFormat; provider: WireFormat; model: string; megabytes: number };

/** Provider format -> the public model prefix routing to the simulator in that format. */
const prefixOf: Record<WireFormat, string> = { chat: 'chat', messages: 'claude', gemini: 'google', bedrock: 'aws', responses: 'responses' };
const providerName: Record<WireFormat, string> = { chat: 'chat', messages: 'anthropic', gemini: 'gemini', bedrock: 'bedrock', responses: 'responses' };

function pathOf(client: WireFormat, provider: WireFormat, megabytes = 4): PathSpec {
  const kind = client !== provider ? 'translated' : client === 'chat' ? 'pass-through' : 'relay';
  return { path: `${client} -> ${providerName[provider]}`, kind, client, provider, model: `${prefixOf[provider]}/fast`, megabytes };
}

const paths: PathSpec[] = [
  pathOf('chat', 'chat'),
  pathOf('messages', 'chat'),
  pathOf('chat', 'messages'),
  pathOf('chat', 'gemini'),
  pathOf('responses', 'bedrock'),
  pathOf('messages', 'responses'),
  pathOf('messages', 'messages'),
  pathOf('responses', 'responses'),
  pathOf('messages', 'chat', 1),
  pathOf('messages', 'chat', 2),
];

const megabytes = (bytes: number | null | undefined): number | null => (bytes === null || bytes === undefined ? null : bytes / 1048576);
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 200));

/** Sets the process's peak RSS (VmHWM) back to its current RSS (Linux >= 4.0); false if not allowed. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Starts a fresh gateway with `start`, measures every path on it, and stops it. */
export async function measureLargePrompts(
  start: () => Promise<RunningTarget>,
  simulatorUrl: string,
  plan: Plan,
  loadCore: number,
  say: (line: string) => void,
): Promise<LargePromptResult> {
  const warmups = plan.largePromptWarmups;
  const requests = plan.largePromptRequests;
  const budgetMs = plan.largePromptSeriesBudgetMs;
  const characters = phrase.length * repeatsAt4MB;
  say(`  ${(characters / 1048576).toFixed(2)} MiB of text (about ${Math.round(characters / 4).toLocaleString('en')} tokens), ${answerTokens}-token answers, non-streamed; per path ${warmups} warm-up + ${requests} requests direct and as many through modelmux, in turn, one keep-alive connection each`);
  const gateway = await start();
  say(`  modelmux at ${gateway.origin} (pid ${gateway.gatewayPid})`);
  const pid = gateway.gatewayPid;
  const rssIdleMB = pid === null ? null : megabytes(readMemory(pid)?.rssBytes);
  let peakRssPerSeries = pid !== null;
  const describe = (figures: SeriesFigures): string => {
    const errors = figures.errors > 0 ? `, ${figures.errors} errors (${figures.errorSamples.join(' | ')})` : '';
    const early = figures.stoppedEarly ? ', stopped early on its time budget' : '';
    return `p50 ${figures.p50Ms.toFixed(1)} ms, p90 ${figures.p90Ms.toFixed(1)} ms (${figures.samples} requests)${errors}${early}`;
  };
  const phaseDeadline = Date.now() + plan.largePromptBudgetMs;
  const rows: LargePromptRow[] = [];
  try {
    // The simulator keeps its last 100 request bodies (for tests), so its heap grows for the first
    // 100 large prompts and timings are erratic until then; the gateway's heap and code warm up too.
    const primingJob: SeriesJob = {
      direct: null,
      gateway: { origin: gateway.origin, format: 'chat', model: 'chat/fast' },
      repeats: repeatsAt4MB,
      warmups: primingRequests,
      requests: 0,
      budgetMs: 20_000,
    };
    const priming = await spawnSeries(primingJob, loadCore);
    const primingErrors = priming.gateway?.errors ?? 0;
    if (primingErrors > 0) throw new Error(`priming through modelmux failed: ${primingErrors} errors (${priming.gateway?.errorSamples.join(' | ')})`);
    say(`  primed with ${primingRequests} requests of 4 MB through modelmux (chat -> chat)${priming.stoppedEarly ? ', stopped early on its time budget' : ''}`);
    await settle();
    for (const spec of paths) {
      if (Date.now() >= phaseDeadline) {
        say(`  ${spec.path} @${spec.megabytes} MB: skipped, the phase used up its ${plan.largePromptBudgetMs / 1000} s`);
        continue;
      }
      if (pid !== null && peakRssPerSeries) peakRssPerSeries = resetPeakRss(pid);
      const result = await spawnSeries(
        {
          direct: { origin: simulatorUrl, format: spec.provider, model: 'fast' },
          gateway: { origin: gateway.origin, format: spec.client, model: spec.model },
          repeats: Math.round((repeatsAt4MB * spec.megabytes) / 4),
          warmups,
          requests,
          budgetMs: Math.max(1, Math.min(budgetMs, phaseDeadline - Date.now())),
        },
        loadCore,
      );
      const peakRssMB = pid === null ? null : megabytes(readMemory(pid)?.peakRssBytes);
      await settle();
      const direct = result.direct === null ? null : figuresOf(result.direct, result.stoppedEarly);
      const through = result.gateway === null ? null : figuresOf(result.gateway, result.stoppedEarly);
      const added = (pick: (figures: SeriesFigures) => number): number | null => {
        if (direct === null || through === null) return null;
        const value = pick(through) - pick(direct);
        return Number.isNaN(value) ? null : value;
      };
      const row: LargePromptRow = {
        path: spec.path,
        kind: spec.kind,
        client: spec.client,
        provider: spec.provider,
        megabytes: spec.megabytes,
        bodyBytes: result.gateway?.bodyBytes ?? 0,
        direct,
        modelmux: through,
        addedP50Ms: added((figures) => figures.p50Ms),
        addedP90Ms: added((figures) => figures.p90Ms),
        peakRssMB,
      };
      rows.push(row);
      const rss = peakRssMB === null ? '' : `, gateway peak RSS ${peakRssMB.toFixed(1)} MB`;
      say(`  ${spec.path} @${spec.megabytes} MB: direct ${direct === null ? '-' : describe(direct)}`);
      say(`    modelmux ${through === null ? '-' : describe(through)}, added p50 ${row.addedP50Ms === null ? '-' : row.addedP50Ms.toFixed(1)} ms${rss}`);
    }
  } finally {
    await gateway.stop();
  }
  if (!peakRssPerSeries) say('  note: the gateway peak RSS could not be reset between series, so each peak includes the earlier ones');
  const linear = (size: number): number | null => rows.find((row) => row.client === 'messages' && row.provider === 'chat' && row.megabytes === size)?.addedP50Ms ?? null;
  const [one, two, four] = [linear(1), linear(2), linear(4)];
  const ratio = (value: number | null, base: number | null): number | null => (value === null || base === null || base <= 0 ? null : value / base);
  return {
    available: true,
    phrase,
    repeatsAt4MB,
    characters,
    approximateTokens: Math.round(characters / 4),
    warmups,
    requests,
    peakRssPerSeries,
    rssIdleMB,
    rows,
    linearity: { path: 'messages -> chat', addedP50Ms: { '1': one, '2': two, '4': four }, ratio2to1: ratio(two, one), ratio4to1: ratio(four, one) },
  };
}
