// The provider simulator: one loopback HTTP server that plays OpenAI (chat, responses, embeddings,
// models), Anthropic (messages, count_tokens), Google Gemini and AWS Bedrock (Converse), with deterministic answers, latency knobs,
// injected faults and replay of real recordings. Tests, demos and the benchmark need no internet.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleCountTokens, handleMessages } from './anthropic.ts';
import { handleBedrock } from './bedrock.ts';
import { formatOfPath, malformedBodyMessage, sendError } from './errors.ts';
import type { WireFormat } from './errors.ts';
import type { Exchange } from './exchange.ts';
import { handleGemini } from './gemini.ts';
import { defaultKnobs, validateKnobs } from './knobs.ts';
import type { SimulatorKnobs } from './knobs.ts';
import { modelsPath, sendModels } from './models.ts';
import { handleChatCompletions } from './openai-chat.ts';
import { handleEmbeddings } from './openai-embeddings.ts';
import { handleResponses } from './openai-responses.ts';
import { createReplayStore } from './replay.ts';
import type { ReplayStore } from './replay.ts';
import { isObject } from './values.ts';

// Taken with getBuiltinModule, not imported: see the same line in src/http/server.ts (demo mode runs
// the simulator inside the gateway).
const { createServer } = process.getBuiltinModule('node:http');

export type { SimulatorFault, SimulatorKnobs } from './knobs.ts';

export interface SimulatorOptions {
  host?: string;
  port?: number;
  knobs?: Partial<SimulatorKnobs>;
  fixturesDir?: string;
}

/** A request as the simulator received it, for tests asserting what a gateway sent upstream. */
export interface RecordedRequest {
  method: string;
  /** The request target as sent, query string included. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON; null when there was none. */
  body: unknown;
}

export interface Simulator {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The last requests received, oldest first (at most 100). */
  requests: RecordedRequest[];
  /** Forgets the recorded requests and restarts the id counter. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the simulator; port 0 (the default) picks a free port. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const defaults: SimulatorKnobs = { ...defaultKnobs, ...options.knobs };
  validateKnobs(defaults);
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const context: ServerContext = {
    defaults,
    requests,
    replay: options.fixturesDir === undefined ? null : createReplayStore(options.fixturesDir),
    nextId: () => ++counter,
  };
  const server = createServer((request, response) => handle(context, request, response));
  // The benchmark drives the simulator over long-lived keep-alive connections.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  // A stalled answer must wait for the client, never for a server-side timeout.
  server.requestTimeout = 0;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    reset() {
      requests.length = 0;
      counter = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets and stalled requests would otherwise hold the process open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

interface ServerContext {
  defaults: Readonly<SimulatorKnobs>;
  requests: RecordedRequest[];
  replay: ReplayStore | null;
  nextId(): number;
}

type Handler = (exchange: Exchange) => void;

const recordedLimit = 100;

const postRoutes = new Map<string, { format: WireFormat; handler: Handler }>([
  ['/v1/chat/completions', { format: 'openai', handler: handleChatCompletions }],
  ['/v1/responses', { format: 'openai', handler: handleResponses }],
  ['/v1/embeddings', { format: 'openai', handler: handleEmbeddings }],
  ['/v1/messages', { format: 'anthropic', handler: handleMessages }],
  ['/v1/messages/count_tokens', { format: 'anthropic', handler: handleCountTokens }],
]);

const geminiRoute = { format: 'google' as WireFormat, handler: handleGemini };

/** Every endpoint the simulator serves, as its docs (docs/simulator.md) and start banner name them. */
export const simulatorEndpoints: readonly string[] = [
  ...[...postRoutes.keys()].map((path) => `POST ${path}`),
  `GET ${modelsPath}`,
  `GET ${modelsPath}/{id}`,
  'POST /v1beta/models/{model}:generateContent',
  'POST /v1beta/models/{model}:streamGenerateContent?alt=sse',
  'POST /model/{modelId}/converse',
  'POST /model/{modelId}/converse-stream',
];

const bedrockRoute = { format: 'bedrock' as WireFormat, handler: handleBedrock };

function handle(context: ServerContext, request: IncomingMessage, response: ServerResponse): void {
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const method = request.method ?? 'GET';

  let route = method === 'POST' ? postRoutes.get(path) : undefined;
  if (route === undefined && method === 'POST' && (path.startsWith('/v1beta/models/') || path.startsWith('/v1/models/'))) route = geminiRoute;
  if (route === undefined && method === 'POST' && path.startsWith('/model/')) route = bedrockRoute;

  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const text = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    let parsed = true;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        parsed = false;
      }
    }
    record(context.requests, { method, path: target, headers: request.headers, body });

    if (method === 'GET' && (path === modelsPath || path.startsWith(modelsPath + '/'))) return sendModels(response, path);
    if (route === undefined) {
      const format = formatOfPath(path);
      const message = format === 'openai' ? `Invalid URL (${method} ${path})` : `Not found: ${method} ${path}`;
      return sendError(response, format, 404, message);
    }
    if (!parsed) return sendError(response, route.format, 400, malformedBodyMessage(route.format));
    if (!isObject(body)) return sendError(response, route.format, 400, 'The request body must be a JSON object.');
    const exchange: Exchange = { request, response, path, query, body, defaults: context.defaults, replay: context.replay, nextId: context.nextId };
    try {
      route.handler(exchange);
    } catch (error) {
      // An odd request must not take down the server every other test depends on.
      sendError(response, route.format, 500, `simulator error: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

function record(requests: RecordedRequest[], entry: RecordedRequest): void {
  if (requests.length >= recordedLimit) requests.shift();
  requests.push(entry);
}
