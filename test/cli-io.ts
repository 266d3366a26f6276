// The command line run in process, as a user would type it: each command's run() through the same
// dispatch main.ts uses, with an io that keeps what it wrote and an environment of the test's choice.
import { runCommand } from '../src/cli/commands.ts';
import type { CommandIo } from '../src/cli/io.ts';

export interface Captured extends CommandIo {
  stdout: string;
  stderr: string;
}

/** An io whose output and errors are kept, and whose environment is exactly `env`. */
export function capturedIo(env: Record<string, string | undefined> = {}): Captured {
  const io: Captured = {
    stdout: '',
    stderr: '',
    env,
    log: (text) => void (io.stdout += `${text}\n`),
    error: (text) => void (io.stderr += `${text}\n`),
    write: (text) => void (io.stdout += text),
  };
  return io;
}

export async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capturedIo(env);
  const code = await runCommand(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
