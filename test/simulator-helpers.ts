// Shared by the simulator's test files: one simulator per file, plain HTTP helpers, and readers for
// the recorded provider responses in test/fixtures/recorded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { startSimulator } from '../src/simulator/index.ts';
import type { Simulator } from '../src/simulator/index.ts';

export const recorded = new URL('./fixtures/recorded/', import.meta.url);

/** The simulator of the files that use one (a live binding: set once `useSimulator()`'s before hook
 * has run). It also replays the recordings in test/fixtures/recorded. */
export let simulator: Simulator;
let users = 0;

/** Starts a simulator before the file's tests and closes it after them. When the test files share
 * one process (`--test-isolation=none`), their hooks all hang off the run's root: they then share
 * one simulator, started by the first and closed by the last. */
export function useSimulator(): void {
  before(async () => {
    if (users++ === 0) simulator = await startSimulator({ fixturesDir: fileURLToPath(recorded) });
  });
  after(async () => {
    if (--users === 0) await simulator.close();
  });
}

export function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(simulator.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
}

export async function postJson(path: string, body: unknown): Promise<any> {
  const response = await post(path, body);
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

/** SSE text -> events with their `event:` name (when present) and joined `data:` lines. */
export function parseEvents(text: string): Array<{ event?: string; data: string }> {
  return text.split('\n\n').filter((block) => block !== '').map((block) => {
    const lines = block.split('\n');
    const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
    const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
    return event === undefined ? { data } : { event, data };
  });
}

export function fixture(path: string): any {
  return JSON.parse(readFileSync(new URL(path, recorded), 'utf8'));
}

export function fixtureLines(path: string): any[] {
  return readFileSync(new URL(path, recorded), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
}

export function keys(value: object): string[] {
  return Object.keys(value).sort();
}

export function without(list: string[], ...removed: string[]): string[] {
  return list.filter((item) => !removed.includes(item));
}

/** The body as JSON, typed loosely: tests probe provider shapes field by field. */
export async function json(response: Response): Promise<any> {
  return response.json();
}
