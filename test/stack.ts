// Test fixture: the simulator plus a gateway in front of it, both on 127.0.0.1 with ephemeral ports,
// and an `openai` SDK client pointed at the gateway. Log lines are captured for assertions.
import OpenAI from 'openai';
import type { GatewayConfig, ProviderConfig, Timeouts } from '../src/config/types.ts';
import { defaultBodyLimitBytes, defaultTimeouts } from '../src/config/types.ts';
import { startSimulator } from '../src/simulator/index.ts';
import type { Simulator, SimulatorKnobs } from '../src/simulator/index.ts';
import { createGateway } from '../src/surface/server.ts';
import type { Gateway } from '../src/surface/server.ts';
import { createLogger } from '../src/telemetry/logger.ts';

export const providerKey = 'sk-test-provider-secret-0123456789';

export interface Stack {
  simulator: Simulator;
  gateway: Gateway;
  baseUrl: string;
  client: OpenAI;
  logs: string[];
  close(): Promise<void>;
}

export interface StackOptions {
  knobs?: Partial<SimulatorKnobs>;
  timeouts?: Partial<Timeouts>;
  bodyLimitBytes?: number;
  extraProviders?: ProviderConfig[];
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const simulator = await startSimulator({ port: 0, knobs: { ttftMs: 0, tokensPerSecond: 0, ...options.knobs } });
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  const config: GatewayConfig = {
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: options.bodyLimitBytes ?? defaultBodyLimitBytes,
    logLevel: 'debug',
    timeouts,
    providers: [
      provider('sim', `${simulator.url}/v1`, timeouts, [
        { id: 'test-model', upstream: 'upstream-model', inputPrice: 0.1, outputPrice: 0.2, contextWindow: 8192 },
        { id: 'echo-model', upstream: 'echo', inputPrice: null, outputPrice: null, contextWindow: null },
      ]),
      ...(options.extraProviders ?? []),
    ],
    sources: ['test'],
  };
  const logs: string[] = [];
  const gateway = createGateway(config, { logger: createLogger('debug', { write: (line: string) => logs.push(line) }) });
  const address = await gateway.listen();
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'client-key-not-checked-yet', maxRetries: 0, timeout: 20_000 });
  return {
    simulator,
    gateway,
    baseUrl,
    client,
    logs,
    async close() {
      await gateway.close(0);
      await simulator.close();
    },
  };
}

export function provider(id: string, baseUrl: string, timeouts: Timeouts, models: ProviderConfig['models'] = []): ProviderConfig {
  return {
    id,
    type: 'openai-compatible',
    baseUrl,
    apiKey: providerKey,
    headers: {},
    forwardHeaders: ['x-sim-*'],
    streamUsage: true,
    models,
    discoverModels: false,
    timeouts,
    description: null,
  };
}

/** Fault and pacing headers for one request, passed through to the simulator. */
export function sim(knobs: Record<string, string | number>): { headers: Record<string, string> } {
  return { headers: Object.fromEntries(Object.entries(knobs).map(([name, value]) => [`x-sim-${name}`, String(value)])) };
}

export const hello: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Say hello to the gateway' }];
