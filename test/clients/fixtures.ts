// Requests captured from the real agent CLIs (test/fixtures/clients/): what one turn of the agent
// sent, headers and body, with anything secret-looking replaced, so tests replay exactly what the
// clients send today without keeping a credential or a machine's identity in git.
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { AgentName } from './agents.ts';

export const fixturesFolder = new URL('../fixtures/clients/', import.meta.url);

export interface CapturedRequest {
  method: string;
  /** The request target as sent, query string included. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface ClientFixture {
  client: AgentName;
  version: string;
  /** `one-shot` (a prompt answered in text) or `tool-turn` (a tool call, then its result sent back). */
  turn: string;
  prompt: string;
  /** The `x-sim-tool` knob the capture ran with: the simulator's answers that led to these requests. */
  simulatorTool: string;
  requests: CapturedRequest[];
}

export function readClientFixtures(): ClientFixture[] {
  return readdirSync(fixturesFolder).filter((name) => name.endsWith('.json')).sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, fixturesFolder), 'utf8')) as ClientFixture);
}

/** Headers that belong to one connection or to the capture, not to what the client says. */
const droppedHeaders = new Set(['host', 'content-length', 'connection', 'x-sim-tool']);
const credentialHeaders = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'proxy-authorization', 'cookie']);

/** A received request as a fixture entry: connection headers dropped, credentials and identities replaced. */
export function redactedRequest(method: string, path: string, headers: IncomingHttpHeaders, body: unknown): CapturedRequest {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || droppedHeaders.has(name)) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    kept[name] = credentialHeaders.has(name) ? (text.startsWith('Bearer ') ? 'Bearer REDACTED' : 'REDACTED') : redactText(text);
  }
  return { method, path, headers: kept, body: redactValue(body) };
}

/** Secret-looking strings left in a text: provider keys, tokens, private keys. */
export function secretsIn(text: string): string[] {
  return [...text.matchAll(secretPattern)].map((match) => match[0]);
}

const secretPattern = /\b(?:sk-(?:ant-)?[A-Za-z0-9_-]{16,}|AKIA[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abpr]-[A-Za-z0-9-]{10,}|AIza[A-Za-z0-9_-]{30,}|hf_[A-Za-z0-9]{30,}|eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,})|-----BEGIN [A-Z ]*PRIVATE KEY-----/g;

/** An installation's lasting identity (Claude Code's device id, Codex's installation id): not secret, but not ours to publish. */
const identityPattern = /("?(?:device_id|installation[_-]id)\\*"?\s*:\s*\\*")([0-9a-f-]{16,})/g;
const identityKey = /(?:device|installation)[_-]id$/i;

function redactText(text: string): string {
  return text.replace(secretPattern, 'REDACTED').replace(identityPattern, (_match, key: string, id: string) => key + '0'.repeat(id.length));
}

function redactValue(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return identityKey.test(key) ? value.replace(/[0-9a-f]/g, '0') : redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redactValue(item, name)]));
  return value;
}
