// modelmux command line: `modelmux <command> [options]`. The commands are in commands.ts; this file
// is what only a real process does: relaunch itself for `serve`, and set the exit status.
import { commandName, runCommand } from './commands.ts';

const argv = process.argv.slice(2);
if (commandName(argv) === 'serve') relaunchWithSmallYoungGeneration();
process.exitCode = await runCommand(argv);

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
