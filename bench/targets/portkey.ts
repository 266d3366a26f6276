// The peer: the Portkey AI gateway (npm @portkey-ai/gateway, a devDependency), run from its own
// start-server.js with --headless on the gateway core. It reaches the simulator as an OpenAI
// provider with a custom host, and forwards the simulator's knob headers on request.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, waitUntilReady } from '../processes.ts';
import { freePort } from '../ports.ts';
import type { RunningTarget, Scenario, StartContext } from './target.ts';
import { chatRequest, knobHeaders } from './target.ts';

const loopbackPreload = fileURLToPath(new URL('./portkey-loopback.ts', import.meta.url));

/** Path of Portkey's start-server.js, or an explanation of why it is not there. */
export function findPortkey(projectDirectory: string): { script: string; version: string } | { missing: string } {
  let manifestPath: string;
  try {
    manifestPath = createRequire(join(projectDirectory, 'package.json')).resolve('@portkey-ai/gateway/package.json');
  } catch {
    return { missing: '@portkey-ai/gateway is not installed (npm install --save-dev @portkey-ai/gateway)' };
  }
  const script = join(dirname(manifestPath), 'build', 'start-server.js');
  if (!existsSync(script)) return { missing: `${script} does not exist` };
  const version = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string }).version;
  return { script, version };
}

export async function startPortkey(context: StartContext): Promise<RunningTarget> {
  const found = findPortkey(context.projectDirectory);
  if ('missing' in found) throw new Error(found.missing);
  const port = await freePort();
  const logFile = join(context.workDirectory, 'portkey.log');
  const managed = startNode(
    'portkey',
    context.gatewayCore,
    ['--import', loopbackPreload, found.script, '--headless', `--port=${port}`],
    logFile,
    context.projectDirectory,
  );
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(managed, `${origin}/`, 20_000);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  const routing = {
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${context.simulatorUrl}/v1`,
  };
  // Portkey passes on only the request headers it is told to.
  const forwarding = (scenario: Scenario): Record<string, string> => {
    const names = Object.keys(knobHeaders(scenario));
    return names.length === 0 ? routing : { ...routing, 'x-portkey-forward-headers': names.join(',') };
  };
  return {
    name: 'portkey',
    origin,
    gatewayPid: managed.pid,
    logFile,
    request: (scenario) => chatRequest('fast', scenario, forwarding(scenario)),
    stop: () => managed.stop(),
  };
}
