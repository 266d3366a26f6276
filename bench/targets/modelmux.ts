// modelmux itself: `modelmux serve` on the gateway core, logging at info level to a file, routing the
// public model `bench-model` to the simulator's `fast` model.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, waitUntilReady } from '../processes.ts';
import { freePort } from '../ports.ts';
import type { RunningTarget, StartContext } from './target.ts';
import { chatRequest } from './target.ts';

function configYaml(simulatorUrl: string): string {
  return [
    'providers:',
    '  - id: bench',
    '    type: openai-compatible',
    `    base_url: ${simulatorUrl}/v1`,
    '    forward_headers: ["x-sim-*"]',
    '    models:',
    '      - id: bench-model',
    '        upstream: fast',
    '        input_price: 0.05',
    '        output_price: 0.08',
    '        context_window: 131072',
    '',
  ].join('\n');
}

export async function startModelmux(context: StartContext): Promise<RunningTarget> {
  const port = await freePort();
  const configFile = join(context.workDirectory, 'modelmux.yaml');
  writeFileSync(configFile, configYaml(context.simulatorUrl));
  const logFile = join(context.workDirectory, 'modelmux.log');
  const managed = startNode(
    'modelmux',
    context.gatewayCore,
    [join(context.projectDirectory, 'src/cli/main.ts'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--config', configFile, '--log-level', 'info'],
    logFile,
    context.projectDirectory,
  );
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(managed, `${origin}/ready`, 20_000);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return {
    name: 'modelmux',
    origin,
    gatewayPid: managed.pid,
    logFile,
    request: (scenario) => chatRequest('bench-model', scenario, {}),
    stop: () => managed.stop(),
  };
}
