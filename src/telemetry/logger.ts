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
 * Lines written together: held for up to `holdMs` (or until `maxBytes` of them wait), then written
 * in one piece. stdout to a file or a pipe is written synchronously, a system call each time: one a
 * turn of the event loop cost a loaded gateway about 3 µs a request (a turn ends two or three
 * requests), one every 10 ms a few hundredths. A warning or an error is written at once, after what
 * came before it; call flush before exiting (serve does, on `exit`). What a SIGKILL (or a signal
 * left to Node's default handling) interrupts loses at most the last holdMs of lines, as a buffering
 * logger does (pino's `minLength`); the ledger is not written here. `maxBytes` counts characters.
 */
export class BatchedSink implements LogSink {
  private readonly sink: LogSink;
  private readonly holdMs: number;
  private readonly maxBytes: number;
  private lines: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(sink: LogSink, options: { holdMs?: number; maxBytes?: number } = {}) {
    this.sink = sink;
    this.holdMs = options.holdMs ?? 10;
    this.maxBytes = options.maxBytes ?? 64 * 1024;
  }

  write(line: string): void {
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes >= this.maxBytes) this.flush();
    // Not unref'd: lines held as the process would end keep it up for the rest of the hold.
    else if (this.timer === null) this.timer = setTimeout(this.flush, this.holdMs);
  }

  readonly flush = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0] : this.lines.join('');
    this.lines = [];
    this.bytes = 0;
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
