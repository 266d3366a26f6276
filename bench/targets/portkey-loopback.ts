// Preloaded into the Portkey gateway (`node --import`): Portkey's start-server listens on every
// interface and has no host option, so this makes a listen() without a host bind to 127.0.0.1.
import { Server } from 'node:net';

const loopback = '127.0.0.1';
const originalListen = Server.prototype.listen;

Server.prototype.listen = function listenOnLoopback(this: Server, ...args: unknown[]): Server {
  const [first, second] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (second === undefined || second === null) args[1] = loopback;
    else if (typeof second === 'function') args.splice(1, 0, loopback);
  } else if (typeof first === 'object' && first !== null && 'port' in first && !('host' in first && first.host)) {
    args[0] = { ...first, host: loopback };
  }
  return (originalListen as (...listenArgs: unknown[]) => Server).apply(this, args);
} as typeof Server.prototype.listen;
