// `modelmux serve`: load the configuration, start the gateway, and with no provider configured at
// all start the built-in simulator as a clearly labelled demo provider so the first request answers.
import type { AddressInfo } from 'node:net';
import { flushCompileCache } from 'node:module';
import { constants as osConstants } from 'node:os';
import { parseArgs } from 'node:util';
import { chooseDataDir } from '../config/data-dir.ts';
import { modelConfig, providerAt } from '../config/providers.ts';
import { defaultShutdown } from '../config/types.ts';
import type { GatewayConfig, ProviderConfig } from '../config/types.ts';
import { discoverLocalServers, watchLocalServers } from '../config/local-servers.ts';
import type { Simulator } from '../simulator/index.ts';
import { isLoopbackHost } from '../http/loopback.ts';
import { closeAtOnce, createGateway } from '../http/server.ts';
import type { Gateway } from '../http/server.ts';
import { BatchedSink, createLogger, logLevels } from '../telemetry/logger.ts';
import { configuredSecrets, Redactor } from '../secrets/redactor.ts';
import { loadCommandConfig } from './config.ts';
import type { CommandIo } from './io.ts';
import { processIo } from './io.ts';
import type { Logger, LogLevel } from '../telemetry/logger.ts';

const usage = `Usage: modelmux serve [options]

Options:
  --port N          port to listen on (env PORT; default 4000)
  --host HOST       address to bind (env HOST; default 127.0.0.1)
  --config PATH     modelmux.yaml to load (env MODELMUX_CONFIG; default ./modelmux.yaml if present)
  --log-level L     debug | info | warn | error | silent (env LOG_LEVEL; default info)
  --data-dir DIR    where the ledger and virtual keys live (env MODELMUX_DATA_DIR; default
                    $XDG_DATA_HOME/modelmux or ~/.local/share/modelmux; none: keep no ledger)
  -h, --help        show this help

SIGTERM or SIGINT shuts down gracefully: /ready answers 503 at once, new connections are still
taken for server.shutdown_drain_ms (default 5 s), then requests in flight get server.shutdown_grace_ms
(default 20 s) to finish; a second signal exits at once.

Virtual keys: set MODELMUX_ADMIN_KEY (or server.admin_key) and every API request needs a key made
with \`modelmux keys create\`. Without an admin key the gateway runs open, on a loopback address only.

Providers come from the config file, from API keys in the environment (OPENAI_API_KEY,
ANTHROPIC_API_KEY, GROQ_API_KEY, ...; docs/providers.md lists all), and from local model servers
(Ollama, vLLM, llama.cpp, LM Studio) answering on their default ports (MODELMUX_DISCOVER_LOCAL=0 to
skip). With none at all, a simulated demo provider serves models named sim/...`;

/** A gateway `modelmux serve` started, and how to stop it. */
export interface Serving {
  url: string;
  logger: Logger;
  /** Lets in-flight requests finish (up to graceMs, no drain), then closes the gateway and the demo simulator. */
  close(graceMs?: number): Promise<void>;
}

/** What run() does once the gateway is up, before it says it listens (so a signal sent on that news
 * finds its handlers), with what it needs to shut it down. */
type OnStarted = (gateway: Gateway, stopOthers: () => Promise<void>, logger: Logger) => void;

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  const serving = await serve(argv, io, stopOnSignals);
  if (typeof serving === 'number') return serving;
  keepServingThroughStrayErrors(serving.logger);
  return 0;
}

/** Starts the gateway as `modelmux serve` does, without taking over the process's signals (what
 * run() adds); the exit status instead when it only printed help or could not start. */
export async function serve(argv: string[], io: CommandIo = processIo, onStarted?: OnStarted): Promise<Serving | number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.log(usage);
    return 0;
  }
  const config = loadCommandConfig(values.config, io);
  if (!config) return 1;
  const dataDirWarning = applyOptions(config, values, io.env);
  const lines = new BatchedSink({ write: io.write });
  const logger = createLogger(config.logLevel, lines, new Redactor(configuredSecrets(config)));
  if (dataDirWarning) logger.warn(dataDirWarning, { data_dir: config.dataDir });
  if (config.discoverLocal) {
    const local = await discoverLocalServers(config, logger);
    if (local.length > 0) config.sources.push(`local servers (${local.join(', ')})`);
  }
  const simulator = config.providers.length === 0 ? await startDemoSimulator(config, logger) : null;
  let started: { gateway: Gateway; address: AddressInfo };
  try {
    started = await startGateway(config, logger);
  } catch (error) {
    // A running simulator would keep the process alive, with nothing left to serve.
    await simulator?.close();
    // What was logged before (a local server found) goes out ahead of the error.
    lines.flush();
    throw error;
  }
  const { gateway, address } = started;
  // A line still held when the process exits (process.exit after a shutdown, a second signal).
  process.on('exit', lines.flush);
  const url = `http://${address.address}:${address.port}`;
  const localWatch = config.discoverLocal ? watchLocalServers(config, gateway, logger) : null;
  const stopOthers = async (): Promise<void> => {
    localWatch?.stop();
    await simulator?.close();
  };
  onStarted?.(gateway, stopOthers, logger);
  logger.info('modelmux listening', {
    url,
    max_connections: gateway.maxConnections,
    providers: providerSummaries(gateway),
    sources: config.sources,
    data_dir: config.dataDir,
  });
  if (config.adminKey === null) logger.warn('running OPEN: no admin key, so no virtual keys are checked; serving loopback only. Set MODELMUX_ADMIN_KEY to turn keys on.', { data_dir: config.dataDir });
  else logger.info('virtual keys on: every API request needs a key (modelmux keys create)', { data_dir: config.dataDir });
  // The start's lines go out at once: whoever started the gateway waits for them.
  lines.flush();
  void gateway.registry.discover(logger);
  // What was compiled to start is written now, not only at exit: a gateway stopped by SIGKILL (a
  // container's end) still starts from the cache next time. A no-op without NODE_COMPILE_CACHE.
  flushCompileCache();
  return {
    url,
    logger,
    async close(graceMs = 10_000) {
      try {
        await gateway.close({ drainMs: 0, graceMs });
        await stopOthers();
      } finally {
        lines.flush();
        process.off('exit', lines.flush);
      }
    },
  };
}

/** SIGTERM or SIGINT shuts the gateway down gracefully (see http/shutdown.ts), then the process exits
 * 0; a second signal, from someone who will not wait, exits at once. */
function stopOnSignals(gateway: Gateway, stopOthers: () => Promise<void>, logger: Logger): void {
  const timing = gateway.config.shutdown ?? defaultShutdown;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn('second signal: exiting now, without waiting for the requests in flight', { signal });
      process.exit(128 + osConstants.signals[signal]);
    }
    stopping = true;
    logger.info('shutting down: /ready answers 503; new connections are taken during the drain, then requests in flight get the grace to finish', { signal, drain_ms: timing.drainMs, grace_ms: timing.graceMs });
    await gateway.close(timing);
    await stopOthers();
    logger.info('shut down');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** The command line and the environment over the configuration: port, host, log level, data
 * directory. Returns what the operator should hear about the data directory, if anything. */
function applyOptions(config: GatewayConfig, values: { port?: string; host?: string; 'log-level'?: string; 'data-dir'?: string }, env: CommandIo['env']): string | null {
  const port = values.port ?? env.PORT;
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${port}"`);
    config.port = Number(port);
  }
  config.host = values.host ?? env.HOST ?? config.host;
  const level = values['log-level'] ?? env.LOG_LEVEL;
  if (level !== undefined) {
    if (!logLevels.includes(level as LogLevel)) throw new Error(`--log-level must be one of ${logLevels.join(', ')}`);
    config.logLevel = level as LogLevel;
  }

  // `none`: no ledger and no keys (a stateless relay; the benchmark's baseline).
  const dataDir = chooseDataDir(values['data-dir'] ?? config.dataDir, { environment: env, home: env.HOME });
  config.dataDir = dataDir.path;
  if (config.dataDir === null && config.adminKey !== null) throw new Error('virtual keys need a data directory: an admin key cannot be used with --data-dir none');
  if (config.adminKey === null && !isLoopbackHost(config.host)) {
    throw new Error(`refusing to serve on ${config.host} without an admin key: an open gateway listens on a loopback address only (127.0.0.1, ::1 or localhost). Set MODELMUX_ADMIN_KEY (or server.admin_key), or bind --host 127.0.0.1`);
  }
  return dataDir.warning;
}

/** Each provider with the models the catalog offers through it, the built-in catalog's included (a
 * provider configured by its key alone lists no models of its own). Models a provider reports
 * itself come later, once discovery has asked it. */
function providerSummaries(gateway: Gateway): string[] {
  const offered = new Map<string, number>();
  for (const entry of gateway.catalog.served()) {
    for (const offer of entry.offers) offered.set(offer.provider.id, (offered.get(offer.provider.id) ?? 0) + 1);
  }
  return gateway.registry.providers.map((provider) => `${provider.id} (${offered.get(provider.id) ?? 0} models${provider.config.description ? ', ' + provider.config.description : ''})`);
}

/**
 * The last guard: every request path catches its own faults (a failing request fails alone, with a
 * 500), so an exception that still escapes to the process is a bug in some callback, and stopping
 * would cut every other request in flight. It is logged with its stack and the gateway keeps serving.
 */
function keepServingThroughStrayErrors(logger: Logger): void {
  const report = (kind: string) => (error: unknown): void => {
    logger.error(kind, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  };
  process.on('uncaughtException', report('uncaught exception; the gateway keeps serving'));
  process.on('unhandledRejection', report('unhandled promise rejection; the gateway keeps serving'));
}

async function startDemoSimulator(config: GatewayConfig, logger: Logger): Promise<Simulator> {
  // Loaded only in demo mode: the simulator's tables cost memory a real deployment should not pay.
  const { startSimulator } = await import('../simulator/index.ts');
  const simulator = await startSimulator({ host: '127.0.0.1', port: 0 });
  config.providers.push(demoProvider(config, simulator.url));
  config.sources.push('built-in simulator (demo)');
  logger.warn('no provider configured: serving SIMULATED demo models (sim/...). Set OPENAI_API_KEY, GROQ_API_KEY, ... or pass --config to use real providers.', {
    simulator: simulator.url,
  });
  return simulator;
}

/** Creates the gateway and binds it; on failure nothing of it is left open. */
async function startGateway(config: GatewayConfig, logger: Logger): Promise<{ gateway: Gateway; address: AddressInfo }> {
  const gateway = createGateway(config, { logger });
  try {
    return { gateway, address: await gateway.listen() };
  } catch (error) {
    await gateway.close(closeAtOnce);
    throw new Error(listenFailure(config, error));
  }
}

/** Why the gateway could not bind, and what to do about it. */
function listenFailure(config: GatewayConfig, error: unknown): string {
  const where = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: ${where} is already in use (another modelmux?). Stop it, or pass --port with a free port`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `cannot listen on ${where}: the host name ${config.host} does not resolve. Pass --host with an address of this machine, e.g. 127.0.0.1`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${config.host} is not an address of this machine. Pass --host with one of its addresses, e.g. 127.0.0.1`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges). Pass --port 1024 or above`;
    default:
      return `cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function demoProvider(config: GatewayConfig, simulatorUrl: string): ProviderConfig {
  const model = (name: string) => modelConfig({ id: `sim/${name}`, upstream: name, inputPrice: 0, outputPrice: 0, contextWindow: 131072 });
  const provider = providerAt('openai-compatible', 'sim', `${simulatorUrl}/v1`, config.timeouts);
  provider.forwardHeaders = ['x-sim-*'];
  provider.models = [model('fast'), model('slow'), model('echo')];
  provider.discoverModels = false;
  provider.description = 'simulated demo provider: answers are generated locally, not by a real model';
  return provider;
}
