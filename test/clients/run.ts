// `npm run test:clients`: the current Claude Code and Codex CLI, installed from the npm registry
// into .cache/clients (outside git), driven non-interactively through a gateway on the simulator:
// a one-shot prompt and a tool round trip, on the route that relays each CLI's format and on routes
// translated to the other formats, and once with the model each CLI asks for when not told (the
// user who only changes the base URL), translated to a Chat Completions provider. Prints a
// pass/fail table; exits 1 when anything failed.
//   npm run test:clients [-- --no-install] [-- --only claude-code|codex]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultTimeouts } from '../../src/config/types.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { provider, startStack } from '../stack.ts';
import type { Stack } from '../stack.ts';
import { agents, installAgents, runAgent } from './agents.ts';
import type { Agent, AgentName, Run } from './agents.ts';
import type { Route } from './routes.ts';

const { values } = parseArgs({ options: { 'no-install': { type: 'boolean', default: false }, only: { type: 'string' } } });
const root = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = process.env.MODELMUX_CLIENTS_CACHE ?? `${root}.cache/clients`;

/** Each CLI's own format first (relayed), then the translated ones. */
const routes: Record<AgentName, Route[]> = {
  'claude-code': ['claude', 'chat', 'responses', 'google'],
  codex: ['responses', 'chat', 'claude', 'google'],
};

/** Where a provider of each format finds the tool's result in the request the gateway sent it. */
const toolResultMarks: Record<Route, string> = {
  chat: '"role":"tool"',
  responses: '"function_call_output"',
  claude: '"tool_result"',
  google: '"functionResponse"',
  aws: '"toolResult"',
};

/** Where a CLI is sent: a route, and the model it asks for (null: its own default). */
interface Target {
  route: Route;
  model: string | null;
  label: string;
}

interface Outcome {
  agent: AgentName;
  target: Target;
  check: 'one-shot' | 'tool round trip';
  problems: string[];
  durationMs: number;
}

const versions = installAgents(cacheDir, !values['no-install']);
const selected = Object.values(agents).filter((agent) => values.only === undefined || agent.name === values.only);
const defaults = await defaultModels(selected);
// The default models are served by a Chat Completions provider of their own: `chat/` would need a prefix.
const stack = await startStack({ everyFormat: true, extraProviders: (url) => [provider('defaults', `${url}/v1`, defaultTimeouts, Object.values(defaults).map((id) => ({ id })))] });
const targets = (agent: Agent): Target[] => [
  ...routes[agent.name].map((route, index) => ({ route, model: `${route}/sim-coder`, label: `${route}/${index === 0 ? ' (relayed)' : ''}` })),
  { route: 'chat' as const, model: null, label: `chat/ (default model ${defaults[agent.name]})` },
];
const outcomes: Outcome[] = [];
try {
  for (const agent of selected) {
    for (const target of targets(agent)) {
      outcomes.push(await oneShot(stack, agent, target));
      outcomes.push(await toolRoundTrip(stack, agent, target));
    }
  }
} finally {
  await stack.close();
}
printTable(outcomes);
process.exitCode = outcomes.every((outcome) => outcome.problems.length === 0) ? 0 : 1;

/** The model each CLI asks for when not told, from one turn against the simulator alone. */
async function defaultModels(chosen: Agent[]): Promise<Record<string, string>> {
  const simulator = await startSimulator({ port: 0 });
  const models: Record<string, string> = {};
  try {
    for (const agent of chosen) {
      await runAgent(agent, { cacheDir, baseUrl: simulator.url, model: null, prompt: 'Say hi.', simulatorTool: 'none', timeoutMs: 120_000 });
      const body = simulator.requests.find((request) => request.path.startsWith(agent.path))?.body as { model?: string } | undefined;
      models[agent.name] = body?.model ?? 'unknown';
    }
  } finally {
    await simulator.close();
  }
  return models;
}

async function oneShot(stack: Stack, agent: Agent, target: Target): Promise<Outcome> {
  const { run, upstream, problems } = await drive(stack, agent, target, 'Say hi.', 'none');
  if (upstream.length === 0) problems.push(`no request reached the ${target.route}/ provider`);
  return { agent: agent.name, target, check: 'one-shot', problems, durationMs: run.durationMs };
}

/** The simulator calls the CLI's shell tool; the CLI runs it (whatever it prints) and sends the
 * result back, which must reach the provider in its own format, and gets a text answer. */
async function toolRoundTrip(stack: Stack, agent: Agent, target: Target): Promise<Outcome> {
  const shell = target.model === null ? (agent.defaultModelShellTool ?? agent.shellTool) : agent.shellTool;
  const { run, upstream, problems } = await drive(stack, agent, target, 'Run `sim` in the shell and tell me what it printed.', shell);
  const { route } = target;
  const results = upstream.filter((body) => body.includes(toolResultMarks[route]));
  if (upstream.length < 2) problems.push(`${upstream.length} request(s) reached the ${route}/ provider, expected the tool call's and the result's`);
  else if (results.length === 0) problems.push(`the tool result never reached the ${route}/ provider`);
  return { agent: agent.name, target, check: 'tool round trip', problems, durationMs: run.durationMs };
}

/** One CLI turn through the gateway; returns the run, the bodies the provider behind `route`
 * received, and the gateway's answers that were not a success (a CLI may get over one). */
async function drive(stack: Stack, agent: Agent, target: Target, prompt: string, simulatorTool: string): Promise<{ run: Run; upstream: string[]; problems: string[] }> {
  stack.simulator.reset();
  stack.logs.length = 0;
  const run = await runAgent(agent, { cacheDir, baseUrl: stack.baseUrl, model: target.model, prompt, simulatorTool, timeoutMs: 120_000 });
  const upstream = stack.simulator.requests.filter((request) => request.method === 'POST').map((request) => JSON.stringify(request.body));
  const failures = stack.logs.map((line) => JSON.parse(line) as { msg?: string; method?: string; path?: string; status?: number; error?: string })
    .filter((entry) => entry.msg === 'request' && (entry.status ?? 0) >= 400)
    .map((entry) => `the gateway answered ${entry.method} ${entry.path} with ${entry.status}: ${entry.error ?? ''}`);
  return { run, upstream, problems: [...failures, ...runProblems(run)] };
}

function runProblems(run: Run): string[] {
  const problems: string[] = [];
  if (run.exitCode !== 0) problems.push(`exit ${run.exitCode}: ${lastLines(run.stderr || run.stdout)}`);
  else if (!run.stdout.includes('Simulated reply')) problems.push(`no simulated answer printed: ${lastLines(run.stdout)}`);
  for (const attempt of run.elsewhere) problems.push(`tried to reach ${attempt} (refused)`);
  return problems;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-4).join(' | ').slice(0, 600);
}

function printTable(results: Outcome[]): void {
  const header = ['client', 'route', 'one-shot', 'tool round trip'];
  const rows: string[][] = [];
  for (const agent of selected) {
    for (const target of targets(agent)) {
      const cell = (check: Outcome['check']): string => {
        const outcome = results.find((result) => result.agent === agent.name && result.target.label === target.label && result.check === check);
        if (!outcome) return '-';
        return `${outcome.problems.length === 0 ? 'pass' : 'FAIL'} (${(outcome.durationMs / 1000).toFixed(1)} s)`;
      };
      rows.push([`${agent.name} ${versions[agent.name]}`, target.label, cell('one-shot'), cell('tool round trip')]);
    }
  }
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
  for (const result of results.filter((outcome) => outcome.problems.length > 0)) {
    console.log(`\n${result.agent} ${result.target.label} ${result.check}:\n  ${result.problems.join('\n  ')}`);
  }
}
