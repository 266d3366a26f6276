// What every answer must be, whatever was asked: complete and in time, no 5xx of the gateway's own
// making, errors in the caller's format (Anthropic's on /v1/messages*, OpenAI's elsewhere, in a
// stream too), streams that end with their format's last event, and keys that keep what they lock.
import { modelAllowed } from '../src/accounts/keys.ts';
import type { Reply, WireRequest } from './fuzz-client.ts';
import { excerpt } from './fuzz-client.ts';
import { carriesKey } from './fuzz-requests.ts';
import type { FuzzRequest, Mode } from './fuzz-requests.ts';

export interface CheckContext {
  mode: Mode;
  /** The allow-list of the `limited` key. */
  limitedModels: readonly string[];
}

/** Answered to anyone who can reach them, keys or not. */
const unguarded = new Set(['/health', '/ready', '/metrics']);
const modelRoutes = new Set(['chat', 'responses', 'messages', 'count_tokens', 'embeddings']);

/** Every rule the answer breaks, as one line each (none: it passes). */
export function problemsOf(request: FuzzRequest, wire: WireRequest, reply: Reply, context: CheckContext): string[] {
  if (reply.failure !== null) return [`no complete answer: ${reply.failure}`];
  const path = wire.path.split('?')[0];
  const anthropic = path.startsWith('/v1/messages');
  const faults = wire.headers.some(([name, value]) => name === 'x-sim-fault' && value !== 'bogus');
  const problems: string[] = [];
  const type = String(reply.headers['content-type'] ?? '');
  if (reply.status >= 400 && wire.method !== 'HEAD') {
    const shape = errorShapeProblem(reply.body, anthropic);
    if (shape !== null) problems.push(`${reply.status} not in ${anthropic ? "Anthropic's" : "OpenAI's"} error shape (${shape}): ${excerpt(reply.body, 300)}`);
  }
  if (reply.status >= 500 && !(faults && fromProvider(reply.body))) problems.push(`${reply.status} from the gateway itself: ${excerpt(reply.body, 300)}`);
  if (reply.status < 300 && type.startsWith('application/json')) {
    try {
      JSON.parse(reply.body);
    } catch {
      problems.push(`${reply.status} with a body that is not JSON: ${excerpt(reply.body, 200)}`);
    }
  }
  if (reply.status < 300 && type.startsWith('text/event-stream')) problems.push(...streamProblems(path, reply.body, faults));
  if (context.mode === 'keyed' && reply.status < 300) problems.push(...accessProblems(request, path, reply, context));
  return problems;
}

function errorShapeProblem(body: string, anthropic: boolean): string | null {
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body === '' ? 'empty body' : 'not JSON';
  }
  if (anthropic) {
    const fine = parsed?.type === 'error' && typeof parsed.error?.type === 'string' && typeof parsed.error?.message === 'string';
    return fine ? null : 'want {"type":"error","error":{"type","message"}}';
  }
  const fine = typeof parsed?.error?.message === 'string' && typeof parsed.error?.type === 'string';
  return fine ? null : 'want {"error":{"message","type"}}';
}

/** A provider's failure passed on (the message names the provider), not one of the gateway's own. */
function fromProvider(body: string): boolean {
  try {
    const error = JSON.parse(body).error;
    return typeof error?.message === 'string' && error.message.includes('provider "') && error.code !== 'internal_error';
  } catch {
    return false;
  }
}

interface StreamEvent {
  event: string | null;
  data: string;
}

function parseEvents(text: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/);
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart());
    if (data.length === 0) continue;
    const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? null;
    events.push({ event, data: data.join('\n') });
  }
  return events;
}

/** A stream ends with its format's last event; its error events are in that format, and a
 * server-side one (not the client's mistake, such as a fusion whose members the key may not use)
 * comes from a provider, and only when the simulator was told to fail. */
function streamProblems(path: string, text: string, faults: boolean): string[] {
  const events = parseEvents(text);
  const last = events.at(-1);
  const problems: string[] = [];
  const errors: { message: string; serverSide: boolean }[] = [];
  const json = (data: string): any => {
    try {
      return JSON.parse(data);
    } catch {
      return undefined;
    }
  };
  if (path === '/v1/chat/completions' || path === '/chat/completions') {
    for (const event of events) {
      const error = json(event.data)?.error;
      if (error === undefined) continue;
      if (typeof error?.message !== 'string' || typeof error?.type !== 'string') problems.push(`stream error event not in OpenAI's shape: ${excerpt(event.data, 200)}`);
      errors.push({ message: String(error?.message), serverSide: ['server_error', 'upstream_error', 'timeout_error'].includes(error?.type) || error?.code === 'internal_error' });
    }
    if (last === undefined || (last.data !== '[DONE]' && json(last.data)?.error === undefined)) problems.push(`chat stream ends without [DONE] or an error: ${excerpt(text.slice(-300), 300)}`);
  } else if (path === '/v1/responses' || path === '/responses') {
    for (const event of events.filter((item) => item.event === 'error')) {
      const data = json(event.data);
      if (typeof data?.message !== 'string') problems.push(`stream error event not in the Responses shape: ${excerpt(event.data, 200)}`);
      // This event carries no status or type; its code tells the gateway's own faults and the provider's.
      errors.push({ message: String(data?.message), serverSide: data?.code === 'internal_error' || String(data?.code).startsWith('upstream_') });
    }
    if (!['response.completed', 'response.incomplete', 'response.failed'].includes(last?.event ?? '')) problems.push(`responses stream ends without response.completed/incomplete/failed: ${excerpt(text.slice(-300), 300)}`);
  } else if (path === '/v1/messages') {
    for (const event of events.filter((item) => item.event === 'error')) {
      const data = json(event.data);
      if (data?.type !== 'error' || typeof data?.error?.type !== 'string' || typeof data?.error?.message !== 'string') problems.push(`stream error event not in Anthropic's shape: ${excerpt(event.data, 200)}`);
      errors.push({ message: String(data?.error?.message), serverSide: ['api_error', 'overloaded_error', 'timeout_error'].includes(data?.error?.type) });
    }
    if (last?.event !== 'message_stop' && last?.event !== 'error') problems.push(`messages stream ends without message_stop or an error: ${excerpt(text.slice(-300), 300)}`);
  } else {
    problems.push(`an event stream from ${path}`);
  }
  for (const { message, serverSide } of errors) {
    if (message.includes('internal error')) problems.push(`stream ended by an internal error: ${excerpt(message, 300)}`);
    else if (serverSide && !faults) problems.push(`server-side stream error from a healthy provider: ${excerpt(message, 300)}`);
    else if (serverSide && !message.includes('provider "')) problems.push(`server-side stream error that is not the provider's: ${excerpt(message, 300)}`);
  }
  return problems;
}

/** Keyed gateway: without a key nothing but the probes answers 2xx, the admin API only to the admin
 * key, and the limited key only for the models it allows. */
function accessProblems(request: FuzzRequest, path: string, reply: Reply, context: CheckContext): string[] {
  const carried = carriesKey.has(request.style) ? request.credential : 'none';
  if (unguarded.has(path)) return [];
  if (carried !== 'admin' && carried !== 'limited') return [`${reply.status} for a request without a valid key (${request.credential}, ${request.style})`];
  if (path.startsWith('/admin/') && carried !== 'admin') return [`${reply.status} from the admin API for the ${carried} key`];
  if (carried !== 'limited' || !modelRoutes.has(request.group)) return [];
  const header = reply.headers['x-modelmux-model'];
  if (typeof header !== 'string' || header === 'fusion' || header.startsWith('fusion/')) return [];
  const model = decoded(header);
  return modelAllowed(context.limitedModels, model) ? [] : [`${reply.status} for model "${model}", which the limited key may not use (${context.limitedModels.join(', ')})`];
}

function decoded(header: string): string {
  try {
    return decodeURIComponent(header);
  } catch {
    return header;
  }
}
