// Replay of real recorded provider responses (model `replay:<folder>/<name>`): the body or the
// event payloads are sent back byte for byte, framed as the provider frames them and paced by the
// knobs, so a gateway can be tested against exactly what providers sent once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sendBody, sendStream } from './delivery.ts';
import { sendError } from './errors.ts';
import type { WireFormat } from './errors.ts';
import type { Exchange } from './exchange.ts';
import type { SimulatorKnobs } from './knobs.ts';
import { dataFrame, doneFrame, eventFrame } from './sse.ts';
import { isObject } from './values.ts';

/** How an endpoint frames streamed payloads. */
export type ReplayFamily = 'chat' | 'responses' | 'embeddings' | 'anthropic' | 'google';

/** `json`: whole body; `sse`: server-sent events; `json-array`: Gemini's stream without `alt=sse`. */
export type ReplayMode = 'json' | 'sse' | 'json-array';

export interface ReplayStore {
  directory: string;
  /** Recordings never change while the simulator runs, so each file is read and framed once. */
  bodies: Map<string, Promise<RecordedBody | null>>;
  streams: Map<string, Promise<RecordedStream | null>>;
}

export interface ReplayReference {
  folder: string;
  name: string;
}

export function createReplayStore(directory: string): ReplayStore {
  return { directory, bodies: new Map(), streams: new Map() };
}

/** The recording a model name asks for (`replay:openai-chat/openai-text`, optionally `sim/`-prefixed). */
export function replayReference(model: string): ReplayReference | null {
  const bare = model.startsWith('sim/') ? model.slice(4) : model;
  if (!bare.startsWith('replay:')) return null;
  const [folder = '', name = '', ...rest] = bare.slice(7).split('/');
  return { folder, name: rest.length > 0 ? [name, ...rest].join('/') : name };
}

/** Answers with the recording, or with a 404 in `format` naming what is missing. */
export function serveReplay(
  exchange: Exchange,
  knobs: SimulatorKnobs,
  format: WireFormat,
  family: ReplayFamily,
  reference: ReplayReference,
  mode: ReplayMode,
): void {
  serve(exchange, knobs, format, family, reference, mode).catch((error: unknown) => {
    sendError(exchange.response, format, 500, `replay failed: ${error instanceof Error ? error.message : String(error)}`);
  });
}

interface RecordedBody {
  bytes: Buffer;
  /** 200, or the status the provider answers an error body with. */
  status: number;
}

interface RecordedStream {
  /** Each event's JSON payload exactly as recorded. */
  lines: string[];
  frames: string[];
}

const folderFamilies: Record<string, ReplayFamily> = {
  'openai-chat': 'chat',
  groq: 'chat',
  deepseek: 'chat',
  mistral: 'chat',
  xai: 'chat',
  perplexity: 'chat',
  'openai-responses': 'responses',
  'openai-embeddings': 'embeddings',
  anthropic: 'anthropic',
  google: 'google',
};

const safeSegment = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

async function serve(
  exchange: Exchange,
  knobs: SimulatorKnobs,
  format: WireFormat,
  family: ReplayFamily,
  reference: ReplayReference,
  mode: ReplayMode,
): Promise<void> {
  const { response } = exchange;
  const label = `${reference.folder}/${reference.name}`;
  const store = exchange.replay;
  if (store === null) {
    sendError(response, format, 404, `Cannot replay ${label}: the simulator was started without a fixtures directory.`, { code: 'model_not_found' });
    return;
  }
  if (!safeSegment.test(reference.folder) || !safeSegment.test(reference.name)) {
    sendError(response, format, 404, `Recording ${label} not found: use replay:<folder>/<name>.`, { code: 'model_not_found' });
    return;
  }
  const recordedFamily = Object.hasOwn(folderFamilies, reference.folder) ? folderFamilies[reference.folder] : family;
  if (recordedFamily !== family) {
    sendError(response, format, 400, `Recording ${label} is a ${recordedFamily} recording and cannot be replayed on ${exchange.path}.`);
    return;
  }
  if (mode !== 'json') {
    const stream = await loadStream(store, label, family);
    if (stream !== null) {
      if (mode === 'json-array') sendBody(response, knobs, '[' + stream.lines.join(',\r\n') + ']');
      else sendStream(response, knobs, { head: [], tokens: stream.frames, tail: family === 'chat' ? [doneFrame] : [] }, contentTypes[family]);
      return;
    }
  }
  const body = await loadBody(store, label);
  // A streamed request for a recorded error gets the error: providers reject before streaming.
  if (body === null || (mode !== 'json' && body.status === 200)) {
    const file = mode === 'json' ? `${label}.json` : `${label}.chunks.txt`;
    sendError(response, format, 404, `Recording ${file} not found in ${store.directory}.`, { code: 'model_not_found' });
    return;
  }
  sendBody(response, body.status === 200 ? knobs : { ...knobs, fault: null }, body.bytes, body.status);
}

const contentTypes: Record<ReplayFamily, string> = {
  chat: 'text/event-stream; charset=utf-8',
  responses: 'text/event-stream; charset=utf-8',
  embeddings: 'text/event-stream; charset=utf-8',
  anthropic: 'text/event-stream; charset=utf-8',
  google: 'text/event-stream',
};

function loadBody(store: ReplayStore, label: string): Promise<RecordedBody | null> {
  let loaded = store.bodies.get(label);
  if (loaded === undefined) {
    loaded = readOrNull(join(store.directory, `${label}.json`)).then((bytes) => (bytes === null ? null : { bytes, status: errorStatus(bytes) }));
    store.bodies.set(label, loaded);
  }
  return loaded;
}

function loadStream(store: ReplayStore, label: string, family: ReplayFamily): Promise<RecordedStream | null> {
  let loaded = store.streams.get(label);
  if (loaded === undefined) {
    loaded = readOrNull(join(store.directory, `${label}.chunks.txt`)).then((bytes) => (bytes === null ? null : frame(bytes, family)));
    store.streams.set(label, loaded);
  }
  return loaded;
}

function frame(bytes: Buffer, family: ReplayFamily): RecordedStream {
  const lines = bytes.toString('utf8').split('\n').filter((line) => line !== '');
  const named = family === 'responses' || family === 'anthropic';
  const frames = lines.map((line) => (named ? eventFrame(eventType(line), line) : dataFrame(line)));
  return { lines, frames };
}

/** The SSE event name: Responses and Anthropic name each event after its payload's `type`. */
function eventType(line: string): string {
  try {
    const payload: unknown = JSON.parse(line);
    if (isObject(payload) && typeof payload.type === 'string') return payload.type;
  } catch {
    // Some recordings hold a truncated line (parallel-tool-call-wrapper.1 does); its leading
    // `"type"` still names the event.
    const leading = leadingType.exec(line);
    if (leading !== null) return leading[1];
  }
  return 'message';
}

const leadingType = /^\s*\{\s*"type"\s*:\s*"([^"\\]+)"/;

/** The status a provider sends a recorded error body with (recordings hold only the body). */
function errorStatus(bytes: Buffer): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 200;
  }
  if (!isObject(parsed) || !isObject(parsed.error)) return 200;
  const { code, type } = parsed.error;
  if (typeof code === 'number' && code >= 400 && code < 600) return code;
  switch (type) {
    case 'insufficient_quota':
    case 'requests':
    case 'tokens':
    case 'rate_limit_error':
      return 429;
    case 'authentication_error':
      return 401;
    case 'permission_error':
      return 403;
    case 'not_found_error':
      return 404;
    case 'overloaded_error':
      return 529;
    case 'server_error':
    case 'api_error':
      return 500;
    default:
      return code === 'rate_limit_exceeded' ? 429 : 400;
  }
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}
