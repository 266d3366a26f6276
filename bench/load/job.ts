// What the parent asks of the load generator process, and what it answers. Plain data, sent as JSON.
import type { Percentiles } from './stats.ts';

/** One HTTP request to repeat: always a POST of a JSON body. */
export type RequestShape = {
  path: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
};

/** Closed loop: `connections` keep-alive connections, each sending its next request when the last one ends. */
export type ClosedLoopJob = {
  kind: 'closed-loop';
  origin: string;
  request: RequestShape;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Hard cap on requests sent (warm-up included). */
  maxRequests: number;
};

/** Opens `streams` streamed requests at once, waits for the first data byte of each, samples RSS, aborts all. */
export type OpenStreamsJob = {
  kind: 'open-streams';
  origin: string;
  request: RequestShape;
  streams: number;
  /** How long to wait for all streams to deliver their first byte. */
  openDeadlineMs: number;
  /** How long to keep them open while sampling RSS. */
  holdMs: number;
  /** Process whose RSS is sampled while the streams are open (the gateway), or null. */
  rssPid: number | null;
};

export type LoadJob = ClosedLoopJob | OpenStreamsJob;

export type ClosedLoopResult = {
  kind: 'closed-loop';
  /** Requests completed inside the measured window (started after warm-up). */
  requests: number;
  errors: number;
  errorSamples: string[];
  measuredSeconds: number;
  requestsPerSecond: number;
  /** Full request duration: request sent to last body byte. */
  latency: Percentiles;
  /** Request sent to the first body byte (for streams: the first byte of a chunk holding `data:`). */
  firstByte: Percentiles;
  /** Full request duration of the warm-up's requests (not counted above): what a fresh gateway's first requests met. */
  warmupLatency: Percentiles;
  /** True if the loop stopped on its request cap or error cap instead of its clock. */
  stoppedEarly: boolean;
};

export type OpenStreamsResult = {
  kind: 'open-streams';
  requested: number;
  opened: number;
  errors: number;
  errorSamples: string[];
  /** Time until the last stream delivered its first byte (or the deadline). */
  openMs: number;
  /** Highest VmRSS of `rssPid` seen while all streams were open, in bytes; null if not sampled. */
  rssBytes: number | null;
};

export type LoadResult = ClosedLoopResult | OpenStreamsResult;
