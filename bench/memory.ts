// Resident memory of a process, read from /proc/PID/status (Linux).
import { readFileSync } from 'node:fs';

export type Memory = {
  /** VmRSS: resident set size now, in bytes. */
  rssBytes: number;
  /** VmHWM: the highest resident set size so far, in bytes. */
  peakRssBytes: number;
};

function field(status: string, name: string): number | null {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

/** The memory of `pid`, or null if the process is gone or /proc is unavailable. */
export function readMemory(pid: number): Memory | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const rssBytes = field(status, 'VmRSS');
  const peakRssBytes = field(status, 'VmHWM');
  if (rssBytes === null || peakRssBytes === null) return null;
  return { rssBytes, peakRssBytes };
}
