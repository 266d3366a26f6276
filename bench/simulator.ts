// The simulated provider every target ends at: `modelmux sim`, its own process, on the load core.
import { join } from 'node:path';
import { startNode, waitUntilReady } from './processes.ts';
import type { Managed } from './processes.ts';
import { freePort } from './ports.ts';

export type RunningSimulator = {
  url: string;
  process: Managed;
};

export async function startSimulatorProcess(projectDirectory: string, workDirectory: string, core: number): Promise<RunningSimulator> {
  const port = await freePort();
  const managed = startNode(
    'simulator',
    core,
    [join(projectDirectory, 'src/cli/main.ts'), 'sim', '--host', '127.0.0.1', '--port', String(port)],
    join(workDirectory, 'simulator.log'),
    projectDirectory,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(managed, `${url}/v1/models`, 15_000, true);
  return { url, process: managed };
}
