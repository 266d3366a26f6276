// modelmux command line: `modelmux [serve|sim|bench] [options]`. Each command lives in its own file.
import { readFileSync } from 'node:fs';

const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  serve: () => import('./serve.ts'),
  sim: () => import('./sim.ts'),
  bench: () => import('./bench.ts'),
};

const usage = `modelmux - one OpenAI-compatible endpoint in front of many LLM providers

Usage: modelmux [command] [options]

Commands:
  serve   run the gateway (default)
  sim     run the provider simulator
  bench   run the benchmark

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
  const command = await load();
  await command.run(name === first ? argv.slice(1) : argv);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`modelmux: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
