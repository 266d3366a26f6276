import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorTypeOf, sharedFailureStatus } from './failure.ts';

describe('the status of a fusion or comparison that failed as a whole', () => {
  it('is the client error every call shared, 400 for different ones of the caller\'s, else 502', () => {
    assert.equal(sharedFailureStatus([401, 401]), 401);
    assert.equal(sharedFailureStatus([402]), 402);
    assert.equal(sharedFailureStatus([401, 403]), 400);
    assert.equal(sharedFailureStatus([404, 500]), 502);
    assert.equal(sharedFailureStatus([500, 500]), 502);
    assert.equal(sharedFailureStatus([0, 0]), 502, 'timeouts and aborts');
    assert.equal(sharedFailureStatus([408, 408]), 502, 'a 408 is a timeout, not the caller’s doing');
  });

  it('is typed as a client expects it', () => {
    assert.deepEqual([401, 402, 403, 404, 429, 502].map(errorTypeOf), ['authentication_error', 'insufficient_quota', 'permission_error', 'invalid_request_error', 'rate_limit_error', 'upstream_error']);
  });
});
