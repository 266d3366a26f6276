// The command line without the process around it: `modelmux <command> [options]` to an exit status,
// output and errors going through the io it is given. main.ts runs it for real; tests run it in
// process. Each command lives in its own file.
import { readFileSync } from 'node:fs';
import type { Command, CommandIo } from './io.ts';
import { processIo } from './io.ts';

const commands: Record<string, () => Promise<{ run: Command }>> = {
  serve: () => import('./serve.ts'),
  sim: () => import('./sim.ts'),
  bench: () => import('./bench.ts'),
  models: () => import('./models.ts'),
  route: () => import('./route.ts'),
  keys: () => import('./keys.ts'),
  usage: () => import('./usage.ts'),
  compare: () => import('./compare.ts'),
};

const usage = `modelmux - one OpenAI-compatible endpoint in front of many LLM providers

Usage: modelmux [command] [options]

Commands:
  serve   run the gateway (default)
  sim     run the provider simulator
  bench   run the benchmark
  models  list the models and provider offers this configuration serves
  route   show how a model would be routed (ranked providers, exclusions)
  keys    create, list, show and revoke virtual keys
  usage   spend and tokens by key, team, model, provider or day (CSV with --csv)
  compare run one prompt through several models side by side, with a review panel

Options:
  --help, -h     show help (also: modelmux <command> --help)
  --version, -v  print the version`;

/** The command the arguments name (serve when none is named), or null for --help and --version. */
export function commandName(argv: string[]): string | null {
  const first = argv[0];
  if (first === '--version' || first === '-v' || first === '--help' || first === '-h' || first === 'help') return null;
  return first === undefined || first.startsWith('-') ? 'serve' : first;
}

/** Runs one command line; a command's failure is reported as `modelmux: <message>` with status 1. */
export async function runCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.error(`modelmux: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function dispatch(argv: string[], io: CommandIo): Promise<number> {
  const first = argv[0];
  if (first === '--version' || first === '-v') {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    io.log(manifest.version);
    return 0;
  }
  const name = commandName(argv);
  if (name === null) {
    io.log(usage);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.error(`modelmux: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const command = await load();
  return command.run(name === first ? argv.slice(1) : argv, io);
}
