// modelmux command line: `modelmux <command> [options]`. Each command lives in its own file.
import { readFileSync } from 'node:fs';

const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
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

async function main(argv: string[]): Promise<void> {
  const first = argv[0];
  if (first === '--version' || first === '-v') {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    console.log(manifest.version);
    return;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    console.log(usage);
    return;
  }
  const name = first === undefined || first.startsWith('-') ? 'serve' : first;
  const load = commands[name];
  if (!load) {
    console.error(`modelmux: unknown command "${name}"\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (name === 'serve') relaunchWithSmallYoungGeneration();
  const command = await load();
  await command.run(name === first ? argv.slice(1) : argv);
}

// V8 grows the young generation to tens of MB under a burst of connections and keeps it; for a proxy
// whose live heap is small that is most of its memory (1,000 open streams: ~200 MB by default, ~150 MB
// capped). The cap can only be set at launch, so `serve` re-executes itself once with it, in place
// (same pid, no extra process). An explicit setting in the command line or NODE_OPTIONS wins.
function relaunchWithSmallYoungGeneration(): void {
  const flag = '--max-semi-space-size';
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((argument) => argument.includes(flag))) return;
  if (typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, `${flag}=2`, ...process.execArgv, ...process.argv.slice(1)], process.env);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`modelmux: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
