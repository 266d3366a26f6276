// Claude Code and Codex CLI, run non-interactively against a base URL on 127.0.0.1: installed from
// the npm registry into a cache folder outside git, started with telemetry, updates and every
// non-essential call off, and behind a proxy that refuses and notes any connection they try to open
// elsewhere, so a run never leaves the machine and says when a client tried to.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type AgentName = 'claude-code' | 'codex';

export interface Agent {
  name: AgentName;
  /** The npm package. */
  package: string;
  /** Its executable, under the cache's node_modules/.bin. */
  bin: string;
  /** The path its model requests go to. */
  path: string;
  /** The tool the simulator makes it call for a tool round trip: its shell. */
  shellTool: string;
  /** The same with the CLI's own default model, where that declares its tools otherwise (Codex's
   * code mode: a custom `exec` in the `functions` namespace, flattened for a translated provider). */
  defaultModelShellTool?: string;
}

export const agents: Record<AgentName, Agent> = {
  'claude-code': { name: 'claude-code', package: '@anthropic-ai/claude-code', bin: 'claude', path: '/v1/messages', shellTool: 'Bash' },
  codex: { name: 'codex', package: '@openai/codex', bin: 'codex', path: '/v1/responses', shellTool: 'exec_command', defaultModelShellTool: 'functions__exec' },
};

/** Installs the current versions when `update` or when missing; returns the installed versions. */
export function installAgents(cacheDir: string, update: boolean): Record<AgentName, string> {
  mkdirSync(cacheDir, { recursive: true });
  const missing = Object.values(agents).some((agent) => !existsSync(join(cacheDir, 'node_modules', '.bin', agent.bin)));
  if (update || missing) {
    if (!existsSync(join(cacheDir, 'package.json'))) writeFileSync(join(cacheDir, 'package.json'), '{ "name": "modelmux-clients-cache", "private": true }\n');
    const specs = Object.values(agents).map((agent) => `${agent.package}@latest`);
    const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', cacheDir, ...specs], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`npm install ${specs.join(' ')} failed (exit ${result.status})`);
  }
  const version = (agent: Agent): string =>
    (JSON.parse(readFileSync(join(cacheDir, 'node_modules', agent.package, 'package.json'), 'utf8')) as { version: string }).version;
  return { 'claude-code': version(agents['claude-code']), codex: version(agents.codex) };
}

export interface RunOptions {
  cacheDir: string;
  /** The server's root, e.g. http://127.0.0.1:4000 (no /v1). */
  baseUrl: string;
  /** null: the agent's own default model. */
  model: string | null;
  prompt: string;
  /** The `x-sim-tool` header every model request carries: a tool name, or `none`. */
  simulatorTool: string;
  timeoutMs: number;
}

export interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Connections the agent tried to open elsewhere than the base URL (all refused). */
  elsewhere: string[];
  durationMs: number;
}

/** Runs one non-interactive turn of `agent`; never rejects on the agent's failure, only reports it. */
export async function runAgent(agent: Agent, options: RunOptions): Promise<Run> {
  // A fresh HOME, also the working directory: no state from an earlier run, and no git repository
  // for the agent to describe in its prompt.
  const home = mkdtempSync(join(tmpdir(), `modelmux-${agent.name}-`));
  mkdirSync(join(home, '.codex'));
  const proxy = await startRefusingProxy();
  const started = performance.now();
  try {
    const { args, env } = agent.name === 'claude-code' ? claudeCode(options) : codex(options, home);
    const child = spawn(join(options.cacheDir, 'node_modules', '.bin', agent.bin), args, {
      cwd: home,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...proxy.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    clearTimeout(timer);
    return { exitCode, stdout, stderr, elsewhere: proxy.attempts, durationMs: Math.round(performance.now() - started) };
  } finally {
    await proxy.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** `claude -p`, its documented switches for a machine with no network but the base URL. */
function claudeCode(options: RunOptions): { args: string[]; env: Record<string, string> } {
  return {
    args: ['-p', options.prompt, ...(options.model === null ? [] : ['--model', options.model])],
    env: {
      ANTHROPIC_BASE_URL: options.baseUrl,
      ANTHROPIC_API_KEY: 'sk-ant-not-a-real-key',
      ANTHROPIC_CUSTOM_HEADERS: `x-sim-tool: ${options.simulatorTool}`,
      // Background calls for titles and summaries go to the small model: keep them on the same route.
      ...(options.model === null ? {} : { ANTHROPIC_DEFAULT_HAIKU_MODEL: options.model }),
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  };
}

/** `codex exec` with a custom model provider; its plugin, app and analytics calls otherwise reach
 * github.com and chatgpt.com at start. */
function codex(options: RunOptions, home: string): { args: string[]; env: Record<string, string> } {
  const provider = `{ name = "modelmux", base_url = "${options.baseUrl}/v1", env_key = "MODELMUX_API_KEY", wire_api = "responses", `
    + `http_headers = { "x-sim-tool" = "${options.simulatorTool}" } }`;
  return {
    args: [
      'exec', '--skip-git-repo-check',
      '--disable', 'plugins', '--disable', 'remote_plugin', '--disable', 'apps',
      '-c', 'analytics.enabled=false', '-c', 'check_for_update_on_startup=false',
      '-c', 'model_provider=modelmux', '-c', `model_providers.modelmux=${provider}`,
      ...(options.model === null ? [] : ['-m', options.model]), options.prompt,
    ],
    env: { CODEX_HOME: join(home, '.codex'), MODELMUX_API_KEY: 'sk-not-a-real-key' },
  };
}

interface RefusingProxy {
  env: Record<string, string>;
  attempts: string[];
  close(): Promise<void>;
}

/** An HTTP(S) proxy on 127.0.0.1 that refuses everything; loopback bypasses it through NO_PROXY. */
async function startRefusingProxy(): Promise<RefusingProxy> {
  const attempts: string[] = [];
  const server = createServer((request, response) => {
    attempts.push(`${request.method} ${request.url}`);
    response.writeHead(403).end();
  });
  server.on('connect', (request, socket) => {
    attempts.push(`CONNECT ${request.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const loopback = '127.0.0.1,localhost,::1';
  return {
    env: { HTTP_PROXY: url, HTTPS_PROXY: url, ALL_PROXY: url, http_proxy: url, https_proxy: url, all_proxy: url, NO_PROXY: loopback, no_proxy: loopback },
    attempts,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
