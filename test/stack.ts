// Test fixture: the simulator plus a gateway in front of it, both on 127.0.0.1 with ephemeral ports,
// and an `openai` SDK client pointed at the gateway. Log lines are captured for assertions.
import Anthropic from '@anthropic-ai/sdk';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import type { GatewayConfig, ModelConfig, ProviderConfig, RoutingConfig, Timeouts } from '../src/config/types.ts';
import { modelConfig, providerAt } from '../src/config/providers.ts';
import { defaultBodyLimitBytes, defaultRouting, defaultTimeouts } from '../src/config/types.ts';
import { builtinPresets } from '../src/routing/presets.ts';
import type { Preset } from '../src/routing/presets.ts';
import { startSimulator } from '../src/simulator/index.ts';
import type { Simulator, SimulatorKnobs } from '../src/simulator/index.ts';
import { closeAtOnce, createGateway } from '../src/http/server.ts';
import type { Gateway } from '../src/http/server.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { openAccount } from '../src/accounts/auth.ts';
import { newCallContext } from '../src/engine/call.ts';
import { clientClosed } from '../src/errors/gateway-error.ts';
import type { SelfCall } from '../src/engine/model-client.ts';

export const providerKey = 'sk-test-provider-secret-0123456789';
export const recordedFixtures = new URL('./fixtures/recorded/', import.meta.url);

export interface Stack {
  simulator: Simulator;
  gateway: Gateway;
  baseUrl: string;
  client: OpenAI;
  /** `@anthropic-ai/sdk` pointed at the gateway, as Claude Code would be with ANTHROPIC_BASE_URL. */
  anthropic: Anthropic;
  logs: string[];
  close(): Promise<void>;
}

export interface StackOptions {
  knobs?: Partial<SimulatorKnobs>;
  timeouts?: Partial<Timeouts>;
  bodyLimitBytes?: number;
  /** More providers; a function receives the simulator's URL. */
  extraProviders?: ProviderConfig[] | ((simulatorUrl: string) => ProviderConfig[]);
  /** Replay the recordings of test/fixtures/recorded (model `replay:<folder>/<name>`). */
  fixtures?: boolean;
  /** Add one simulated provider per wire format (see formatProviders). */
  everyFormat?: boolean;
  routing?: Partial<RoutingConfig>;
  /** Presets besides the built-in ones. */
  presets?: Preset[];
  strictParams?: boolean;
  /** A data directory (ledger, keys); without one the gateway keeps no ledger. */
  dataDir?: string;
  /** Named fusions (`model: "fusion/<name>"`). */
  fusions?: GatewayConfig['fusions'];
  /** `compare:` (the review panel's judge and named panels). */
  compare?: GatewayConfig['compare'];
  /** Turns virtual keys on: every API request then needs one (or this key). */
  adminKey?: string;
  /** The gateway's clock (breakers, cooldowns, rate limits); a FakeClock lets a test move time. */
  clock?: { now(): number };
}

/** With `everyFormat`: the simulator as a provider of each format, so `<id>/<model>` picks the format. */
export const formatProviders = { chat: 'openai-chat', responses: 'openai-responses', claude: 'anthropic', google: 'gemini', aws: 'bedrock-converse' } as const;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const simulator = await startSimulator({ port: 0, knobs: { ttftMs: 0, tokensPerSecond: 0, ...options.knobs }, fixturesDir: options.fixtures ? fileURLToPath(recordedFixtures) : undefined });
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  const formatConfigs = options.everyFormat
    ? [
        provider('chat', `${simulator.url}/v1`, timeouts),
        { ...provider('responses', `${simulator.url}/v1`, timeouts, [], 'openai'), formats: ['openai-responses' as const] },
        provider('claude', `${simulator.url}/v1`, timeouts, [], 'anthropic'),
        provider('google', `${simulator.url}/v1beta`, timeouts, [], 'gemini'),
        provider('aws', simulator.url, timeouts, [], 'bedrock'),
      ]
    : [];
  const config: GatewayConfig = {
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: options.bodyLimitBytes ?? defaultBodyLimitBytes,
    logLevel: 'debug',
    timeouts,
    providers: [
      provider('sim', `${simulator.url}/v1`, timeouts, [
        { id: 'test-model', upstream: 'upstream-model', inputPrice: 0.1, outputPrice: 0.2, contextWindow: 8192 },
        { id: 'echo-model', upstream: 'echo' },
      ]),
      ...formatConfigs,
      ...(typeof options.extraProviders === 'function' ? options.extraProviders(simulator.url) : (options.extraProviders ?? [])),
    ],
    sources: ['test'],
    strictParams: options.strictParams ?? false,
    discoverLocal: false,
    // No pause between retry rounds unless a test asks for one: the backoff's own tests set it.
    routing: { ...defaultRouting, backoffMs: 0, ...options.routing },
    presets: [...builtinPresets, ...(options.presets ?? [])],
    dataDir: options.dataDir ?? null,
    fusions: options.fusions ?? [],
    compare: options.compare,
    adminKey: options.adminKey ?? null,
  };
  const logs: string[] = [];
  const gateway = createGateway(config, { logger: createLogger('debug', { write: (line: string) => logs.push(line) }), clock: options.clock });
  const address = await gateway.listen();
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'client-key-not-checked-yet', maxRetries: 0, timeout: 20_000 });
  const anthropic = new Anthropic({ baseURL: baseUrl, apiKey: 'client-key-not-checked-yet', maxRetries: 0, timeout: 20_000 });
  return {
    simulator,
    gateway,
    baseUrl,
    client,
    anthropic,
    logs,
    async close() {
      await gateway.close(closeAtOnce);
      await simulator.close();
    },
  };
}

/** A provider of the given kind (default: a generic OpenAI-compatible one) served by the simulator. */
export function provider(id: string, baseUrl: string, timeouts: Timeouts, models: (Partial<ModelConfig> & { id: string })[] = [], kind = 'openai-compatible'): ProviderConfig {
  const config = providerAt(kind, id, baseUrl, timeouts, providerKey);
  config.forwardHeaders = [...config.forwardHeaders, 'x-sim-*'];
  config.models = models.map(modelConfig);
  config.discoverModels = false;
  return config;
}

/** Fault and pacing headers for one request, passed through to the simulator. */
export function sim(knobs: Record<string, string | number>): { headers: Record<string, string> } {
  return { headers: Object.fromEntries(Object.entries(knobs).map(([name, value]) => [`x-sim-${name}`, String(value)])) };
}

export const hello: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Say hello to the gateway' }];

/** A fusion's or comparison's way to call models, in process, on behalf of a caller with these
 * headers (an open gateway's caller), ended when `signal` aborts. */
export function selfCall(stack: Stack, headers: Record<string, string> = {}, signal: AbortSignal = new AbortController().signal, groupId = 'fus_test'): SelfCall {
  const controller = new AbortController();
  signal.addEventListener('abort', () => controller.abort(clientClosed()), { once: true });
  const parent = newCallContext({ requestId: 'test-caller', headers, account: openAccount, controller, stream: true, ledger: null });
  return { runner: stack.gateway.runner, parent, groupId, provider: null, allowFusion: false };
}
