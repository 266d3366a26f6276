// The baseline: the load generator talks to the simulator itself, no gateway in between.
import type { RunningTarget, StartContext } from './target.ts';
import { chatRequest } from './target.ts';

export async function startDirect(context: StartContext): Promise<RunningTarget> {
  return {
    name: 'direct',
    origin: context.simulatorUrl,
    gatewayPid: null,
    logFile: null,
    request: (scenario) => chatRequest('fast', scenario, {}),
    stop: async () => {},
  };
}
