// How long and how hard each phase runs: the quick plan (about 2.5 minutes in all) and the full one (about 9).
import type { Scenario } from './targets/target.ts';

export type Plan = {
  name: 'quick' | 'full';
  warmupMs: number;
  /**
   * The warm-up of the added-latency phase, the first a fresh gateway meets. Measured in 2 s windows
   * from a fresh start at one connection, modelmux's p99 was 2 to 11 ms for the first 4 to 6 s, 1.2
   * to 3.7 ms from 8 to 12 s and about 1 ms after 12,000 to 23,000 requests (6 to 14 s); the bare
   * relay settled after about 21,700 (8 s). A load generator warmed up beforehand did not change that
   * much (BENCHMARKS.md, "2026-12-07 (last)"). The phase is about what a running gateway adds, so
   * the full plan warms it for 10 s; what the warm-up met is reported beside it, gateway minus direct.
   */
  latencyWarmupMs: number;
  /** 1 connection, non-streamed: the added-latency phase. */
  latencyMs: number;
  /** 1 connection, streamed with a small simulated TTFT: the TTFT-overhead phase. */
  firstTokenMs: number;
  /** `throughputConnections` connections, non-streamed and then streamed. */
  throughputMs: number;
  throughputConnections: number;
  /** Hard cap on requests in any one phase. */
  maxRequestsPerPhase: number;
  openStreams: number;
  openDeadlineMs: number;
  holdStreamsMs: number;
  /** Large prompts (bench/large-prompt.ts): sequential requests per series, untimed then timed. */
  largePromptWarmups: number;
  largePromptRequests: number;
  /** No new request in a series after this long, and no new series after the phase's budget. */
  largePromptSeriesBudgetMs: number;
  largePromptBudgetMs: number;
  /** Chaos (bench/chaos.ts): requests to the three-provider model, as many again to its healthy twins. */
  chaosRequests: number;
  chaosWarmups: number;
  chaosConcurrency: number;
  /** No new request after this long; the figures cover what finished. */
  chaosBudgetMs: number;
  /** Accounts (bench/accounts.ts): requests to each of the bare and the keyed gateway, one at a time. */
  accountsRequests: number;
  accountsWarmups: number;
};

export const quickPlan: Plan = {
  name: 'quick',
  warmupMs: 1_000,
  latencyWarmupMs: 1_000,
  latencyMs: 4_000,
  firstTokenMs: 3_000,
  throughputMs: 5_000,
  throughputConnections: 32,
  maxRequestsPerPhase: 500_000,
  openStreams: 1_000,
  openDeadlineMs: 15_000,
  holdStreamsMs: 1_000,
  largePromptWarmups: 3,
  largePromptRequests: 10,
  largePromptSeriesBudgetMs: 10_000,
  largePromptBudgetMs: 60_000,
  chaosRequests: 2_000,
  chaosWarmups: 500,
  chaosConcurrency: 32,
  chaosBudgetMs: 40_000,
  accountsRequests: 2_000,
  accountsWarmups: 500,
};

export const fullPlan: Plan = {
  name: 'full',
  warmupMs: 3_000,
  latencyWarmupMs: 10_000,
  latencyMs: 15_000,
  firstTokenMs: 10_000,
  throughputMs: 20_000,
  throughputConnections: 32,
  maxRequestsPerPhase: 2_000_000,
  openStreams: 1_000,
  openDeadlineMs: 30_000,
  holdStreamsMs: 3_000,
  largePromptWarmups: 5,
  largePromptRequests: 25,
  largePromptSeriesBudgetMs: 30_000,
  largePromptBudgetMs: 180_000,
  chaosRequests: 10_000,
  chaosWarmups: 2_000,
  chaosConcurrency: 32,
  chaosBudgetMs: 120_000,
  accountsRequests: 10_000,
  accountsWarmups: 1_000,
};

/** Short answers, no delay: what the throughput and latency phases ask for. */
export const shortAnswer = (stream: boolean): Scenario => ({ stream, outputTokens: 16, ttftMs: 0, tokensPerSecond: 0 });

/** Streamed, a small simulated time to first token, then no pacing: the TTFT-overhead phase. */
export const firstTokenScenario: Scenario = { stream: true, outputTokens: 16, ttftMs: 2, tokensPerSecond: 0 };

/**
 * A slow stream that stays open: the 1,000-open-streams phase. 200 tokens at 2 per second last
 * 100 s, longer than the phase's deadline plus hold; the streams are aborted well before.
 */
export const slowStream: Scenario = { stream: true, outputTokens: 200, ttftMs: 0, tokensPerSecond: 2 };
