// CPU use over a phase, from /proc: how busy each core was, and how much of a core the gateway took.
// Tells whether a phase was limited by the gateway's core or by the load core.
import { readFileSync } from 'node:fs';

type CoreTicks = { busy: number; total: number };

export type CpuSnapshot = {
  cores: CoreTicks[];
  /** utime + stime of the watched process, in clock ticks; null if unknown. */
  processTicks: number | null;
};

export type CpuUse = {
  /** Busy fraction of each core over the interval (0..1). */
  coreBusy: number[];
  /** The process's CPU time over the interval, as a fraction of one core. */
  processCore: number | null;
};

function readCores(): CoreTicks[] {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => /^cpu\d+ /.test(line))
      .map((line) => {
        const values = line.trim().split(/\s+/).slice(1).map(Number);
        const idle = values[3] + (values[4] ?? 0);
        const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
        return { busy: total - idle, total };
      });
  } catch {
    return [];
  }
}

function readProcessTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

export function snapshotCpu(pid: number | null): CpuSnapshot {
  return { cores: readCores(), processTicks: pid === null ? null : readProcessTicks(pid) };
}

export function cpuSince(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const coreBusy = after.cores.map((core, index) => {
    const previous = before.cores[index];
    const total = previous ? core.total - previous.total : 0;
    return previous && total > 0 ? (core.busy - previous.busy) / total : Number.NaN;
  });
  // All cores tick at the same rate, so one core's total ticks measure the elapsed time.
  const elapsedTicks = after.cores[0] && before.cores[0] ? after.cores[0].total - before.cores[0].total : 0;
  const processCore =
    before.processTicks === null || after.processTicks === null || elapsedTicks <= 0
      ? null
      : (after.processTicks - before.processTicks) / elapsedTicks;
  return { coreBusy, processCore };
}
