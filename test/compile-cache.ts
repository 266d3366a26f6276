// Loaded by `npm test` (test/suite.ts) before the runner starts. Each shard's process, and each file
// run on its own (`npm test -- FILE`), would otherwise strip and compile the same TypeScript again;
// with Node's compile cache (the variable is inherited by child processes) they reuse what an
// earlier run compiled.
// Entries are checked against the source and the Node version, so an edited file is compiled anew.
import { enableCompileCache } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'modelmux-compile-cache');
enableCompileCache(process.env.NODE_COMPILE_CACHE);
