// Structured JSON logs, one line per event. Callers pass plain fields; secrets are never handed in,
// and free text from upstreams is redacted before it gets here. As a last guard every line is
// passed through the gateway's redactor (its known secrets, and anything shaped like a key) too.
import { shapesOnly } from '../secrets/redactor.ts';
import type { Redactor } from '../secrets/redactor.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  level: LogLevel;
  enabled(level: LogLevel): boolean;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LogSink {
  write(line: string): unknown;
  /** Writes at once whatever the sink still holds (see BatchedSink). */
  flush?(): void;
}

/**
 * Lines written together once per turn of the event loop: one write for all the requests that end in
 * a turn, not one each (stdout to a file or a pipe is written synchronously, a system call a line).
 * A warning or an error is written at once, after what came before it; call flush before exiting.
 */
export class BatchedSink implements LogSink {
  private readonly sink: LogSink;
  private lines: string[] = [];

  constructor(sink: LogSink) {
    this.sink = sink;
  }

  write(line: string): void {
    this.lines.push(line);
    if (this.lines.length === 1) setImmediate(this.flush);
  }

  readonly flush = (): void => {
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0] : this.lines.join('');
    this.lines = [];
    this.sink.write(text);
  };
}

export function createLogger(level: LogLevel = 'info', sink: LogSink = process.stdout, redactor: Redactor = shapesOnly): Logger {
  const threshold = rank[level];
  const log = (lineLevel: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (rank[lineLevel] < threshold) return;
    // The record's own keys first, then the fields (none of which is named time, level or msg), as
    // one object would be serialized; an object spread into a new one cost more, measured.
    const rest = fields == null ? '}' : JSON.stringify(fields);
    const line = `{"time":"${isoNow()}","level":"${lineLevel}","msg":${JSON.stringify(message)}${rest.length > 2 ? `,${rest.slice(1)}` : '}'}`;
    sink.write(redactor.text(line) + '\n');
    if (rank[lineLevel] >= rank.warn) sink.flush?.();
  };
  return {
    level,
    enabled: (lineLevel) => rank[lineLevel] >= threshold,
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}

let lastMs = Number.NaN;
let lastIso = '';

/** The time as an ISO 8601 string, made once per millisecond: many lines share one under load, and
 * Date's toISOString costs some 0.5 µs a call. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
