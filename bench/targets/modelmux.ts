// modelmux itself: `modelmux serve` on the gateway core as deployed by default (ledger on, in the
// work directory), logging at info level to a file, routing the
// public model `bench-model` to the simulator's `fast` model. For the large-prompt measurement
// (bench/large-prompt.ts) it also has one provider per wire format, all on the simulator:
// `chat/...` (Chat Completions), `claude/...` (Messages), `google/...` (Gemini), `aws/...` (Bedrock
// Converse) and `responses/...` (Responses).
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
    '  - id: chat',
    '    type: openai-compatible',
    `    base_url: ${simulatorUrl}/v1`,
    '    discover_models: false',
    '  - id: claude',
    '    type: anthropic',
    `    base_url: ${simulatorUrl}/v1`,
    '    api_key: sk-bench',
    '    discover_models: false',
    '  - id: google',
    '    type: gemini',
    `    base_url: ${simulatorUrl}/v1beta`,
    '    api_key: sk-bench',
    '    discover_models: false',
    '  - id: aws',
    '    type: bedrock',
    `    base_url: ${simulatorUrl}`,
    '    settings: { AWS_REGION: us-east-1, AWS_BEARER_TOKEN_BEDROCK: dummy }',
    '    discover_models: false',
    '  - id: responses',
    '    type: openai',
    `    base_url: ${simulatorUrl}/v1`,
    '    api_key: sk-bench',
    '    format: openai-responses',
    '    discover_models: false',
    '',
  ].join('\n');
}

/** `modelmux serve` on the gateway core with a config of its own, once it answers /ready. */
export async function serveModelmux(context: StartContext, options: { name: string; config: string; logLevel: string; dataDir: string; environment?: Record<string, string> }): Promise<{ origin: string; pid: number; logFile: string; stop(): Promise<void> }> {
  const port = await freePort();
  const configFile = join(context.workDirectory, `${options.name}.yaml`);
  writeFileSync(configFile, options.config);
  const logFile = join(context.workDirectory, `${options.name}.log`);
  const args = [join(context.projectDirectory, 'src/cli/main.ts'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--config', configFile, '--log-level', options.logLevel, '--data-dir', options.dataDir];
  const managed = startNode(options.name, context.gatewayCore, args, logFile, context.projectDirectory, options.environment);
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(managed, `${origin}/ready`, 20_000);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return { origin, pid: managed.pid, logFile, stop: () => managed.stop() };
}

export async function startModelmux(context: StartContext): Promise<RunningTarget> {
  const managed = await serveModelmux(context, { name: 'modelmux', config: configYaml(context.simulatorUrl), logLevel: 'info', dataDir: join(context.workDirectory, 'ledger') });
  return {
    name: 'modelmux',
    origin: managed.origin,
    gatewayPid: managed.pid,
    logFile: managed.logFile,
    request: (scenario) => chatRequest('bench-model', scenario, {}),
    stop: () => managed.stop(),
  };
}
