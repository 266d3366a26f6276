// Closed-loop load: N keep-alive connections, each sends its next request as soon as the last one ends.
// Latency per request is taken with process.hrtime.bigint() (nanoseconds), kept in microseconds.
import { Pool } from 'undici';
import type { ClosedLoopJob, ClosedLoopResult } from './job.ts';
import { exchange, outcomeProblem } from './exchange.ts';
import { SampleBuffer, summarise } from './stats.ts';

const maxErrors = 10_000;
const maxErrorSamples = 5;

export async function runClosedLoop(job: ClosedLoopJob): Promise<ClosedLoopResult> {
  const pool = new Pool(job.origin, {
    connections: job.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const start = process.hrtime.bigint();
  const measureFrom = start + BigInt(job.warmupMs) * 1_000_000n;
  const stopAt = measureFrom + BigInt(job.durationMs) * 1_000_000n;
  const latency = new SampleBuffer(job.maxRequests);
  const firstByte = new SampleBuffer(job.maxRequests);
  const warmup = new SampleBuffer(job.maxRequests);
  const errorSamples: string[] = [];
  let sent = 0;
  let errors = 0;
  let lastEnd = measureFrom;

  const fail = (message: string, measured: boolean): void => {
    if (measured) errors++;
    if (errorSamples.length < maxErrorSamples && !errorSamples.includes(message)) errorSamples.push(message);
  };

  const connectionLoop = async (): Promise<void> => {
    for (;;) {
      const sentAt = process.hrtime.bigint();
      if (sentAt >= stopAt || sent >= job.maxRequests || errors >= maxErrors) return;
      sent++;
      const measured = sentAt >= measureFrom;
      try {
        const outcome = await exchange(pool, job.request);
        const problem = outcomeProblem(outcome, job.request.stream);
        if (problem !== null) {
          fail(problem, measured);
          continue;
        }
        if (!measured) {
          warmup.push(Number(outcome.endAt - sentAt) / 1000);
          continue;
        }
        latency.push(Number(outcome.endAt - sentAt) / 1000);
        firstByte.push(Number(outcome.firstByteAt - sentAt) / 1000);
        if (outcome.endAt > lastEnd) lastEnd = outcome.endAt;
      } catch (error) {
        fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error), measured);
        // Do not spin on a refused connection.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };

  await Promise.all(Array.from({ length: job.connections }, connectionLoop));
  await pool.destroy();
  const measuredSeconds = Math.max(Number(lastEnd - measureFrom), 1) / 1e9;
  return {
    kind: 'closed-loop',
    requests: latency.length,
    errors,
    errorSamples,
    measuredSeconds,
    requestsPerSecond: latency.length / measuredSeconds,
    latency: summarise(latency.values, latency.length),
    firstByte: summarise(firstByte.values, firstByte.length),
    warmupLatency: summarise(warmup.values, warmup.length),
    stoppedEarly: sent >= job.maxRequests || errors >= maxErrors,
  };
}
