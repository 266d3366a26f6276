// The measurements taken on one target, one phase after another. The gateway is started twice: once
// for the load phases (then 1,000 open streams on top), and once fresh, warmed up lightly, for the
// 1,000-open-streams figure itself, so that figure is the cost of the streams and neither the heap
// high-water mark left by the load phases nor upstream streams a gateway failed to cancel.
import { cpuSince, snapshotCpu } from './cpu.ts';
import type { CpuUse } from './cpu.ts';
import type { ClosedLoopResult, OpenStreamsResult } from './load/job.ts';
import { runClosedLoopJob, runOpenStreamsJob } from './load/run-load.ts';
import { countLines } from './log-lines.ts';
import { readMemory } from './memory.ts';
import type { Memory } from './memory.ts';
import type { Plan } from './plan.ts';
import { firstTokenScenario, shortAnswer, slowStream } from './plan.ts';
import type { RunningTarget, Scenario } from './targets/target.ts';

/** A closed-loop phase with the CPU use seen while it ran (warm-up included). */
export type Phase = ClosedLoopResult & { cpu: CpuUse };

export type Measurements = {
  /** 1 connection, non-streamed. */
  latency: Phase;
  /** 1 connection, streamed, small simulated TTFT. */
  firstToken: Phase;
  /** N connections, non-streamed. */
  throughput: Phase;
  /** N connections, streamed. */
  streamThroughput: Phase;
  /** Gateway memory right after start and after the load phases. */
  memoryIdle: Memory | null;
  memoryAfterLoad: Memory | null;
  /** 1,000 open streams on the gateway that went through the load phases. */
  openStreamsAfterLoad: OpenStreamsResult | null;
  /** 1,000 open streams on a fresh gateway after a light warm-up. */
  openStreams: OpenStreamsResult | null;
  /** Lines in the gateway's log after the load phases (null without a gateway). */
  logLines: number | null;
};

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));

export async function measureTarget(
  start: () => Promise<RunningTarget>,
  plan: Plan,
  cores: { gateway: number; load: number },
  say: (line: string) => void,
): Promise<Measurements> {
  const loadCore = cores.load;
  const closedLoop = async (
    target: RunningTarget,
    label: string,
    scenario: Scenario,
    connections: number,
    durationMs: number,
    warmupMs = plan.warmupMs,
  ): Promise<Phase> => {
    const shape = `${connections} connection${connections === 1 ? '' : 's'}, ${scenario.stream ? 'streamed' : 'non-streamed'}`;
    say(`  ${label}: ${shape}, ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s`);
    const before = snapshotCpu(target.gatewayPid);
    const loadResult = await runClosedLoopJob(
      {
        kind: 'closed-loop',
        origin: target.origin,
        request: target.request(scenario),
        connections,
        warmupMs,
        durationMs,
        maxRequests: plan.maxRequestsPerPhase,
      },
      loadCore,
    );
    const result: Phase = { ...loadResult, cpu: cpuSince(before, snapshotCpu(target.gatewayPid)) };
    const errors = result.errors > 0 ? `, ${result.errors} errors (${result.errorSamples.join(' | ')})` : '';
    const busy = result.cpu.coreBusy.map((fraction, core) => `core ${core} ${(fraction * 100).toFixed(0)}%`).join(', ');
    const gateway = result.cpu.processCore === null ? '' : `, gateway ${(result.cpu.processCore * 100).toFixed(0)}% of a core`;
    const figures = `p50 ${result.latency.p50Ms.toFixed(3)} ms, p99 ${result.latency.p99Ms.toFixed(3)} ms, first byte p50 ${result.firstByte.p50Ms.toFixed(3)} ms`;
    say(`    ${result.requestsPerSecond.toFixed(0)} req/s, ${figures}${errors}`);
    const cold = result.warmupLatency;
    if (cold.samples > 0) say(`    warm-up: ${cold.samples} requests, p50 ${cold.p50Ms.toFixed(3)} ms, p99 ${cold.p99Ms.toFixed(3)} ms, max ${cold.maxMs.toFixed(1)} ms`);
    say(`    cpu: ${busy}${gateway}`);
    // The gateway core should carry the gateway and nothing else; say so when it did not.
    const others = (result.cpu.coreBusy[cores.gateway] ?? 0) - (result.cpu.processCore ?? 0);
    if (others > 0.1) say(`    warning: other processes used ${(others * 100).toFixed(0)}% of core ${cores.gateway} during this phase`);
    await settle();
    return result;
  };

  const openStreamsPhase = async (target: RunningTarget, label: string): Promise<OpenStreamsResult | null> => {
    if (target.gatewayPid === null) return null;
    say(`  open streams (${label}): ${plan.openStreams} slow streams at once, up to ${plan.openDeadlineMs / 1000} s to open`);
    const result = await runOpenStreamsJob(
      {
        kind: 'open-streams',
        origin: target.origin,
        request: target.request(slowStream),
        streams: plan.openStreams,
        openDeadlineMs: plan.openDeadlineMs,
        holdMs: plan.holdStreamsMs,
        rssPid: target.gatewayPid,
      },
      loadCore,
    );
    const errors = result.errors > 0 ? `, ${result.errors} errors (${result.errorSamples.join(' | ')})` : '';
    const rss = result.rssBytes === null ? 'n/a' : `${(result.rssBytes / 1048576).toFixed(1)} MB`;
    say(`    ${result.opened}/${result.requested} open after ${(result.openMs / 1000).toFixed(2)} s, gateway RSS ${rss}${errors}`);
    await settle();
    return result;
  };

  const memoryOf = (target: RunningTarget): Memory | null => (target.gatewayPid === null ? null : readMemory(target.gatewayPid));

  const loaded = await start();
  say(`  at ${loaded.origin}${loaded.gatewayPid === null ? '' : ` (pid ${loaded.gatewayPid})`}`);
  let measured: Omit<Measurements, 'openStreams' | 'logLines'>;
  try {
    const memoryIdle = memoryOf(loaded);
    const latency = await closedLoop(loaded, 'latency', shortAnswer(false), 1, plan.latencyMs, plan.latencyWarmupMs);
    const firstToken = await closedLoop(loaded, 'time to first token', firstTokenScenario, 1, plan.firstTokenMs);
    const throughput = await closedLoop(loaded, 'throughput', shortAnswer(false), plan.throughputConnections, plan.throughputMs);
    const streamThroughput = await closedLoop(loaded, 'throughput', shortAnswer(true), plan.throughputConnections, plan.throughputMs);
    const memoryAfterLoad = memoryOf(loaded);
    const openStreamsAfterLoad = await openStreamsPhase(loaded, 'after the load phases');
    measured = { latency, firstToken, throughput, streamThroughput, memoryIdle, memoryAfterLoad, openStreamsAfterLoad };
  } finally {
    await loaded.stop();
  }
  const logLines = loaded.logFile === null ? null : await countLines(loaded.logFile);
  if (logLines !== null) say(`  the gateway logged ${logLines.toLocaleString('en')} lines`);
  if (loaded.gatewayPid === null) return { ...measured, openStreams: null, logLines };

  const fresh = await start();
  say(`  restarted at ${fresh.origin} (pid ${fresh.gatewayPid})`);
  try {
    // A light warm-up of fixed length in every plan, so the code paths are compiled as in any
    // running gateway. It is short on purpose: V8 grows its heap with the traffic a process has
    // seen, and this figure is about the streams.
    await closedLoop(fresh, 'warm-up', shortAnswer(true), 1, 500, 500);
    const openStreams = await openStreamsPhase(fresh, 'fresh gateway');
    return { ...measured, openStreams, logLines };
  } finally {
    await fresh.stop();
  }
}
