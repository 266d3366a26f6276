// The HTTP surface: one node:http server, a route table, request ids, errors in OpenAI's shape, and
// the telemetry taken as each request ends. Handlers live in their own files.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { GatewayConfig } from '../config/types.ts';
import { builtinCatalog } from '../catalog/builtin.ts';
import { Catalog } from '../catalog/catalog.ts';
import { ProviderRegistry } from '../providers/registry.ts';
import { authenticate, openAccount } from '../accounts/auth.ts';
import { RateLimiter } from '../accounts/rate-limit.ts';
import { LedgerWriter } from '../accounts/ledger-writer.ts';
import { Router } from '../routing/router.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';
import { createLogger } from '../telemetry/logger.ts';
import type { Logger } from '../telemetry/logger.ts';
import { Metrics } from '../telemetry/metrics.ts';
import { anthropicErrorBody } from '../protocol/anthropic/errors.ts';
import { handleCountTokens } from './count-tokens.ts';
import { handleEmbeddings } from './embeddings.ts';
import { handleInference } from './inference.ts';
import { secondsSince } from './context.ts';
import type { Handler, RequestContext } from './context.ts';
import { adminRoute, adminRoutes } from './admin.ts';
import { createBilling } from './billing.ts';
import { compareRoute, compareRoutes } from './compare.ts';
import { handleOwnUsage } from './usage.ts';
import { asGatewayError, errorLabel, GatewayError, openAIErrorBody } from './errors.ts';
import { handleGetModel, handleListModels, sendJson } from './models.ts';
import { handleListPresets } from './presets.ts';
import { handleExplainRoute } from './route-explain.ts';

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
  /** Starts listening on config.host:config.port; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  /** Stops taking requests, lets in-flight ones finish (up to graceMs), then closes everything. */
  close(graceMs?: number): Promise<void>;
}

/** `clock`: where breakers, cooldowns, live figures, rate limits and key expiry read the time (default: the system's). */
export function createGateway(config: GatewayConfig, options: { logger?: Logger; store?: Store; clock?: { now(): number } } = {}): Gateway {
  const clock = options.clock ?? { now: Date.now };
  const now = (): number => clock.now();
  const logger = options.logger ?? createLogger(config.logLevel);
  const registry = new ProviderRegistry(config.providers);
  const catalog = new Catalog(config.routing.builtinCatalog ? builtinCatalog : null, registry.providers);
  const router = new Router(catalog, registry, config.routing, { now });
  const metrics = new Metrics();
  const store = options.store ?? (config.dataDir === null ? null : openSqliteStore(config.dataDir));
  const limiter = new RateLimiter({ now });
  const accounts = { adminKey: config.adminKey, store, limiter, now };
  /** Proves a request comes from this gateway itself (fusion and compare calls): only those may
   * name the group their ledger rows belong to. */
  const internalToken = randomBytes(24).toString('base64url');
  const ledgerWriter = new LedgerWriter(store, (error, requestIds) =>
    logger.error('ledger write failed', { request_ids: requestIds.slice(0, 20), requests: requestIds.length, error: error instanceof Error ? error.message : String(error) }),
  );
  const billing = createBilling({ accounts, writer: ledgerWriter, internalToken, logger });
  let closing = false;

  const inference = {
    config,
    registry,
    router,
    store,
    accounts,
    routing: config.routing,
    presets: config.presets,
    bodyLimitBytes: config.bodyLimitBytes,
    strictParams: config.strictParams,
    selfUrl: () => selfUrl(server.address() as AddressInfo),
    internalToken,
    logger,
  };
  const chat: Handler = (context) => handleInference(context, inference, 'openai-chat');
  const responses: Handler = (context) => handleInference(context, inference, 'openai-responses');
  const messages: Handler = (context) => {
    context.errorStyle = 'anthropic';
    return handleInference(context, inference, 'anthropic');
  };
  const countTokens: Handler = (context) => {
    context.errorStyle = 'anthropic';
    return handleCountTokens(context, inference);
  };
  const embeddings: Handler = (context) => handleEmbeddings(context, inference);
  const listModels: Handler = (context) => handleListModels(context, catalog);
  const explainRoute: Handler = (context) => handleExplainRoute(context, inference);
  const listPresets: Handler = (context) => handleListPresets(context, config.presets);
  const routes = new Map<string, Handler>([
    ['POST /v1/chat/completions', chat],
    ['POST /chat/completions', chat],
    ['POST /v1/responses', responses],
    ['POST /responses', responses],
    ['POST /v1/messages', messages],
    ['POST /v1/messages/count_tokens', countTokens],
    ['POST /v1/embeddings', embeddings],
    ['POST /embeddings', embeddings],
    ['GET /v1/models', listModels],
    ['GET /models', listModels],
    ['GET /v1/route', explainRoute],
    ['GET /v1/presets', listPresets],
    ['GET /health', (context) => sendJson(context, { status: 'ok' })],
    ['GET /ready', (context) => ready(context)],
    ['GET /metrics', (context) => sendMetrics(context)],
    ['GET /v1/usage', (context) => handleOwnUsage(context, store)],
    ...adminRoutes(inference),
    ...compareRoutes(inference),
  ]);
  const knownPaths = new Set([...routes.keys()].map((key) => key.slice(key.indexOf(' ') + 1)));
  /** Requests that count as API traffic in metrics and the access log at info level. */
  const apiRoutes = new Set<Handler>([chat, responses, messages, embeddings]);

  const ready = (context: RequestContext): void => {
    const isReady = !closing && registry.providers.length > 0;
    sendJson(context, { status: isReady ? 'ready' : closing ? 'shutting down' : 'no providers configured', providers: registry.providers.length }, isReady ? 200 : 503);
  };
  const sendMetrics = (context: RequestContext): void => {
    const body = metrics.render();
    context.response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': context.requestId });
    context.response.end(body);
  };

  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 }, (request, response) => {
    const context: RequestContext = {
      request,
      response,
      requestId: acceptedRequestId(request.headers['x-request-id']) ?? randomUUID(),
      startedAt: process.hrtime.bigint(),
      controller: new AbortController(),
      model: null,
      metricsModel: null,
      provider: null,
      stream: false,
      timeToFirstToken: null,
      usage: null,
      error: null,
      errorStyle: 'openai',
      route: null,
      streamFailure: null,
      account: openAccount,
      ledger: null,
      streamed: { events: 0, characters: 0 },
      extraHeaders: null,
    };
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const handler = routes.get(`${request.method} ${path}`) ?? fallbackRoute(request.method ?? 'GET', path);
    const isApi = apiRoutes.has(handler);
    if (isApi) metrics.requestStarted();

    response.on('close', () => {
      if (!response.writableFinished) {
        context.controller.abort(clientClosed);
        billing.abandoned(context);
      }
      finishRequest(context, isApi, path);
    });
    try {
      if (config.adminKey === null && !loopback(request.socket.remoteAddress)) {
        throw new GatewayError('this gateway runs open (no admin key) and answers only on its loopback interface', { status: 403, type: 'permission_error', code: 'loopback_only' });
      }
      // Anthropic clients are answered in their own error shape, a refused key included.
      if (path.startsWith('/v1/messages')) context.errorStyle = 'anthropic';
      if (!unguardedPaths.has(path) && !path.startsWith('/admin/')) context.account = authenticate(request.headers, accounts, now());
      if (isApi) billing.start(context);
      const pending = handler(context);
      if (pending) pending.catch((error: unknown) => respondWithError(context, error));
    } catch (error) {
      respondWithError(context, error);
    }
  });

  // Requests Node rejects before they reach the handler (bad syntax, headers too large, too slow)
  // still get an OpenAI-shaped answer.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!socket.writable || answering || !(error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code?.startsWith('HPE_'))) {
      socket.destroy();
      return;
    }
    const [status, reason, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'the request headers are too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'the request was not received in time']
          : [400, 'Bad Request', 'the request is not valid HTTP'];
    const body = openAIErrorBody(new GatewayError(message, { status, type: 'invalid_request_error', code: 'bad_http_request' }));
    socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  function fallbackRoute(method: string, path: string): Handler {
    if (method === 'GET' && (path.startsWith('/v1/models/') || path.startsWith('/models/'))) {
      const encoded = path.slice(path.indexOf('/models/') + '/models/'.length);
      return (context) => handleGetModel(context, catalog, router, decodePathSegment(encoded));
    }
    const admin = adminRoute(method, path, inference);
    if (admin) return admin;
    const compare = compareRoute(method, path, inference);
    if (compare) return compare;
    if (knownPaths.has(path)) {
      return () => {
        throw new GatewayError(`Method ${method} is not allowed on ${path}`, { status: 405, type: 'invalid_request_error', code: 'method_not_allowed' });
      };
    }
    return () => {
      throw new GatewayError(`Unknown request URL: ${method} ${path}. modelmux serves /v1/chat/completions, /v1/responses, /v1/messages, /v1/embeddings, /v1/models, /v1/route and /v1/presets.`, {
        status: 404,
        type: 'invalid_request_error',
        code: 'unknown_url',
      });
    };
  }

  function respondWithError(context: RequestContext, thrown: unknown): void {
    const error = asGatewayError(thrown);
    context.error ??= error;
    if (!(thrown instanceof GatewayError)) logger.error('internal error', { request_id: context.requestId, error: thrown instanceof Error ? thrown.stack : String(thrown) });
    const { response, request } = context;
    if (response.destroyed || response.writableEnded) return;
    if (response.headersSent) {
      // A stream already started: end it with an error event rather than a clean-looking end.
      response.end(context.stream ? (context.streamFailure?.(error) ?? `data: ${openAIErrorBody(error)}\n\n`) : undefined);
      return;
    }
    const body = context.errorStyle === 'anthropic' ? anthropicErrorBody(error) : openAIErrorBody(error);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': context.requestId, ...context.extraHeaders, ...error.headers };
    if (context.provider) headers['x-modelmux-provider'] = context.provider;
    if (context.route?.id) {
      headers['x-modelmux-route-id'] = context.route.id;
      headers['x-modelmux-attempts'] = String(context.route.attempts);
    }
    // An unread request body (e.g. one over the size limit) cannot be left on a kept-alive socket.
    if (!request.complete) headers.connection = 'close';
    response.writeHead(error.status, headers);
    response.end(body);
  }

  function finishRequest(context: RequestContext, isApi: boolean, path: string): void {
    const seconds = secondsSince(context.startedAt);
    // A response that never finished was cut short by the client, whatever status it had started with.
    const status = context.response.writableFinished ? context.response.statusCode : 499;
    const error = context.error ?? (status === 499 ? clientClosed : null);
    if (isApi) {
      metrics.requestFinished({
        model: context.metricsModel ?? 'unknown',
        provider: context.provider ?? 'none',
        status,
        errorType: error ? errorLabel(error) : null,
        durationSeconds: seconds,
        timeToFirstTokenSeconds: context.timeToFirstToken,
        inputTokens: context.usage?.inputTokens,
        outputTokens: context.usage?.outputTokens,
      });
    }
    const level = error && error.status >= 500 && error.status !== 499 ? 'warn' : isApi ? 'info' : 'debug';
    if (!logger.enabled(level)) return;
    logger[level]('request', {
      request_id: context.requestId,
      method: context.request.method,
      path,
      status,
      model: context.model,
      provider: context.provider,
      stream: context.stream,
      duration_ms: Math.round(seconds * 1e6) / 1e3,
      ttft_ms: context.timeToFirstToken === null ? null : Math.round(context.timeToFirstToken * 1e6) / 1e3,
      input_tokens: context.usage?.inputTokens ?? null,
      output_tokens: context.usage?.outputTokens ?? null,
      ...(error ? { error_type: error.type, error_code: error.code, error: error.message } : {}),
    });
  }

  return {
    server,
    config,
    registry,
    catalog,
    router,
    metrics,
    logger,
    store,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(graceMs = 10_000) {
      closing = true;
      server.close();
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline && (await connectionCount(server)) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      server.closeAllConnections();
      // The rows of requests cut off just now are queued as their sockets close.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      ledgerWriter.drain();
      await registry.close();
      store?.close();
    },
  };
}

/** Open to anyone who can reach them, keys or not: probes and metrics. */
const unguardedPaths = new Set(['/health', '/ready', '/metrics']);

function loopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

const clientClosed = new GatewayError('the client closed the request', { status: 499, type: 'client_closed_request', code: 'client_closed_request' });

/** The gateway's own base URL, for calls it makes to itself (fusion members). */
function selfUrl(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GatewayError('the URL has malformed percent-encoding', { status: 400, type: 'invalid_request_error', code: 'invalid_url' });
  }
}

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

/** A client's own request id is kept when it is a sane token; otherwise one is made. */
function acceptedRequestId(value: string | string[] | undefined): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) return null;
  return /^[A-Za-z0-9._:\-]+$/.test(value) ? value : null;
}
