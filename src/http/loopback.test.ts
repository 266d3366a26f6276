import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackAddress, isLoopbackHost } from './loopback.ts';

test('loopback literals in every spelling are local', () => {
  for (const address of ['127.0.0.1', '127.255.10.2', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) assert.ok(isLoopbackAddress(address), address);
});

test('other addresses and names that only look local are not', () => {
  for (const address of ['128.0.0.1', '10.0.0.1', '::2', '::ffff:10.0.0.1', '127.evil.example', '127.0.0.1.nip.io', '127.1', 'localhost', '', undefined]) assert.ok(!isLoopbackAddress(address), String(address));
});

test('a bind host may also be the name localhost, and nothing else by name', () => {
  assert.ok(isLoopbackHost('localhost'));
  assert.ok(isLoopbackHost('127.0.0.1'));
  assert.ok(isLoopbackHost('::1'));
  for (const host of ['127.evil.example', 'localhost.evil.example', '0.0.0.0', '::', 'example.com']) assert.ok(!isLoopbackHost(host), host);
});

test('the address remembered as loopback answers for itself only', () => {
  for (const address of ['127.0.0.1', '10.0.0.1', '127.0.0.1', '', '::1', '::2', '127.0.0.1']) assert.equal(isLoopbackAddress(address), address.startsWith('127.') || address === '::1', address);
});
