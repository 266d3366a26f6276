// The benchmark orchestrator: starts the simulator on the load core, then each target in turn on the
// gateway core, measures it with a load generator pinned to the load core, and reports.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureAccounts } from './accounts.ts';
import type { AccountsResult } from './accounts.ts';
import { measureChaos } from './chaos.ts';
import { fusionTable, measureFusion } from './fusion.ts';
import type { FusionBenchResult } from './fusion.ts';
import type { ChaosResult } from './chaos.ts';
import { cpuSince, snapshotCpu } from './cpu.ts';
import { checkAccountsGoals, checkChaosGoals, checkFusionGoals, checkGoals, checkLargePromptGoals } from './goals.ts';
import type { GoalResult } from './goals.ts';
import { measureLargePrompts } from './large-prompt.ts';
import type { LargePromptResult } from './large-prompt.ts';
import { measureTarget } from './measure.ts';
import { fullPlan, quickPlan } from './plan.ts';
import type { Plan } from './plan.ts';
import { pinningAvailable } from './processes.ts';
import { startSimulatorProcess } from './simulator.ts';
import type { RunningSimulator } from './simulator.ts';
import { summarise } from './summary.ts';
import type { Figures, TargetOutcome } from './summary.ts';
import { accountsTable, chaosTable, detailTable, goalLines, largePromptTable, mainTable } from './table.ts';
import { startDirect } from './targets/direct.ts';
import { startModelmux } from './targets/modelmux.ts';
import { startPassthrough } from './targets/passthrough.ts';
import { findPortkey, startPortkey } from './targets/portkey.ts';
import type { RunningTarget, StartContext, TargetName } from './targets/target.ts';
import { defaultTargets, targetNames } from './targets/target.ts';

export type BenchOptions = {
  quick: boolean;
  /** Targets to run besides the direct baseline, which always runs; null for the default set. */
  only: TargetName[] | null;
  keepLogs: boolean;
  outputFile: string;
  command: string;
};

export type BenchReport = {
  date: string;
  command: string;
  plan: Plan;
  machine: { cores: number; cpu: string; memoryMB: number; kernel: string; node: string };
  layout: { pinned: boolean; gatewayCore: number; simulatorCore: number; loadGeneratorCore: number; note: string };
  /** How busy each core was in the second before the run: other work on the machine skews figures. */
  backgroundBusy: number[];
  figures: Figures[];
  goals: GoalResult[];
  targets: TargetOutcome[];
  /** Large prompts through each codec on a fresh modelmux; null when modelmux was not among the targets. */
  largePrompts: LargePromptResult | null;
  /** Failover with one provider dead, one failing half, one slow, on a fresh modelmux; null when modelmux was not among the targets. */
  chaos: ChaosResult | null;
  /** Virtual keys, budgets and the ledger against a bare gateway; null when modelmux was not among the targets. */
  accounts: AccountsResult | null;
  /** Fusion overhead against its critical path (bench/fusion.ts); null when modelmux was not among the targets. */
  fusion: FusionBenchResult | { available: false; reason: string } | null;
};

const projectDirectory = fileURLToPath(new URL('..', import.meta.url));

const starters: Record<TargetName, (context: StartContext) => Promise<RunningTarget>> = {
  direct: startDirect,
  passthrough: startPassthrough,
  modelmux: startModelmux,
  portkey: startPortkey,
};

function versionOf(name: TargetName): string {
  if (name === 'portkey') {
    const found = findPortkey(projectDirectory);
    return 'version' in found ? `@portkey-ai/gateway ${found.version}` : 'unknown';
  }
  if (name === 'passthrough') return 'bench/targets/passthrough-server.ts';
  return name === 'modelmux' ? 'working tree' : 'modelmux sim';
}

/** Busy fraction of each core over one second with nothing of ours running. */
async function backgroundLoad(): Promise<number[]> {
  const before = snapshotCpu(null);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return cpuSince(before, snapshotCpu(null)).coreBusy;
}

export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const say = (line: string): void => console.log(line);
  const plan = options.quick ? quickPlan : fullPlan;
  const cores = availableParallelism();
  const gatewayCore = 0;
  const loadCore = cores > 1 ? 1 : 0;
  const note = !pinningAvailable
    ? 'taskset not found: processes run unpinned, figures are less comparable'
    : cores < 2
      ? 'one core only: gateway and load generator share it'
      : `gateway on core ${gatewayCore}; simulator and load generator on core ${loadCore}`;
  const wanted = targetNames.filter((name) => name === 'direct' || (options.only === null ? defaultTargets.includes(name) : options.only.includes(name)));
  const workDirectory = mkdtempSync(join(tmpdir(), 'modelmux-bench-'));
  const removeWorkDirectory = (): void => rmSync(workDirectory, { recursive: true, force: true });
  if (!options.keepLogs) process.once('exit', removeWorkDirectory);
  say(`modelmux bench (${plan.name}): ${wanted.join(', ')}; ${note}`);
  say(`node ${process.version}, ${cores} cores (${cpus()[0]?.model ?? 'unknown cpu'}), logs in ${workDirectory}`);
  const backgroundBusy = await backgroundLoad();
  const busiest = Math.max(0, ...backgroundBusy.filter((value) => !Number.isNaN(value)));
  if (busiest > 0.15) {
    say(`warning: the machine is not idle (cores busy before the run: ${backgroundBusy.map((value) => `${(value * 100).toFixed(0)}%`).join(', ')}); figures will be noisy`);
  }

  const outcomes: TargetOutcome[] = [];
  let largePrompts: LargePromptResult | null = null;
  let chaos: ChaosResult | null = null;
  let accounts: AccountsResult | null = null;
  let fusion: BenchReport['fusion'] = null;
  let simulator: RunningSimulator | null = null;
  try {
    simulator = await startSimulatorProcess(projectDirectory, workDirectory, loadCore);
    say(`simulator at ${simulator.url} (pid ${simulator.process.pid})`);
    const context: StartContext = { simulatorUrl: simulator.url, workDirectory, projectDirectory, gatewayCore };
    for (const name of wanted) {
      say(`\n${name}`);
      try {
        const measurements = await measureTarget(() => starters[name](context), plan, { gateway: gatewayCore, load: loadCore }, say);
        outcomes.push({ name, available: true, version: versionOf(name), measurements });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        say(`  unavailable: ${reason}`);
        outcomes.push({ name, available: false, reason: reason.split('\n')[0] });
      }
    }
    if (wanted.includes('modelmux')) {
      say('\nlarge prompts through each codec (modelmux, restarted)');
      try {
        largePrompts = await measureLargePrompts(() => startModelmux(context), simulator.url, plan, loadCore, say);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        say(`  unavailable: ${reason}`);
        largePrompts = { available: false, reason: reason.split('\n')[0] };
      }
      say('\nchaos: failover across a dead, a flaky and a slow provider (modelmux, restarted)');
      try {
        chaos = await measureChaos(context, plan, say);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        say(`  unavailable: ${reason}`);
        chaos = { available: false, reason: reason.split('\n')[0] };
      }
      say('\naccounts: virtual keys, budgets and the ledger against a bare gateway (two modelmux processes)');
      try {
        accounts = await measureAccounts(context, plan, say);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        say(`  unavailable: ${reason}`);
        accounts = { available: false, reason: reason.split('\n')[0] };
      }
      say('\nfusion: overhead against the slowest used member plus the judge (in-process gateway)');
      try {
        fusion = await measureFusion(say);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        say(`  unavailable: ${reason}`);
        fusion = { available: false, reason: reason.split('\n')[0] };
      }
    }
  } finally {
    await simulator?.process.stop();
    if (!options.keepLogs) {
      removeWorkDirectory();
      process.removeListener('exit', removeWorkDirectory);
    }
  }

  const figures = summarise(outcomes, loadCore);
  const goals = [...checkGoals(figures, plan.openStreams), ...checkLargePromptGoals(largePrompts), ...checkChaosGoals(chaos), ...checkAccountsGoals(accounts), ...checkFusionGoals(fusion)];
  const report: BenchReport = {
    date: new Date().toISOString(),
    command: options.command,
    plan,
    machine: { cores, cpu: cpus()[0]?.model ?? 'unknown', memoryMB: Math.round(totalmem() / 1048576), kernel: release(), node: process.version },
    layout: { pinned: pinningAvailable, gatewayCore, simulatorCore: loadCore, loadGeneratorCore: loadCore, note },
    backgroundBusy,
    figures,
    goals,
    targets: outcomes,
    largePrompts,
    chaos,
    accounts,
    fusion,
  };
  say(`\n${mainTable(figures, plan.throughputConnections, plan.openStreams)}\n`);
  say(`${detailTable(figures, plan.throughputConnections, plan.openStreams)}\n`);
  if (largePrompts !== null) say(`large prompts through each codec:\n${largePromptTable(largePrompts)}\n`);
  if (chaos !== null) say(`chaos (failover):\n${chaosTable(chaos)}\n`);
  if (accounts !== null) say(`accounts (keys, budgets, ledger):\n${accountsTable(accounts)}\n`);
  if (fusion !== null) say(`fusion:\n${'cases' in fusion ? fusionTable(fusion) : `not measured (${fusion.reason})`}\n`);
  say(`modelmux against the targets:\n${goalLines(goals)}\n`);
  mkdirSync(dirname(options.outputFile), { recursive: true });
  writeFileSync(options.outputFile, `${JSON.stringify(report, null, 2)}\n`);
  say(`wrote ${relative(process.cwd(), options.outputFile) || options.outputFile}`);
  return report;
}
