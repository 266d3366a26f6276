import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxConnectionsFor, serverOptions } from './connections.ts';

const limitsWith = (openFiles: string): string =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax processes             63704                63704                processes \nMax open files            ${openFiles}                files     \nMax locked memory         8388608              8388608              bytes     \n`;

test('the default cap leaves half of the descriptors past a reserve to upstream sockets', () => {
  assert.equal(maxConnectionsFor(limitsWith('1024                 1024')), 384);
  assert.equal(maxConnectionsFor(limitsWith('65536                1048576')), 16_384);
  assert.equal(maxConnectionsFor(limitsWith('20000                20000')), 9_872);
});

test('the default cap stays within sane bounds, and is fixed where the limit cannot be read', () => {
  assert.equal(maxConnectionsFor(limitsWith('256                  256')), 64);
  assert.equal(maxConnectionsFor(limitsWith('unlimited            unlimited')), 16_384);
  assert.equal(maxConnectionsFor(null), 1_024);
  assert.equal(maxConnectionsFor('something else entirely'), 1_024);
});

test('Node checks the header and body timeouts often enough to enforce them within a tenth', () => {
  const defaults = serverOptions({ maxConnections: null, headersTimeoutMs: 10_000, bodyTimeoutMs: 60_000, keepAliveTimeoutMs: 65_000, streamUnreadTimeoutMs: 30_000 });
  assert.equal(defaults.connectionsCheckingInterval, 1_000);
  assert.equal(defaults.keepAliveTimeoutBuffer, 1_000);
  const small = serverOptions({ maxConnections: null, headersTimeoutMs: 200, bodyTimeoutMs: 400, keepAliveTimeoutMs: 200, streamUnreadTimeoutMs: 30_000 });
  assert.equal(small.connectionsCheckingInterval, 20);
  assert.equal(small.keepAliveTimeoutBuffer, 20);
  assert.equal(small.requestTimeout, 400);
});
