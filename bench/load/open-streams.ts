// Holds many streamed requests open at once and samples the gateway's resident memory meanwhile.
import { Pool } from 'undici';
import type { OpenStreamsJob, OpenStreamsResult } from './job.ts';
import { exchange } from './exchange.ts';
import { readMemory } from '../memory.ts';

const maxErrorSamples = 5;
const sampleEveryMs = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runOpenStreams(job: OpenStreamsJob): Promise<OpenStreamsResult> {
  const pool = new Pool(job.origin, {
    connections: job.streams,
    pipelining: 1,
    headersTimeout: job.openDeadlineMs,
    bodyTimeout: job.openDeadlineMs + job.holdMs + 10_000,
  });
  const aborter = new AbortController();
  const errorSamples: string[] = [];
  let opened = 0;
  let errors = 0;
  let allSettled: () => void = () => {};
  const allSettledPromise = new Promise<void>((resolve) => (allSettled = resolve));
  const started = performance.now();

  const check = (): void => {
    if (opened + errors === job.streams) allSettled();
  };
  const fail = (message: string): void => {
    errors++;
    if (errorSamples.length < maxErrorSamples && !errorSamples.includes(message)) errorSamples.push(message);
    check();
  };

  const openOne = async (): Promise<void> => {
    let open = false;
    const onFirstByte = (): void => {
      open = true;
      opened++;
      check();
    };
    try {
      const outcome = await exchange(pool, job.request, aborter.signal, onFirstByte);
      if (outcome.statusCode !== 200) fail(`HTTP ${outcome.statusCode}: ${outcome.tail.trim()}`);
      else if (!aborter.signal.aborted) fail(open ? 'stream ended while it should still be open' : 'stream ended before its first data chunk');
    } catch (error) {
      if (!aborter.signal.aborted) fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  };

  const streams = Array.from({ length: job.streams }, openOne);
  await Promise.race([allSettledPromise, sleep(job.openDeadlineMs)]);
  const openMs = performance.now() - started;

  let rssBytes: number | null = null;
  if (job.rssPid !== null) {
    const holdUntil = performance.now() + job.holdMs;
    do {
      const memory = readMemory(job.rssPid);
      if (memory !== null && (rssBytes === null || memory.rssBytes > rssBytes)) rssBytes = memory.rssBytes;
      await sleep(sampleEveryMs);
    } while (performance.now() < holdUntil);
  }

  const openWhileHeld = opened;
  aborter.abort();
  await Promise.race([Promise.allSettled(streams), sleep(5_000)]);
  await pool.destroy().catch(() => {});
  return { kind: 'open-streams', requested: job.streams, opened: openWhileHeld, errors, errorSamples, openMs, rssBytes };
}
