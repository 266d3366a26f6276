// Optional reference target (`--only passthrough`): passthrough-server.ts on the gateway core.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, waitUntilReady } from '../processes.ts';
import { freePort } from '../ports.ts';
import type { RunningTarget, StartContext } from './target.ts';
import { chatRequest } from './target.ts';

const serverPath = fileURLToPath(new URL('./passthrough-server.ts', import.meta.url));

export async function startPassthrough(context: StartContext): Promise<RunningTarget> {
  const port = await freePort();
  const logFile = join(context.workDirectory, 'passthrough.log');
  const managed = startNode('passthrough', context.gatewayCore, [serverPath, `${context.simulatorUrl}`, String(port)], logFile, context.projectDirectory);
  const origin = `http://127.0.0.1:${port}`;
  try {
    // Any answer means it listens (it has no readiness route).
    await waitUntilReady(managed, `${origin}/`, 10_000, true);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return {
    name: 'passthrough',
    origin,
    gatewayPid: managed.pid,
    logFile: null,
    request: (scenario) => chatRequest('fast', scenario, {}),
    stop: () => managed.stop(),
  };
}
