// Loaded by `npm test` before the runner starts. Each test file runs in its own process, which would
// otherwise strip and compile the same TypeScript again, some eighty times a run; with Node's compile
// cache (the variable is inherited by those processes) they reuse what an earlier one compiled.
// Entries are checked against the source and the Node version, so an edited file is compiled anew.
import { enableCompileCache } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'modelmux-compile-cache');
enableCompileCache(process.env.NODE_COMPILE_CACHE);
