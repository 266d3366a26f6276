// `npm test`: every test file of src/ and test/, in one Node process per core rather than one per
// file. Most of a process per file went on starting Node and loading the gateway's modules again
// (77 s wall and 142 s of CPU for the suite on a 2-core machine, against 26 s and 42 s this way).
// The files of a shard share their process (`--test-isolation=none`), so a test file must not leave
// state behind that another could trip on (test/simulator-helpers.ts shares its simulator so).
// Each shard's report is printed whole when it ends, so the reports do not interleave.
//   npm test                        all of it
//   npm test -- test/foo.test.ts    just those files (or any `node --test` options), in one process
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const base = ['--import', './test/compile-cache.ts', '--test', '--test-isolation=none', '--test-force-exit'];
const files = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const extra = process.argv.slice(2);
const shards = extra.length > 0 ? 1 : Math.max(1, Math.min(4, availableParallelism()));

function runShard(index: number): Promise<number> {
  const args = extra.length > 0 ? [...base, ...extra] : [...base, ...(shards > 1 ? [`--test-shard=${index}/${shards}`] : []), ...files];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('close', (code, signal) => {
      if (shards > 1) process.stdout.write(`\n# shard ${index} of ${shards}\n`);
      process.stdout.write(Buffer.concat(output));
      resolve(code ?? (signal === null ? 1 : 128));
    });
  });
}

const codes = await Promise.all(Array.from({ length: shards }, (_, index) => runShard(index + 1)));
const failed = codes.filter((code) => code !== 0).length;
if (shards > 1) process.stdout.write(`\n# ${shards} shards: ${failed === 0 ? 'all passed' : `${failed} failed`}\n`);
process.exitCode = failed === 0 ? 0 : 1;
