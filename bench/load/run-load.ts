// Runs one load job in its own load-generator process, pinned to the load core, and returns its result.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClosedLoopJob, ClosedLoopResult, LoadJob, LoadResult, OpenStreamsJob, OpenStreamsResult } from './job.ts';
import { pinnedNode } from '../processes.ts';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

function budgetOf(job: LoadJob): number {
  if (job.kind === 'closed-loop') return job.warmupMs + job.durationMs + 90_000;
  return job.openDeadlineMs + job.holdMs + 60_000;
}

function runJob(job: LoadJob, core: number): Promise<LoadResult> {
  const [command, args] = pinnedNode(core, ['--max-old-space-size=1024', workerPath, JSON.stringify(job)]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4_000)));
  const killer = setTimeout(() => child.kill('SIGKILL'), budgetOf(job));
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
      if (code === 0 && line.startsWith('{')) {
        resolve(JSON.parse(line) as LoadResult);
        return;
      }
      reject(new Error(`load generator failed (exit ${code ?? signal}): ${stderr.trim() || stdout.trim() || 'no output'}`));
    });
  });
}

export async function runClosedLoopJob(job: ClosedLoopJob, core: number): Promise<ClosedLoopResult> {
  return (await runJob(job, core)) as ClosedLoopResult;
}

export async function runOpenStreamsJob(job: OpenStreamsJob, core: number): Promise<OpenStreamsResult> {
  return (await runJob(job, core)) as OpenStreamsResult;
}
