// The load generator process: `node bench/load/worker.ts '<job as JSON>'`. Runs one job, prints one
// JSON line with the result on stdout, exits. The parent pins it to its own core with taskset.
import type { LoadJob, LoadResult } from './job.ts';
import { runClosedLoop } from './closed-loop.ts';
import { runOpenStreams } from './open-streams.ts';

function deadlineOf(job: LoadJob): number {
  if (job.kind === 'closed-loop') return job.warmupMs + job.durationMs + 60_000;
  return job.openDeadlineMs + job.holdMs + 30_000;
}

async function main(): Promise<void> {
  const text = process.argv[2];
  if (text === undefined) throw new Error('usage: worker.ts <job JSON>');
  const job = JSON.parse(text) as LoadJob;
  // The last line of defence: whatever happens, this process ends.
  const guard = setTimeout(() => {
    console.error(`load generator: ${job.kind} passed its deadline, giving up`);
    process.exit(3);
  }, deadlineOf(job));
  const result: LoadResult = job.kind === 'closed-loop' ? await runClosedLoop(job) : await runOpenStreams(job);
  clearTimeout(guard);
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(`load generator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
