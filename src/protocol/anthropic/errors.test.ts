import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anthropicErrorBody, anthropicErrorType } from './errors.ts';

test('each status gets the type name Anthropic uses for it', () => {
  const expected: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    529: 'overloaded_error',
    500: 'api_error',
    502: 'api_error',
    503: 'api_error',
    422: 'invalid_request_error',
  };
  for (const [status, type] of Object.entries(expected)) assert.equal(anthropicErrorType(Number(status)), type, `status ${status}`);
});

test('the body is Anthropic\'s error envelope, whatever the gateway called the error', () => {
  const body = JSON.parse(anthropicErrorBody({ status: 429, type: 'rate_limit_exceeded', message: 'slow down' }));
  assert.deepEqual(body, { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
});
