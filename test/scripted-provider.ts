// A provider that answers from a script (a status, headers and body per request), then with a plain
// Chat completion: for failover and breaker tests that need a provider to change its mind.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** The body exactly as sent (a stream's bytes); `body` is ignored then. */
  raw?: string;
}

export interface ScriptedProvider {
  server: Server;
  /** Base URL, ending in /v1. */
  url: string;
  /** What comes next; push to change it. */
  script: Reply[];
  calls: number;
  /** The headers of each request received. */
  headers: Record<string, string | string[] | undefined>[];
}

export async function scripted(script: Reply[]): Promise<ScriptedProvider> {
  const state: ScriptedProvider = { server: null as unknown as Server, url: '', script, calls: 0, headers: [] };
  state.server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      state.calls++;
      state.headers.push(request.headers);
      const reply = state.script.shift() ?? { status: 200 };
      const body = reply.body ?? (reply.status === 200 ? completion() : { error: { message: `scripted ${reply.status}`, type: 'server_error' } });
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(reply.raw ?? JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/v1`;
  return state;
}

export function completion(): unknown {
  return { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'x', choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } };
}
