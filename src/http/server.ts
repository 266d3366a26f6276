// The composition root: builds the gateway's parts (providers, catalog, router, store, ledger,
// billing, the model runner), its routes, and the steps every request passes; then one node:http
// server with its connection guards. Reading createGateway tells the whole request path:
// recordWhenClosed → letGoOfUnreadEnds → answerErrors → onlyLoopbackWhenOpen → authenticateCaller →
// keepLedger → route.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { GatewayConfig } from '../config/types.ts';
import { defaultConnectionLimits, defaultResponseItems, defaultShutdown } from '../config/types.ts';
import type { ShutdownTiming } from '../config/types.ts';
import { builtinCatalog } from '../catalog/builtin.ts';
import { Catalog } from '../routing/catalog.ts';
import { ProviderRegistry } from '../providers/registry.ts';
import type { AuthSettings } from '../accounts/auth.ts';
import { RateLimiter } from '../accounts/rate-limit.ts';
import { LedgerWriter } from '../accounts/ledger-writer.ts';
import { Router } from '../routing/router.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';
import { createLogger } from '../telemetry/logger.ts';
import { configuredSecrets, Redactor } from '../secrets/redactor.ts';
import type { Logger } from '../telemetry/logger.ts';
import { Metrics } from '../telemetry/metrics.ts';
import { answerChat } from '../engine/chat-model.ts';
import type { ModelRunner } from '../engine/runner.ts';
import { MemoryResponseItems } from '../engine/response-items-memory.ts';
import type { ResponseItemStore } from '../engine/response-items.ts';
import { invalidRequest } from '../errors/gateway-error.ts';
import { answerFusion } from '../fusion/model.ts';
import { isFusionModel } from '../fusion/spec.ts';
import { createAccessLog } from './access-log.ts';
import { adminRoute, adminRoutes } from './admin.ts';
import { createBilling } from './billing.ts';
import type { Billing } from './billing.ts';
import { answerRejectedRequests } from './client-errors.ts';
import { compareRoute, compareRoutes } from './compare.ts';
import { effectiveMaxConnections, guardConnections, serverOptions } from './connections.ts';
import { newRequestContext } from './context.ts';
import type { Handler, RequestContext } from './context.ts';
import { handleCountTokens } from './count-tokens.ts';
import { handleEmbeddings } from './embeddings.ts';
import { handleInference } from './inference.ts';
import type { InferenceDependencies } from './inference.ts';
import { handleGetModel, handleListModels, sendJson } from './models.ts';
import { answerErrors, authenticateCaller, keepLedger, letGoOfUnreadEnds, onlyLoopbackWhenOpen, recordWhenClosed, runPipeline } from './pipeline.ts';
import type { Route, Step } from './pipeline.ts';
import { handleListPresets } from './presets.ts';
import { handleExplainRoute } from './route-explain.ts';
import { createRouteTable, decodePathSegment, plain } from './routes.ts';
import type { RouteTable } from './routes.ts';
import { InFlightRequests, shutDown } from './shutdown.ts';
import { handleOwnUsage } from './usage.ts';

// node:http is taken with getBuiltinModule rather than imported: an ES import of it reads every one
// of its exports, and its lazy WebSocket, CloseEvent and MessageEvent load Node's bundled copy of
// undici (a second HTTP client and its WebAssembly parser, 12 MB resident) that the gateway never
// uses; its own undici is the one in package.json.
const { createServer } = process.getBuiltinModule('node:http');

export interface Gateway {
  server: Server;
  config: GatewayConfig;
  registry: ProviderRegistry;
  catalog: Catalog;
  router: Router;
  metrics: Metrics;
  logger: Logger;
  /** The ledger and virtual keys; null without a data directory. */
  store: Store | null;
  /** Any model by name, in process (what fusion and compare call). */
  runner: ModelRunner;
  /** Open client connections at most (configured, or derived from the open-file limit). */
  maxConnections: number;
  /** Starts listening on config.host:config.port; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  /** Shuts down (see shutdown.ts): /ready answers 503 at once, the listener keeps taking
   * connections for `drainMs`, then stops; requests in flight get `graceMs` to finish, and those
   * still running are ended with a `server_shutting_down` error. Then the ledger, the providers'
   * pools and the store are closed. Timing not given comes from the configuration. */
  close(timing?: Partial<ShutdownTiming>): Promise<void>;
}

/** A shutdown without drain or grace: for a gateway that never served, and for tests. */
export const closeAtOnce: ShutdownTiming = Object.freeze({ drainMs: 0, graceMs: 0 });

/** `clock`: where breakers, cooldowns, live figures, rate limits, key expiry, failover's deadlines
 * and the expiry of minted Responses items read the time (default: the system's). `responseItems`:
 * the store of those items (default: in memory, bounded by `config.responseItems`). */
export function createGateway(config: GatewayConfig, options: { logger?: Logger; store?: Store; clock?: { now(): number }; responseItems?: ResponseItemStore } = {}): Gateway {
  const clock = options.clock ?? { now: Date.now };
  const now = (): number => clock.now();
  const logger = options.logger ?? createLogger(config.logLevel, process.stdout, new Redactor(configuredSecrets(config)));
  const registry = new ProviderRegistry(config.providers);
  const catalog = new Catalog(config.routing.builtinCatalog ? builtinCatalog : null, registry.providers);
  const router = new Router(catalog, registry, config.routing, { now });
  const metrics = new Metrics();
  const store = options.store ?? (config.dataDir === null ? null : openSqliteStore(config.dataDir, { holdMs: longestRequestMs(config) * 2, onError: (error) => logger.error('ledger journal could not be moved into the ledger; its rows wait in the journal, their money held, and the move is tried again each second', { error: error instanceof Error ? error.message : String(error) }) }));
  const limiter = new RateLimiter({ now });
  const accounts = { adminKey: config.adminKey, store, limiter, now };
  const ledgerWriter = new LedgerWriter(store, (error, requestIds) =>
    logger.error('ledger write failed', { request_ids: requestIds.slice(0, 20), requests: requestIds.length, error: error instanceof Error ? error.message : String(error) }),
  );
  const billing = createBilling({ accounts, writer: ledgerWriter, logger });
  const models = { router, routing: config.routing, presets: config.presets, accounts, strictParams: config.strictParams, now };
  const runner: ModelRunner = {
    child: billing.child,
    settle: billing.settle,
    answer(context, call, allowFusion) {
      if (!isFusionModel(call.body.model)) return answerChat(context, models, call);
      if (!allowFusion) return Promise.reject(invalidRequest('a fusion cannot call a fusion: this call is a member or the judge of another fusion', 'model', 'fusion_recursion'));
      return answerFusion(context, { router, fusions: config.fusions, runner }, call.format, call.body);
    },
  };
  const responseItems = options.responseItems ?? new MemoryResponseItems({ ...(config.responseItems ?? defaultResponseItems), now });
  const inference: InferenceDependencies = { ...models, config, registry, store, accounts, bodyLimitBytes: config.bodyLimitBytes, logger, runner, responseItems };
  let closing = false;
  let closed: Promise<void> | null = null;
  const routes = gatewayRoutes(inference, catalog, probesOf(registry, metrics, () => closing));
  const inFlight = new InFlightRequests();
  const steps = requestSteps({ billing, accounts, adminKey: config.adminKey, accessLog: createAccessLog(metrics, logger), inFlight, logger, now });
  const connectionLimits = config.connections ?? defaultConnectionLimits;
  const server = createServer(serverOptions(connectionLimits), (request, response) => {
    // Read per request: a test may change the limit on a running gateway.
    const context = newRequestContext(request, response, (config.connections ?? defaultConnectionLimits).streamUnreadTimeoutMs);
    const route = routes.resolve(request.method ?? 'GET', context.path);
    context.kind = route.kind;
    inFlight.started(context);
    if (route.kind === 'api') metrics.requestStarted();
    void runPipeline(steps, context, route.handler);
  });
  const connections = guardConnections(server, effectiveMaxConnections(connectionLimits), logger);
  answerRejectedRequests(server, connections.lastPath);

  return {
    server,
    config,
    registry,
    catalog,
    router,
    metrics,
    logger,
    store,
    runner,
    maxConnections: connections.maxConnections,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close(timing = {}) {
      closed ??= (async () => {
        closing = true;
        await shutDown(server, inFlight, { ...(config.shutdown ?? defaultShutdown), ...timing }, logger);
        // The rows of requests cut off just now are queued as their sockets close.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        ledgerWriter.drain();
        await registry.close();
        store?.close();
      })();
      return closed;
    },
  };
}

/** The probes: /ready (not while closing, nor without a provider) and /metrics. */
function probesOf(registry: ProviderRegistry, metrics: Metrics, isClosing: () => boolean): { ready: Handler; metrics: Handler } {
  return {
    ready(context) {
      const closing = isClosing();
      const isReady = !closing && registry.providers.length > 0;
      sendJson(context, { status: isReady ? 'ready' : closing ? 'shutting down' : 'no providers configured', providers: registry.providers.length }, isReady ? 200 : 503);
    },
    metrics(context) {
      const body = metrics.render();
      context.response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': context.requestId });
      context.response.end(body);
    },
  };
}

/** The steps every request takes before its route's handler, in order (see pipeline.ts). */
function requestSteps(parts: { billing: Billing; accounts: AuthSettings; adminKey: string | null; accessLog: (context: RequestContext, isApi: boolean) => void; inFlight: InFlightRequests; logger: Logger; now: () => number }): Step[] {
  const { billing, accessLog, inFlight, logger } = parts;
  return [
    recordWhenClosed(
      billing,
      (context) => {
        inFlight.ended(context);
        accessLog(context, context.kind === 'api');
      },
      (context, error) => {
        inFlight.ended(context);
        logger.error('internal error while closing a request', { request_id: context.requestId, error: error instanceof Error ? error.stack : String(error) });
      },
    ),
    letGoOfUnreadEnds(),
    answerErrors(),
    onlyLoopbackWhenOpen(parts.adminKey),
    authenticateCaller(parts.accounts, parts.now),
    keepLedger(billing),
  ];
}

/** The route table: each route's handler, and how it counts. */
function gatewayRoutes(inference: InferenceDependencies, catalog: Catalog, probes: { ready: Handler; metrics: Handler }): RouteTable {
  const api = (handler: Handler): Route => ({ handler, kind: 'api' });
  const chat = api((context) => handleInference(context, inference, 'openai-chat'));
  const responses = api((context) => handleInference(context, inference, 'openai-responses'));
  const embeddings = api((context) => handleEmbeddings(context, inference));
  const listModels = plain((context) => handleListModels(context, catalog));
  const fixed = (entries: [string, Handler][]): [string, Route][] => entries.map(([key, handler]) => [key, plain(handler)]);
  return createRouteTable({
    fixed: [
      ['POST /v1/chat/completions', chat],
      ['POST /chat/completions', chat],
      ['POST /v1/responses', responses],
      ['POST /responses', responses],
      ['POST /v1/messages', api((context) => handleInference(context, inference, 'anthropic'))],
      // Token counts are kept out of the API traffic metrics, but are admitted and recorded like it.
      ['POST /v1/messages/count_tokens', { handler: (context) => handleCountTokens(context, inference), kind: 'billed' }],
      ['POST /v1/embeddings', embeddings],
      ['POST /embeddings', embeddings],
      ['GET /v1/models', listModels],
      ['GET /models', listModels],
      ['GET /v1/route', plain((context) => handleExplainRoute(context, inference))],
      ['GET /v1/presets', plain((context) => handleListPresets(context, inference.presets))],
      ['GET /health', plain((context) => sendJson(context, { status: 'ok' }))],
      ['GET /ready', plain(probes.ready)],
      ['GET /metrics', plain(probes.metrics)],
      ['GET /v1/usage', plain((context) => handleOwnUsage(context, inference.store))],
      ...fixed(adminRoutes(inference)),
      ...fixed(compareRoutes(inference)),
    ],
    parameterised: [
      (method, path) => {
        if (method !== 'GET' || !(path.startsWith('/v1/models/') || path.startsWith('/models/'))) return null;
        const encoded = path.slice(path.indexOf('/models/') + '/models/'.length);
        return plain((context) => handleGetModel(context, catalog, inference.router, decodePathSegment(encoded)));
      },
      (method, path) => wrap(adminRoute(method, path, inference)),
      (method, path) => wrap(compareRoute(method, path, inference)),
    ],
  });
}

function wrap(handler: Handler | null): Route | null {
  return handler === null ? null : plain(handler);
}

/** The longest a request may hold a reservation: its attempts start within the routing deadline, and
 * each lasts at most its provider's total_ms (a fusion's or comparison's calls hold their own). */
export function longestRequestMs(config: GatewayConfig): number {
  let total = config.timeouts.totalMs;
  for (const provider of config.providers) total = Math.max(total, provider.timeouts.totalMs);
  return config.routing.deadlineMs + total;
}
