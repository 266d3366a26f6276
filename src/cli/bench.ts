// `modelmux bench`: the load benchmark of the simulator direct, modelmux and the Portkey gateway.
// The work is in bench/; this file only reads the command line.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runBenchmark } from '../../bench/run.ts';
import type { TargetName } from '../../bench/targets/target.ts';
import { targetNames } from '../../bench/targets/target.ts';
import type { CommandIo } from './io.ts';
import { processIo } from './io.ts';

const usage = `Usage: modelmux bench [options]   (npm run bench -- [options])

Measures, in one run and one after another: the provider simulator direct, the same through a bare
node:http + undici relay (passthrough: what Node itself costs here), through modelmux, and through
the Portkey gateway; non-streamed and streamed. Loopback only; the gateway is
pinned to core 0, the simulator and the load generator to core 1 (taskset).

Options:
  --quick          short phases, the whole run in about 2.5 minutes (default: full, about 9)
  --only <list>    comma-separated targets besides the direct baseline (which always runs):
                   passthrough, modelmux, portkey (default: all three)
  --output <file>  where to write the JSON results (default: bench/results/latest.json)
  --keep-logs      keep the gateway and simulator logs (their directory is printed)
  --help, -h       show this help`;

const defaultOutput = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));

function parseTargets(list: string): TargetName[] {
  const names = list.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  for (const name of names) {
    if (!(targetNames as readonly string[]).includes(name)) throw new Error(`unknown target "${name}" (known: ${targetNames.join(', ')})`);
  }
  return names as TargetName[];
}

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      output: { type: 'string' },
      'keep-logs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.log(usage);
    return 0;
  }
  const quick = values.quick ?? false;
  // The whole run is bounded too: the phases are, and this stops anything that hangs besides.
  const limitMs = quick ? 5 * 60_000 : 20 * 60_000;
  const guard = setTimeout(() => {
    io.error(`bench: still running after ${limitMs / 60_000} minutes, giving up`);
    process.exit(1);
  }, limitMs);
  try {
    await runBenchmark({
      quick,
      only: values.only === undefined ? null : parseTargets(values.only),
      keepLogs: values['keep-logs'] ?? false,
      outputFile: values.output ?? defaultOutput,
      command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    });
  } finally {
    clearTimeout(guard);
  }
  return 0;
}
