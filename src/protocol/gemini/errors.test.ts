import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { failureFromGoogleError, retryAfterFromGoogleError } from './errors.ts';

const recorded = new URL('../../../test/fixtures/recorded/', import.meta.url);

test('the recorded 429 gives retry-after 35 (34.4s rounded up), parsed or as text', () => {
  const text = readFileSync(new URL('google/google-429-retry-info.json', recorded), 'utf8');
  assert.equal(retryAfterFromGoogleError(JSON.parse(text)), '35');
  assert.equal(retryAfterFromGoogleError(text), '35');
  assert.equal(retryAfterFromGoogleError([JSON.parse(text)]), '35');
});

test('whole and fractional delays round up; anything else gives null', () => {
  const body = (retryDelay: unknown) => ({ error: { code: 429, details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] } });
  assert.equal(retryAfterFromGoogleError(body('37s')), '37');
  assert.equal(retryAfterFromGoogleError(body('1.5s')), '2');
  assert.equal(retryAfterFromGoogleError(body('0s')), '0');
  assert.equal(retryAfterFromGoogleError(body('soon')), null);
  assert.equal(retryAfterFromGoogleError(body(37)), null);
  assert.equal(retryAfterFromGoogleError({ error: { code: 429, details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }] } }), null);
  assert.equal(retryAfterFromGoogleError({ error: { code: 500 } }), null);
  assert.equal(retryAfterFromGoogleError('not json'), null);
  assert.equal(retryAfterFromGoogleError(null), null);
});

test('a Google error becomes a failure with its HTTP code, or 502 when it has none', () => {
  assert.deepEqual(failureFromGoogleError({ code: 503, status: 'UNAVAILABLE', message: 'overloaded' }), {
    status: 503,
    type: 'upstream_error',
    code: 'UNAVAILABLE',
    message: 'overloaded',
  });
  assert.deepEqual(failureFromGoogleError({}), { status: 502, type: 'upstream_error', code: null, message: 'the provider reported an error' });
});
