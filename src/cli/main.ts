// modelmux command line: `modelmux <command> [options]`. The commands are in commands.ts; this file
// is what only a real process does: relaunch itself for `serve`, hold its ballast (see heldForGc),
// and set the exit status.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandName, runCommand } from './commands.ts';

const argv = process.argv.slice(2);
if (commandName(argv) === 'serve') relaunchWithServeSettings();
// Exported so it stays referenced for the life of the process: see the comment above heldForGc.
export const gcBallast = commandName(argv) === 'serve' ? heldForGc() : null;
process.exitCode = await runCommand(argv);

// V8 grows the young generation to 16 MB per semi-space under a burst of connections and keeps it;
// for a proxy whose live heap is small that is much of its memory. Capped too small (2 MB), request
// objects still alive at two scavenges in a row are promoted and only a full mark-compact frees them:
// measured with callgrind, 2 MB cost 20% more instructions per request (1.73M against 1.39M whole,
// 2.76M against 2.39M streamed) for no clear saving with 1,000 open streams. 4 MB measured best
// (2026-12-05, callgrind, ledger on): 1.13M and 1.16M instructions per streamed request against
// 1.25M and 1.28M at 8 MB, 0.96M whole against 1.01M, and about 9 MB less with 1,000 open streams
// (see BENCHMARKS.md). The cap can only be set at launch, so `serve` re-executes itself once with it,
// in place (same pid, no extra process). An explicit setting in the command line or NODE_OPTIONS wins.
// The relaunched process also gets Node's compile cache (NODE_COMPILE_CACHE, unless already set; its
// entries are checked against each file and the Node version): from the second start on, the
// TypeScript is not stripped again, so Node's type stripper (a WebAssembly module) is never loaded,
// which leaves the gateway 24 MB smaller (117 against 93 MB idle) and quicker to start.
// V8's allocation-site pretenuring is turned off (--no-allocation-site-pretenuring). Under concurrent
// load the objects of the requests in flight are often alive at a young collection, so V8 starts
// allocating them straight in the old generation; there, once their request is over, each keeps
// every young object it points to alive through each young collection. Measured on a start that
// compiles its sources (the first, or with the compile cache off), 32 streamed connections, with
// the ballast below: 14.5 KB per request promoted and four full collections per 10,000 requests
// with V8's pretenuring, 0.1 KB and none without (BENCHMARKS.md, "2026-12-07"); from a warm cache
// the two measured the same. Nothing is lost: what the gateway keeps for long is built at start.
// Node refuses this flag in NODE_OPTIONS; given on node's own command line
// (`node --allocation-site-pretenuring .../main.ts serve`) the opposite flag comes later and wins.
// And glibc's malloc gets two arenas (MALLOC_ARENA_MAX, unless already set): the main thread's and
// one V8's helper threads share. By default each helper thread (the compiler's, the collector's)
// gets an arena of its own, and what the compiler frees there while the gateway warms up stays
// resident: with 1,000 open streams about 10 MB less and steadier (159-166 MB against 173-176 MB in the
// bench's own open-streams job, three starts each; BENCHMARKS.md).
// V8 optimizes a function with its top compiler after 1,000 calls (--invocation-count-for-turbofan;
// its default, 3,000, suits pages that run briefly). The request path is many functions called once
// or twice per request: with the default, a fresh gateway at one connection settles only after about
// 13,000 requests, and until then its slowest 1% take 3 to 9 ms (unoptimized code, and a wave of
// compilations on its core); with 1,000 it settles after about 4,000. Loaded, the two spend the same
// CPU a request (BENCHMARKS.md, "2026-12-07 (night)").
function relaunchWithServeSettings(): void {
  const flag = '--max-semi-space-size';
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((argument) => argument.includes(flag))) return;
  if (typeof process.execve !== 'function') return;
  const environment = {
    ...process.env,
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'modelmux-compile-cache'),
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
  };
  process.execve(process.execPath, [process.execPath, `${flag}=4`, '--no-allocation-site-pretenuring', '--invocation-count-for-turbofan=1000', ...process.execArgv, ...process.argv.slice(1)], environment);
}

// A gateway holds a 32 MiB ArrayBuffer it never touches (a "ballast", the name Go services give a
// buffer held to steer their collector). It is allocated zeroed by the system (untouched pages), so
// it costs address space, not resident memory (BENCHMARKS.md, "2026-12-07"); with
// vm.overcommit_memory=2 it counts against the commit limit. Measured, not explained: while the
// process holds little memory outside V8's heap, V8 promotes to the old generation every request's
// objects at 8 to 32 concurrent requests (11-13 KB per streamed request, 4 KB per whole one, a full
// collection every second or two); with 24 MiB or more held outside the heap, 0.1 KB and none (1 MiB
// was enough at 8 requests, not at 32). Node's own type stripper (a WebAssembly module with its
// memory) had done the same by accident whenever it was loaded: on every start without a compile cache.
// Not reliable: measured again later the same day, with the ballast and a warm compile cache, the
// gateway promoted 310 to 345 KB at each scavenge at 32 connections (about half of what survived),
// and the bare relay bench/targets/passthrough-server.ts 850 KB (BENCHMARKS.md, "2026-12-07
// (evening)"). It is kept: it costs address space only.
function heldForGc(): ArrayBuffer {
  return new ArrayBuffer(32 * 1024 * 1024);
}
