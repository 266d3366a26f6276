import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config/load.ts';
import { providerAt } from '../config/providers.ts';
import { defaultTimeouts } from '../config/types.ts';
import { longestRequestMs } from './server.ts';

test('the longest a request may hold money: the routing deadline and the slowest provider\'s total_ms', () => {
  const config = loadConfig({ env: {} });
  assert.equal(longestRequestMs(config), config.routing.deadlineMs + config.timeouts.totalMs);
  config.providers = [providerAt('openai-compatible', 'slow', 'http://127.0.0.1:9/v1', { ...defaultTimeouts, totalMs: 2 * 3_600_000 })];
  assert.equal(longestRequestMs(config), config.routing.deadlineMs + 2 * 3_600_000);
});
