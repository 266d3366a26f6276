// Test helper: runs a CLI command's `run()` in process and keeps what it printed, so a test can read
// `modelmux compare` or `modelmux usage` output without spawning a process. process.stdout is left
// alone: the test runner reports through it.

export interface Captured {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

/** Runs `command(argv)` with console and the standard streams captured; restores them after. */
export async function captureCli(command: (argv: string[]) => Promise<void>, argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, stderr: process.stderr.write, exitCode: process.exitCode };
  const text = (values: unknown[]): string => `${values.map((value) => (typeof value === 'string' ? value : String(value))).join(' ')}\n`;
  console.log = (...values: unknown[]) => void out.push(text(values));
  console.error = (...values: unknown[]) => void err.push(text(values));
  console.warn = console.error;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  process.exitCode = undefined;
  let exitCode: number | undefined;
  try {
    await command(argv);
  } finally {
    exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
    console.log = saved.log;
    console.error = saved.error;
    console.warn = saved.warn;
    process.stderr.write = saved.stderr;
    process.exitCode = saved.exitCode;
  }
  return { stdout: out.join(''), stderr: err.join(''), exitCode };
}
