// The headline figures per target, derived from the raw measurements; "added" means minus direct.
import type { Measurements } from './measure.ts';
import type { TargetName } from './targets/target.ts';

export type TargetOutcome =
  | { name: TargetName; available: true; version: string; measurements: Measurements }
  | { name: TargetName; available: false; reason: string };

export type Figures = {
  name: TargetName;
  available: boolean;
  reason: string | null;
  /** Non-streamed, N connections. */
  requestsPerSecond: number | null;
  /** Streamed, N connections. */
  streamRequestsPerSecond: number | null;
  /** Non-streamed, 1 connection. */
  p50Ms: number | null;
  p99Ms: number | null;
  addedP50Ms: number | null;
  addedP99Ms: number | null;
  /** Non-streamed, 1 connection: the p99 of the warm-up before the phase (the fresh gateway), minus direct's. */
  warmupAddedP99Ms: number | null;
  /** Streamed, 1 connection: request sent to first data byte. */
  firstTokenP50Ms: number | null;
  firstTokenAddedP50Ms: number | null;
  firstTokenAddedP99Ms: number | null;
  /** Non-streamed, N connections: full-request latency under load. */
  loadedP50Ms: number | null;
  loadedP99Ms: number | null;
  rssIdleMB: number | null;
  rssAfterLoadMB: number | null;
  rssOpenStreamsMB: number | null;
  openStreams: number | null;
  rssOpenStreamsAfterLoadMB: number | null;
  openStreamsAfterLoad: number | null;
  /** Non-streamed, N connections: the gateway's CPU (fraction of one core) and the load core's. */
  gatewayCpu: number | null;
  loadCoreBusy: number | null;
  errors: number;
};

const megabytes = (bytes: number | null | undefined): number | null => (bytes === null || bytes === undefined ? null : bytes / 1048576);

function minus(value: number | null, baseline: number | null): number | null {
  return value === null || baseline === null ? null : value - baseline;
}

export function summarise(outcomes: TargetOutcome[], loadCore: number): Figures[] {
  const direct = outcomes.find((outcome) => outcome.name === 'direct');
  const base = direct?.available ? direct.measurements : null;
  return outcomes.map((outcome): Figures => {
    if (!outcome.available) {
      return {
        name: outcome.name, available: false, reason: outcome.reason,
        requestsPerSecond: null, streamRequestsPerSecond: null, p50Ms: null, p99Ms: null, addedP50Ms: null, addedP99Ms: null, warmupAddedP99Ms: null,
        firstTokenP50Ms: null, firstTokenAddedP50Ms: null, firstTokenAddedP99Ms: null, loadedP50Ms: null, loadedP99Ms: null,
        rssIdleMB: null, rssAfterLoadMB: null, rssOpenStreamsMB: null, openStreams: null,
        rssOpenStreamsAfterLoadMB: null, openStreamsAfterLoad: null, gatewayCpu: null, loadCoreBusy: null, errors: 0,
      };
    }
    const measured = outcome.measurements;
    const isDirect = outcome.name === 'direct';
    const added = (value: number, baseline: number | undefined): number | null => (isDirect || baseline === undefined ? null : minus(value, baseline));
    return {
      name: outcome.name,
      available: true,
      reason: null,
      requestsPerSecond: measured.throughput.requestsPerSecond,
      streamRequestsPerSecond: measured.streamThroughput.requestsPerSecond,
      p50Ms: measured.latency.latency.p50Ms,
      p99Ms: measured.latency.latency.p99Ms,
      addedP50Ms: added(measured.latency.latency.p50Ms, base?.latency.latency.p50Ms),
      addedP99Ms: added(measured.latency.latency.p99Ms, base?.latency.latency.p99Ms),
      warmupAddedP99Ms: measured.latency.warmupLatency.samples > 0 ? added(measured.latency.warmupLatency.p99Ms, base?.latency.warmupLatency.p99Ms) : null,
      firstTokenP50Ms: measured.firstToken.firstByte.p50Ms,
      firstTokenAddedP50Ms: added(measured.firstToken.firstByte.p50Ms, base?.firstToken.firstByte.p50Ms),
      firstTokenAddedP99Ms: added(measured.firstToken.firstByte.p99Ms, base?.firstToken.firstByte.p99Ms),
      loadedP50Ms: measured.throughput.latency.p50Ms,
      loadedP99Ms: measured.throughput.latency.p99Ms,
      rssIdleMB: megabytes(measured.memoryIdle?.rssBytes),
      rssAfterLoadMB: megabytes(measured.memoryAfterLoad?.rssBytes),
      rssOpenStreamsMB: megabytes(measured.openStreams?.rssBytes),
      openStreams: measured.openStreams?.opened ?? null,
      rssOpenStreamsAfterLoadMB: megabytes(measured.openStreamsAfterLoad?.rssBytes),
      openStreamsAfterLoad: measured.openStreamsAfterLoad?.opened ?? null,
      gatewayCpu: measured.throughput.cpu.processCore,
      loadCoreBusy: measured.throughput.cpu.coreBusy[loadCore] ?? null,
      errors:
        measured.latency.errors + measured.firstToken.errors + measured.throughput.errors + measured.streamThroughput.errors +
        (measured.openStreams?.errors ?? 0) + (measured.openStreamsAfterLoad?.errors ?? 0),
    };
  });
}
