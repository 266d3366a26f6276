// Child processes of the benchmark: started pinned to a core with taskset, tracked, and always killed
// when the benchmark ends (normally, on error, or on SIGINT/SIGTERM).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';

const tasksetPath = '/usr/bin/taskset';
export const pinningAvailable = existsSync(tasksetPath);

export type Managed = {
  name: string;
  child: ChildProcess;
  /** PID of the Node process itself (taskset execs it, so it keeps the PID). */
  pid: number;
  logFile: string;
  exited: boolean;
  stop(): Promise<void>;
};

const running = new Set<Managed>();

function killAll(): void {
  for (const managed of running) {
    if (!managed.exited) managed.child.kill('SIGKILL');
  }
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping child processes`);
    killAll();
    process.exit(130);
  });
}

/** The command line that runs `node args...` on `core` (unpinned if taskset is missing). */
export function pinnedNode(core: number, args: string[]): [string, string[]] {
  if (!pinningAvailable) return [process.execPath, args];
  return [tasksetPath, ['-c', String(core), process.execPath, ...args]];
}

/**
 * The environment for child processes: this one minus what would change what they do or make them
 * reach beyond loopback (provider API keys, which configure real providers; proxies; modelmux's own
 * settings, which the command lines set; NODE_OPTIONS).
 */
function childEnvironment(): NodeJS.ProcessEnv {
  const dropped = /(_API_KEY|_TOKEN|_PROXY)$|^(MODELMUX_.*|PORT|HOST|LOG_LEVEL|NODE_OPTIONS)$/i;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !dropped.test(name)));
}

/** Starts `node args...` on `core`, stdout and stderr appended to `logFile`; `environment` adds variables. */
export function startNode(name: string, core: number, args: string[], logFile: string, cwd: string, environment: Record<string, string> = {}): Managed {
  const [command, commandArgs] = pinnedNode(core, args);
  const log = openSync(logFile, 'a');
  const child = spawn(command, commandArgs, { cwd, stdio: ['ignore', log, log], env: { ...childEnvironment(), ...environment } });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const managed: Managed = {
    name,
    child,
    pid: child.pid,
    logFile,
    exited: false,
    stop: () => stopProcess(managed),
  };
  child.once('exit', () => {
    managed.exited = true;
    running.delete(managed);
  });
  running.add(managed);
  return managed;
}

function stopProcess(managed: Managed): Promise<void> {
  if (managed.exited) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => managed.child.kill('SIGKILL'), 3_000);
    managed.child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    managed.child.kill('SIGTERM');
  });
}

/** The last lines of a process's log, for error messages. */
export function logTail(managed: Managed, lines = 15): string {
  try {
    return readFileSync(managed.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `url` with GET until it answers 200 (or any HTTP status, with `anyStatus`), the process
 * exits, or `timeoutMs` passes.
 */
export async function waitUntilReady(managed: Managed, url: string, timeoutMs: number, anyStatus = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (managed.exited) throw new Error(`${managed.name} exited during start-up:\n${logTail(managed)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200 || anyStatus) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${managed.name} not ready at ${url} after ${timeoutMs} ms (${last}):\n${logTail(managed)}`);
}
