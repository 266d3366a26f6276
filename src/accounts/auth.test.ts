import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authenticate, authenticateAdmin } from './auth.ts';

const adminKey = 'mm-admin-0123456789abcdef';
const settings = { adminKey, store: null };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

test('the admin key is accepted whole, and nothing shorter, longer or different', () => {
  assert.equal(authenticate(bearer(adminKey), settings, 0).admin, true);
  assert.doesNotThrow(() => authenticateAdmin(bearer(adminKey), settings));
  // A prefix, the key with more after it, one character changed, a multi-byte look-alike.
  for (const guess of [adminKey.slice(0, -1), `${adminKey}0`, `${adminKey.slice(0, -1)}e`, `${adminKey.slice(0, -1)}é`, '']) {
    assert.throws(() => authenticateAdmin(bearer(guess), settings), /admin|API key/, JSON.stringify(guess));
    assert.throws(() => authenticate(bearer(guess), settings, 0), /API key/, JSON.stringify(guess));
  }
});
