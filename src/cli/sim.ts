// `modelmux sim`: runs the provider simulator in the foreground until SIGINT or SIGTERM.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { simulatorEndpoints, startSimulator } from '../simulator/index.ts';
import type { SimulatorFault, SimulatorKnobs } from '../simulator/index.ts';
import type { CommandIo } from './io.ts';
import { processIo } from './io.ts';

const usage = `modelmux sim - run the provider simulator (OpenAI, Anthropic, Gemini, Bedrock on one port)

Usage: modelmux sim [options]

Options:
  --port N               port to listen on (default 9001; 0 picks a free one)
  --host H               address to listen on (default 127.0.0.1)
  --ttft-ms N            delay before the first token, in ms (default 0)
  --tokens-per-second N  streaming speed; 0 sends everything at once (default 0)
  --output-tokens N      words per generated answer (default 16)
  --fault F              inject a fault into every answer: 429, 500, 503, reset, stall, cut, malformed
  --fixtures DIR         recordings for replay:<folder>/<name> models
                         (default: the recordings in modelmux's test/fixtures/recorded)
  --help, -h             show this help

Requests can override every knob with x-sim-* headers; see docs/simulator.md.`;

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '9001' },
      host: { type: 'string', default: '127.0.0.1' },
      'ttft-ms': { type: 'string' },
      'tokens-per-second': { type: 'string' },
      'output-tokens': { type: 'string' },
      fault: { type: 'string' },
      fixtures: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.log(usage);
    return 0;
  }

  const knobs: Partial<SimulatorKnobs> = {};
  if (values['ttft-ms'] !== undefined) knobs.ttftMs = count(values['ttft-ms'], '--ttft-ms');
  if (values['tokens-per-second'] !== undefined) knobs.tokensPerSecond = count(values['tokens-per-second'], '--tokens-per-second');
  if (values['output-tokens'] !== undefined) knobs.outputTokens = count(values['output-tokens'], '--output-tokens');
  if (values.fault !== undefined && values.fault !== 'none') knobs.fault = values.fault as SimulatorFault;

  const fixturesDir = values.fixtures !== undefined ? resolve(values.fixtures) : defaultFixtures();
  const simulator = await startSimulator({
    host: values.host,
    port: count(values.port ?? '9001', '--port'),
    knobs,
    fixturesDir,
  });
  const replay = fixturesDir === undefined ? 'no replay fixtures' : `replay from ${fixturesDir}`;
  io.log(`modelmux simulator listening on ${simulator.url} (${replay}), serving:\n${simulatorEndpoints.map((endpoint) => `  ${endpoint}`).join('\n')}`);

  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await simulator.close();
  return 0;
}

/** The recordings that ship with modelmux, found from this file so any working directory works. */
function defaultFixtures(): string | undefined {
  const candidate = fileURLToPath(new URL('../../test/fixtures/recorded', import.meta.url));
  return existsSync(candidate) ? candidate : undefined;
}

function count(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new Error(`${option} must be a non-negative number, got "${text}"`);
  return value;
}
