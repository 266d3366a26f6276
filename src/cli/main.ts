// modelmux command line: `modelmux <command> [options]`. The commands are in commands.ts; this file
// is what only a real process does: relaunch itself for `serve`, and set the exit status.
import { commandName, runCommand } from './commands.ts';

const argv = process.argv.slice(2);
if (commandName(argv) === 'serve') relaunchWithSmallYoungGeneration();
process.exitCode = await runCommand(argv);

// V8 grows the young generation to 16 MB per semi-space under a burst of connections and keeps it;
// for a proxy whose live heap is small that is much of its memory. Capped too small (2 MB), request
// objects still alive at two scavenges in a row are promoted and only a full mark-compact frees them:
// measured with callgrind, 2 MB cost 20% more instructions per request (1.73M against 1.39M whole,
// 2.76M against 2.39M streamed) for no clear saving with 1,000 open streams. 8 MB is the middle
// (see BENCHMARKS.md). The cap can only be set at launch, so `serve` re-executes itself once with it,
// in place (same pid, no extra process). An explicit setting in the command line or NODE_OPTIONS wins.
function relaunchWithSmallYoungGeneration(): void {
  const flag = '--max-semi-space-size';
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((argument) => argument.includes(flag))) return;
  if (typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, `${flag}=8`, ...process.execArgv, ...process.argv.slice(1)], process.env);
}
