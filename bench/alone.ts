// One phase of the benchmark run on its own (`node bench/chaos.ts [--quick] [--keep-logs]`): a
// simulator of its own on the load core, the phase, its report, and the work directory cleaned up.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fullPlan, quickPlan } from './plan.ts';
import type { Plan } from './plan.ts';
import { startSimulatorProcess } from './simulator.ts';
import type { StartContext } from './targets/target.ts';

export async function runAlone<T>(name: string, measure: (context: StartContext, plan: Plan, say: (line: string) => void) => Promise<T>, report: (result: T) => string): Promise<void> {
  const plan = process.argv.includes('--quick') ? quickPlan : fullPlan;
  const projectDirectory = fileURLToPath(new URL('..', import.meta.url));
  const workDirectory = mkdtempSync(join(tmpdir(), `modelmux-${name}-`));
  const simulator = await startSimulatorProcess(projectDirectory, workDirectory, availableParallelism() > 1 ? 1 : 0);
  try {
    const result = await measure({ simulatorUrl: simulator.url, workDirectory, projectDirectory, gatewayCore: 0 }, plan, (line) => console.log(line));
    console.log(`\n${report(result)}`);
  } finally {
    await simulator.process.stop();
    if (!process.argv.includes('--keep-logs')) rmSync(workDirectory, { recursive: true, force: true });
  }
}
