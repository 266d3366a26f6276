// Test helpers for talking HTTP over raw sockets to a gateway with chosen connection limits: what
// a hostile or broken client sends, byte for byte, and what the gateway answers before it closes.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { ConnectionLimits } from '../src/config/types.ts';
import { defaultConnectionLimits } from '../src/config/types.ts';
import { closeAtOnce, createGateway } from '../src/http/server.ts';
import type { Gateway } from '../src/http/server.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

export interface Guarded {
  stack: Stack;
  gateway: Gateway;
  port: number;
  /** The second gateway's log lines. */
  logs: string[];
  close(): Promise<void>;
}

/** The test stack's simulator and providers behind a second gateway with the given limits. */
export async function startGuarded(limits: Partial<ConnectionLimits>): Promise<Guarded> {
  const stack = await startStack();
  const connections = { ...defaultConnectionLimits, ...limits };
  const logs: string[] = [];
  const gateway = createGateway({ ...stack.gateway.config, connections }, { logger: createLogger('info', { write: (line: string) => logs.push(line) }) });
  const { port } = await gateway.listen();
  return {
    stack,
    gateway,
    port,
    logs,
    async close() {
      await gateway.close(closeAtOnce);
      await stack.close();
    },
  };
}

export interface RawConnection {
  socket: Socket;
  received(): string;
  closed(): boolean;
}

/** A client socket that records what it receives; `data` is sent once connected. */
export function openRaw(port: number, data?: string): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    let text = '';
    let isClosed = false;
    const socket = connect(port, '127.0.0.1', () => {
      if (data !== undefined) socket.write(data);
      resolve({ socket, received: () => text, closed: () => isClosed });
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => (isClosed = true));
  });
}

/** Polls until the condition holds; every wait in these tests stays under a second. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, limitMs = 1000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function parseResponse(text: string): { status: number; headers: string; body: string } {
  const end = text.indexOf('\r\n\r\n');
  assert.ok(end !== -1, `a whole HTTP response, got ${JSON.stringify(text)}`);
  return { status: Number(text.split(' ')[1]), headers: text.slice(0, end).toLowerCase(), body: text.slice(end + 4) };
}

/** Sends raw bytes on a fresh connection and returns the answer the gateway wrote before closing. */
export async function rawExchange(port: number, data: string): Promise<{ status: number; headers: string; body: string }> {
  const connection = await openRaw(port, data);
  await waitFor(connection.closed, 'the gateway closes the connection after its answer');
  return parseResponse(connection.received());
}

export function anthropicError(body: string): { type: string; message: string } {
  const parsed = JSON.parse(body) as { type: string; error: { type: string; message: string } };
  assert.equal(parsed.type, 'error', body);
  assert.equal(typeof parsed.error.type, 'string');
  assert.equal(typeof parsed.error.message, 'string');
  return parsed.error;
}

export function openAIError(body: string): { type: string; code: string; message: string } {
  const parsed = JSON.parse(body) as { error: { type: string; code: string; message: string } };
  assert.equal(typeof parsed.error.message, 'string', body);
  return parsed.error;
}

export function connectionCount(gateway: Gateway): Promise<number> {
  return new Promise((resolve) => gateway.server.getConnections((error, count) => resolve(error ? -1 : count)));
}
