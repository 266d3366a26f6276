// The targets from the issue, checked against modelmux's figures from the same run.
import type { AccountsResult } from './accounts.ts';
import type { FusionBenchResult } from './fusion.ts';
import type { ChaosResult } from './chaos.ts';
import type { LargePromptResult } from './large-prompt.ts';
import type { Figures } from './summary.ts';

export type GoalResult = {
  goal: string;
  status: 'pass' | 'fail' | 'not measured';
  measured: string;
};

const ms = (value: number): string => `${value.toFixed(3)} ms`;

export function checkGoals(figures: Figures[], openStreamsWanted: number): GoalResult[] {
  const find = (name: string): Figures | undefined => figures.find((figure) => figure.name === name && figure.available);
  const modelmux = find('modelmux');
  const direct = find('direct');
  const portkey = find('portkey');
  const results: GoalResult[] = [];
  const missing = (name: string): string => {
    const figure = figures.find((candidate) => candidate.name === name);
    return figure && !figure.available ? `${name} unavailable (${figure.reason ?? 'unknown reason'})` : `${name} did not run`;
  };
  const add = (goal: string, value: number | null, passes: (value: number) => boolean, describe: (value: number) => string): void => {
    if (value === null || Number.isNaN(value)) {
      const why = !modelmux ? missing('modelmux') : !direct ? missing('direct') : goal.includes('Portkey') && !portkey ? missing('portkey') : goal.includes('passthrough') && !find('passthrough') ? missing('passthrough') : 'a figure it needs is missing';
      results.push({ goal, status: 'not measured', measured: why });
    } else results.push({ goal, status: passes(value) ? 'pass' : 'fail', measured: describe(value) });
  };

  const throughput = modelmux?.requestsPerSecond ?? null;
  const portkeyThroughput = portkey?.requestsPerSecond ?? null;
  add(
    'throughput >= 5x Portkey (non-streamed, same run)',
    throughput !== null && portkeyThroughput !== null ? throughput / portkeyThroughput : null,
    (ratio) => ratio >= 5,
    (ratio) => `${ratio.toFixed(1)}x (${throughput?.toFixed(0)} vs ${portkeyThroughput?.toFixed(0)} req/s)`,
  );
  const passthrough = find('passthrough');
  const relayShare = (mine: number | null | undefined, relay: number | null | undefined): number | null => (mine == null || relay == null ? null : mine / relay);
  const share = (label: string, mine: number | null | undefined, relay: number | null | undefined): void =>
    add(
      `throughput >= 70% of the bare passthrough relay (${label}, same run)`,
      relayShare(mine, relay),
      (ratio) => ratio >= 0.7,
      (ratio) => `${(ratio * 100).toFixed(1)}% (${mine?.toFixed(0)} vs ${relay?.toFixed(0)} req/s)`,
    );
  share('non-streamed', throughput, passthrough?.requestsPerSecond);
  share('streamed', modelmux?.streamRequestsPerSecond, passthrough?.streamRequestsPerSecond);
  add('added latency p50 <= 0.5 ms (1 connection)', modelmux?.addedP50Ms ?? null, (value) => value <= 0.5, ms);
  // What the phase's warm-up met (a fresh gateway's first requests) goes with it, so the pass is read as what it is.
  const warmup = modelmux?.warmupAddedP99Ms ?? null;
  add('added latency p99 <= 2 ms (1 connection)', modelmux?.addedP99Ms ?? null, (value) => value <= 2, (value) => `${ms(value)}${warmup === null ? '' : ` (during the warm-up before it: ${warmup >= 0 ? '+' : ''}${ms(warmup)})`}`);
  add('streaming TTFT overhead <= 1 ms (p50, 1 connection)', modelmux?.firstTokenAddedP50Ms ?? null, (value) => value <= 1, ms);
  const allOpen = modelmux?.openStreams === openStreamsWanted;
  add(
    `RSS <= 150 MB with ${openStreamsWanted.toLocaleString('en')} open streams`,
    modelmux?.rssOpenStreamsMB ?? null,
    (value) => value <= 150 && allOpen,
    (value) => `${value.toFixed(1)} MB${allOpen ? '' : ` (only ${modelmux?.openStreams} of ${openStreamsWanted} streams opened)`}`,
  );
  return results;
}

/** From the large-prompt issue: no quadratic copying, seen as added latency that grows linearly with the prompt. */
export function checkLargePromptGoals(result: LargePromptResult | null): GoalResult[] {
  const goal = 'large prompts: added latency at 4 MB / at 1 MB < 6 (messages -> chat; linear 4, quadratic 16)';
  if (result === null) return [{ goal, status: 'not measured', measured: 'modelmux did not run' }];
  if (!result.available) return [{ goal, status: 'not measured', measured: result.reason }];
  const { ratio4to1, addedP50Ms } = result.linearity;
  if (ratio4to1 === null) return [{ goal, status: 'not measured', measured: 'a figure it needs is missing (or the 1 MB added latency was not positive)' }];
  const measured = `${ratio4to1.toFixed(2)} (${addedP50Ms['1']?.toFixed(1)} ms at 1 MB, ${addedP50Ms['4']?.toFixed(1)} ms at 4 MB)`;
  return [{ goal, status: ratio4to1 < 6 ? 'pass' : 'fail', measured }];
}

/** From the billing issue: auth, reservation and the ledger write together add under 0.2 ms. */
export function checkAccountsGoals(result: AccountsResult | null): GoalResult[] {
  const goal = 'accounts: auth + rate limit + reservation + ledger write add < 0.2 ms per request (p50)';
  if (result === null) return [{ goal, status: 'not measured', measured: 'modelmux did not run' }];
  if (!result.available) return [{ goal, status: 'not measured', measured: result.reason }];
  const measured = `+${result.addedP50Ms.toFixed(3)} ms p50, +${result.addedP99Ms.toFixed(3)} ms p99 (${result.keyed.p50Ms.toFixed(3)} vs ${result.bare.p50Ms.toFixed(3)} ms; ${result.errors} errors)`;
  return [{ goal, status: result.addedP50Ms < 0.2 && result.errors === 0 ? 'pass' : 'fail', measured }];
}

/** From the fusion issue: wall time within 5% + 2 ms of the slowest used member plus the judge. */
export function checkFusionGoals(result: FusionBenchResult | { available: false; reason: string } | null): GoalResult[] {
  const goal = 'fusion: wall time <= (slowest used member + judge) x 1.05 + 2 ms, every run';
  if (result === null) return [{ goal, status: 'not measured', measured: 'modelmux did not run' }];
  if (!('cases' in result)) return [{ goal, status: 'not measured', measured: result.reason }];
  const runs = result.cases.reduce((sum, row) => sum + row.runs, 0);
  const within = result.cases.reduce((sum, row) => sum + row.withinTarget, 0);
  const overheads = result.cases.map((row) => row.overheadP50Ms);
  const gap = Math.max(...result.cases.map((row) => row.judgeStartGapP50Ms));
  const measured = `${within}/${runs} runs within; overhead p50 ${Math.min(...overheads).toFixed(1)}-${Math.max(...overheads).toFixed(1)} ms, max ${Math.max(...result.cases.map((row) => row.overheadMaxMs)).toFixed(1)} ms; last member -> judge call p50 <= ${gap.toFixed(2)} ms`;
  return [{ goal, status: within === runs ? 'pass' : 'fail', measured }];
}

/** From the chaos issue: failover hides every failure; the failover share and its cost are for information. */
export function checkChaosGoals(result: ChaosResult | null): GoalResult[] {
  const goal = 'chaos: zero client-visible errors (one provider dead, one failing half, one slow)';
  if (result === null) return [{ goal, status: 'not measured', measured: 'modelmux did not run' }];
  if (!result.available) return [{ goal, status: 'not measured', measured: result.reason }];
  const signed = (value: number | null): string => (value === null ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(1)} ms`);
  const added = result.paths
    .filter((path) => path.addedP50Ms !== null)
    .map((path) => `via ${path.servedBy}${path.afterFailover ? ' after failover' : ''} ${signed(path.addedP50Ms)} p50, ${signed(path.addedP99Ms)} p99`)
    .join('; ');
  const early = result.stoppedEarly ? ` (stopped on its time budget after ${result.completed.toLocaleString('en')} of ${result.requests.toLocaleString('en')})` : '';
  const measured = `${result.errors} errors in ${result.completed.toLocaleString('en')} requests${early}; ${(result.failoverShare * 100).toFixed(1)}% needed failover; added latency ${added || 'not measured'}`;
  return [{ goal, status: result.errors === 0 && !result.stoppedEarly ? 'pass' : 'fail', measured }];
}
