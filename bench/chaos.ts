// Chaos: failover under fire, from the issue: "three providers for one model, one failing all
// requests, one failing half, one slow; 10,000 requests: zero client-visible errors, and the report
// gives the added latency that failover cost". A fresh modelmux serves `chaos-model` from `dead`
// (every request 500), `flaky` (half 503, and the cheapest, so routing keeps being tempted by it) and
// `slow` (always answers, late). The cost is read against healthy twins on the same gateway:
// `calm-fast` answers like flaky when flaky answers, `calm-slow` like slow. Twin requests alternate
// with the chaos ones on the same connections, so drift on this shared machine hits both alike.
// Also a script (`node bench/chaos.ts [--quick]`): this phase alone, on its own simulator.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { runAlone } from './alone.ts';
import { checkChaosGoals } from './goals.ts';
import type { Plan } from './plan.ts';
import { serveModelmux } from './targets/modelmux.ts';
import { chaosTable, goalLines } from './table.ts';
import type { StartContext } from './targets/target.ts';

export type LatencyFigures = { samples: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };

/** The chaos requests one provider answered, against the healthy twin that answers the same way. */
export type ChaosPath = {
  servedBy: string;
  /** Answered after at least one failed attempt elsewhere (or on the same provider). */
  afterFailover: boolean;
  requests: number;
  chaos: LatencyFigures;
  baselineModel: string | null;
  baseline: LatencyFigures | null;
  addedP50Ms: number | null;
  addedP95Ms: number | null;
  addedP99Ms: number | null;
};

export type ChaosResult =
  | {
      available: true;
      /** e.g. "flaky: x-sim-fault 503, x-sim-fault-rate 0.5; $0.05/M". */
      providers: string[];
      requests: number;
      /** Chaos requests that finished (answered or failed); fewer than `requests` if stoppedEarly. */
      completed: number;
      baselineRequests: number;
      warmups: number;
      concurrency: number;
      streamedShare: number;
      stoppedEarly: boolean;
      durationS: number;
      /** Chaos and twin requests together: they share the connections and the gateway. */
      requestsPerSecond: number;
      errors: number;
      baselineErrors: number;
      errorSamples: string[];
      servedBy: Record<string, number>;
      /** Of the chaos requests that answered, by `x-modelmux-attempts`. */
      attempts: { one: number; two: number; threeOrMore: number; missing: number };
      failoverShare: number;
      chaos: LatencyFigures;
      paths: ChaosPath[];
    }
  | { available: false; reason: string };

const slowTtftMs = 20;
const streamEvery = 5;
type ProviderSpec = { id: string; model: string; price: number; headers: Record<string, string> };
const providers: ProviderSpec[] = [
  { id: 'dead', model: 'chaos-model', price: 0.1, headers: { 'x-sim-fault': '500' } },
  { id: 'flaky', model: 'chaos-model', price: 0.05, headers: { 'x-sim-fault': '503', 'x-sim-fault-rate': '0.5' } },
  { id: 'slow', model: 'chaos-model', price: 0.2, headers: { 'x-sim-ttft-ms': String(slowTtftMs) } },
  { id: 'calm-fast', model: 'calm-fast', price: 0.05, headers: {} },
  { id: 'calm-slow', model: 'calm-slow', price: 0.2, headers: { 'x-sim-ttft-ms': String(slowTtftMs) } },
];
const twinOf: Record<string, string> = { flaky: 'calm-fast', slow: 'calm-slow' };

function configYaml(simulatorUrl: string): string {
  const lines = ['server: { log_level: warn }', 'routing: { default: fastest }', 'providers:'];
  for (const provider of providers) {
    lines.push(
      `  - id: ${provider.id}`,
      '    type: openai-compatible',
      `    base_url: ${simulatorUrl}/v1`,
      '    discover_models: false',
      `    headers: ${JSON.stringify(provider.headers)}`,
      `    models: [ { id: ${provider.model}, upstream: fast, input_price: ${provider.price}, output_price: ${provider.price} } ]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function startGateway(context: StartContext): Promise<{ origin: string; pid: number; stop(): Promise<void> }> {
  return serveModelmux(context, { name: 'modelmux-chaos', config: configYaml(context.simulatorUrl), logLevel: 'warn', dataDir: join(context.workDirectory, 'chaos-ledger') });
}

type Outcome = { model: string; latencyMs: number; provider: string; attempts: number | null; problem: string | null };

async function send(pool: Pool, model: string, index: number, stream: boolean): Promise<Outcome> {
  // A different question each time: identical conversations would all stick to one provider.
  const body = { model, messages: [{ role: 'user', content: `Question ${index}: one sentence about load balancers.` }], max_tokens: 16, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) };
  const started = process.hrtime.bigint();
  const outcome: Outcome = { model, latencyMs: 0, provider: '-', attempts: null, problem: null };
  try {
    const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, body: JSON.stringify(body) });
    outcome.provider = String(response.headers['x-modelmux-provider'] ?? '-');
    const attempts = Number(response.headers['x-modelmux-attempts']);
    outcome.attempts = Number.isInteger(attempts) && attempts > 0 ? attempts : null;
    const text = await response.body.text();
    if (response.statusCode !== 200) outcome.problem = `HTTP ${response.statusCode}: ${text.slice(0, 300)}`;
    else if (stream && /^data: \{"error"/m.test(text)) outcome.problem = `error event in the stream: ${text.slice(text.indexOf('data: {"error"')).slice(0, 300)}`;
    else if (stream && !text.includes('data: [DONE]')) outcome.problem = `stream without [DONE]: ...${text.slice(-200)}`;
  } catch (error) {
    outcome.problem = error instanceof Error ? error.message : String(error);
  }
  outcome.latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
  return outcome;
}

/** Sends `total` requests with `concurrency` in flight; false if the deadline stopped it first. */
async function drive(total: number, concurrency: number, deadline: number, sendOne: (index: number) => Promise<void>): Promise<boolean> {
  let next = 0;
  let finished = true;
  const worker = async (): Promise<void> => {
    while (next < total) {
      if (Date.now() >= deadline) {
        finished = false;
        return;
      }
      await sendOne(next++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return finished;
}

function figuresOf(outcomes: Outcome[]): LatencyFigures {
  const sorted = Float64Array.from(outcomes.filter((outcome) => outcome.problem === null), (outcome) => outcome.latencyMs).sort();
  const at = (fraction: number): number => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]);
  return { samples: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: at(1) };
}

/** Starts a fresh gateway on the chaos configuration, runs the twins' warm-up then the measured run, and stops it. */
export async function measureChaos(context: StartContext, plan: Plan, say: (line: string) => void): Promise<ChaosResult> {
  const requests = plan.chaosRequests;
  const concurrency = plan.chaosConcurrency;
  const described = providers.map((provider) => `${provider.id}: ${Object.entries(provider.headers).map(([name, value]) => `${name} ${value}`).join(', ') || 'healthy'}; $${provider.price}/M`);
  say(`  ${described.join(' | ')}`);
  say(`  ${requests.toLocaleString('en')} chaos-model requests alternating with as many to the twins, ${concurrency} in flight, one in ${streamEvery} streamed; budget ${plan.chaosBudgetMs / 1000} s`);
  const gateway = await startGateway(context);
  say(`  modelmux at ${gateway.origin} (pid ${gateway.pid})`);
  const pool = new Pool(gateway.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const chaos: Outcome[] = [];
  const twins: Outcome[] = [];
  const deadline = Date.now() + plan.chaosBudgetMs;
  let started = 0;
  let finished = false;
  try {
    // Only the twins warm up: the chaos providers' breakers and figures start cold, as they would.
    await drive(plan.chaosWarmups, concurrency, deadline, async (index) => {
      await send(pool, index % 2 === 0 ? 'calm-fast' : 'calm-slow', index, Math.floor(index / 2) % streamEvery === 0);
    });
    started = performance.now();
    // Even indexes go to chaos-model, odd ones to the twins in turn; one in five of each streams.
    finished = await drive(2 * requests, concurrency, deadline, async (index) => {
      const turn = Math.floor(index / 2);
      if (index % 2 === 0) chaos.push(await send(pool, 'chaos-model', index, turn % streamEvery === 0));
      else twins.push(await send(pool, turn % 2 === 0 ? 'calm-fast' : 'calm-slow', index, Math.floor(turn / 2) % streamEvery === 0));
    });
  } finally {
    await pool.close();
    await gateway.stop();
  }
  const durationS = (performance.now() - started) / 1000;
  const failed = chaos.filter((outcome) => outcome.problem !== null);
  const answered = chaos.filter((outcome) => outcome.problem === null);
  const servedBy: Record<string, number> = {};
  for (const outcome of answered) servedBy[outcome.provider] = (servedBy[outcome.provider] ?? 0) + 1;
  const countAttempts = (test: (attempts: number) => boolean): number => answered.filter((outcome) => outcome.attempts !== null && test(outcome.attempts)).length;
  const attempts = { one: countAttempts((count) => count === 1), two: countAttempts((count) => count === 2), threeOrMore: countAttempts((count) => count >= 3), missing: answered.filter((outcome) => outcome.attempts === null).length };
  // Answers after a failover apart from first-try ones: the first few carry the cost that most hide.
  const failedOver = (outcome: Outcome): boolean => outcome.attempts !== null && outcome.attempts > 1;
  const paths = Object.keys(servedBy)
    .sort((a, b) => servedBy[b] - servedBy[a])
    .flatMap((provider) => [false, true].map((after) => ({ provider, after, outcomes: answered.filter((outcome) => outcome.provider === provider && failedOver(outcome) === after) })))
    .filter((path) => path.outcomes.length > 0)
    .map(({ provider, after, outcomes }): ChaosPath => {
      const figures = figuresOf(outcomes);
      const baselineModel = twinOf[provider] ?? null;
      const baseline = baselineModel === null ? null : figuresOf(twins.filter((outcome) => outcome.model === baselineModel));
      const added = (pick: (latency: LatencyFigures) => number): number | null => (baseline === null || baseline.samples === 0 ? null : pick(figures) - pick(baseline));
      return { servedBy: provider, afterFailover: after, requests: outcomes.length, chaos: figures, baselineModel, baseline, addedP50Ms: added((latency) => latency.p50Ms), addedP95Ms: added((latency) => latency.p95Ms), addedP99Ms: added((latency) => latency.p99Ms) };
    });
  const describe = (outcome: Outcome): string => `${outcome.model}, provider ${outcome.provider}, attempts ${outcome.attempts ?? '-'}, ${outcome.latencyMs.toFixed(1)} ms: ${outcome.problem}`;
  const result: ChaosResult = {
    available: true,
    providers: described,
    requests,
    completed: chaos.length,
    baselineRequests: twins.length,
    warmups: plan.chaosWarmups,
    concurrency,
    streamedShare: 1 / streamEvery,
    stoppedEarly: !finished,
    durationS,
    requestsPerSecond: (chaos.length + twins.length) / durationS,
    errors: failed.length,
    baselineErrors: twins.filter((outcome) => outcome.problem !== null).length,
    errorSamples: [...failed, ...twins.filter((outcome) => outcome.problem !== null)].slice(0, 5).map(describe),
    servedBy,
    attempts,
    failoverShare: answered.length === 0 ? Number.NaN : (attempts.two + attempts.threeOrMore) / answered.length,
    chaos: figuresOf(chaos),
    paths,
  };
  say(`  ${chaos.length.toLocaleString('en')} chaos requests in ${durationS.toFixed(1)} s${finished ? '' : ' (stopped on the time budget)'}: ${result.errors} client-visible errors, ${result.baselineErrors} on the twins`);
  for (const sample of result.errorSamples) say(`    ${sample}`);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runAlone('chaos', measureChaos, (result) => `${chaosTable(result)}\n\n${goalLines(checkChaosGoals(result))}`);
}
