// Test helper: runs a CLI command's `run()` in process with an io of its own and keeps what it
// printed, so a test can read `modelmux compare` or `modelmux usage` output without spawning a
// process. The environment is the process's own, so a test's MODELMUX_* settings reach the command.
import type { CommandIo } from '../src/cli/io.ts';

export interface Captured {
  stdout: string;
  stderr: string;
  /** The command's exit status; undefined when it succeeded (0). */
  exitCode: number | undefined;
}

export async function captureCli(command: (argv: string[], io?: CommandIo) => Promise<number>, argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    log: (text) => void out.push(`${text}\n`),
    error: (text) => void err.push(`${text}\n`),
    write: (text) => void out.push(text),
    env: process.env,
  };
  const status = await command(argv, io);
  return { stdout: out.join(''), stderr: err.join(''), exitCode: status === 0 ? undefined : status };
}
