// Captures what Claude Code and Codex CLI send, as fixtures for test/clients-replay.test.ts:
//   node test/clients/capture.ts [--update]
// Each agent runs against the simulator directly (it plays the agent's own wire format), once for a
// one-shot prompt and once for a tool round trip (the simulator calls the agent's shell tool, the
// agent runs it and sends the result back). Every request is saved with its headers, redacted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from '../../src/simulator/index.ts';
import { agents, installAgents, runAgent } from './agents.ts';
import type { Agent } from './agents.ts';
import { fixturesFolder, redactedRequest, secretsIn } from './fixtures.ts';
import type { ClientFixture } from './fixtures.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { update: { type: 'boolean', default: false } } });
const cacheDir = process.env.MODELMUX_CLIENTS_CACHE ?? `${root}.cache/clients`;
const versions = installAgents(cacheDir, values.update);
mkdirSync(fixturesFolder, { recursive: true });

const simulator = await startSimulator({ port: 0 });
let failed = false;
try {
  for (const agent of Object.values(agents)) {
    for (const turn of turns(agent)) {
      simulator.reset();
      const run = await runAgent(agent, { cacheDir, baseUrl: simulator.url, model: turn.model, prompt: turn.prompt, simulatorTool: turn.simulatorTool, timeoutMs: 120_000 });
      const requests = simulator.requests.filter((request) => request.method === 'POST' && request.path.startsWith(agent.path));
      const fixture: ClientFixture = {
        client: agent.name,
        version: versions[agent.name],
        turn: turn.name,
        prompt: turn.prompt,
        simulatorTool: turn.simulatorTool,
        requests: requests.map((request) => redactedRequest(request.method, request.path, request.headers, request.body)),
      };
      const text = JSON.stringify(fixture, null, 2) + '\n';
      const problems = [
        ...(run.exitCode === 0 ? [] : [`exit ${run.exitCode}: ${run.stderr.slice(-400)}`]),
        ...(requests.length === turn.requests ? [] : [`${requests.length} requests, expected ${turn.requests}`]),
        ...run.elsewhere.map((attempt) => `tried to reach ${attempt}`),
        ...secretsIn(text).map((secret) => `secret left: ${secret.slice(0, 12)}...`),
      ];
      const file = `${agent.name}-${turn.name}.json`;
      if (problems.length === 0) writeFileSync(new URL(file, fixturesFolder), text);
      else failed = true;
      console.log(`${file}: ${problems.length === 0 ? `${requests.length} requests saved` : problems.join('; ')} (${run.durationMs} ms)`);
    }
  }
} finally {
  await simulator.close();
}
process.exitCode = failed ? 1 : 0;

/** Each agent with its default model. Codex's default model gets its tools as an input item
 * (`additional_tools`, code mode) that the simulator does not play, so its tool round trip is
 * captured on a model that takes function tools. */
function turns(agent: Agent): Array<{ name: string; model: string | null; prompt: string; simulatorTool: string; requests: number }> {
  const toolModel = agent.name === 'codex' ? 'gpt-5.5' : null;
  return [
    { name: 'one-shot', model: null, prompt: 'Say hi.', simulatorTool: 'none', requests: 1 },
    { name: 'tool-turn', model: toolModel, prompt: 'Run `sim` in the shell and tell me what it printed.', simulatorTool: agent.shellTool, requests: 2 },
  ];
}
