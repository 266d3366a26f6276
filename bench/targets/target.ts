// What every benchmark target (the simulator direct, modelmux, Portkey) looks like to the measurements.
import type { RequestShape } from '../load/job.ts';

export type TargetName = 'direct' | 'passthrough' | 'modelmux' | 'portkey';

/** Every target, in the order they run. */
export const targetNames: readonly TargetName[] = ['direct', 'passthrough', 'modelmux', 'portkey'];

/** What runs without --only: the baseline, modelmux and its peer (the pass-through is a reference on request). */
export const defaultTargets: readonly TargetName[] = ['direct', 'passthrough', 'modelmux', 'portkey'];

/** How the simulated upstream should answer one request (sent as `x-sim-*` headers). */
export type Scenario = {
  stream: boolean;
  outputTokens: number;
  ttftMs: number;
  /** 0 means no pacing. */
  tokensPerSecond: number;
};

export type RunningTarget = {
  name: TargetName;
  /** Where the load generator sends requests, e.g. http://127.0.0.1:4000 */
  origin: string;
  /** PID of the gateway process whose memory is reported; null for the simulator direct. */
  gatewayPid: number | null;
  /** Gateway log file, or null. */
  logFile: string | null;
  request(scenario: Scenario): RequestShape;
  stop(): Promise<void>;
};

/** What a target needs to start: the simulator to route to, a scratch directory, its core. */
export type StartContext = {
  simulatorUrl: string;
  workDirectory: string;
  projectDirectory: string;
  gatewayCore: number;
};

/**
 * The simulator's per-request knobs, only those that differ from what the `fast` model does anyway
 * (no delay, no pacing, 16 tokens): an ordinary request carries no `x-sim-*` header at all.
 */
export function knobHeaders(scenario: Scenario): Record<string, string> {
  const headers: Record<string, string> = {};
  if (scenario.ttftMs !== 0) headers['x-sim-ttft-ms'] = String(scenario.ttftMs);
  if (scenario.tokensPerSecond !== 0) headers['x-sim-tokens-per-second'] = String(scenario.tokensPerSecond);
  if (scenario.outputTokens !== 16) headers['x-sim-output-tokens'] = String(scenario.outputTokens);
  return headers;
}


/** An ordinary OpenAI chat completion request for `model`, the same for every target. */
export function chatRequest(model: string, scenario: Scenario, extraHeaders: Record<string, string>): RequestShape {
  const body = {
    model,
    messages: [
      { role: 'system', content: 'You are a concise assistant.' },
      { role: 'user', content: 'Write one sentence about load balancers.' },
    ],
    max_tokens: scenario.outputTokens,
    stream: scenario.stream,
    ...(scenario.stream ? { stream_options: { include_usage: true } } : {}),
  };
  return {
    path: '/v1/chat/completions',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-bench',
      ...knobHeaders(scenario),
      ...extraHeaders,
    },
    body: JSON.stringify(body),
    stream: scenario.stream,
  };
}
