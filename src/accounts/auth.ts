// Who is calling: the admin key, one of our virtual keys, or (on a gateway run without an admin key)
// anyone on the loopback interface. A refusal names what is wrong with the key, never the key.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { KeyRecord, Store } from '../store/store.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { hashKey, looksLikeKey, presentedKey } from './keys.ts';
import { isoTime } from './times.ts';

export interface Account {
  /** The virtual key, or null for the admin key and for an open gateway. */
  key: KeyRecord | null;
  admin: boolean;
}

export interface AuthSettings {
  adminKey: string | null;
  store: Store | null;
}

/** The open gateway's caller: no key, no limits. */
export const openAccount: Account = Object.freeze({ key: null, admin: false });
const adminAccount: Account = Object.freeze({ key: null, admin: true });

/** Keys are on when an admin key is configured; then every API request must carry a key. */
export function keysEnabled(settings: AuthSettings): boolean {
  return settings.adminKey !== null;
}

export function authenticate(headers: IncomingHttpHeaders, settings: AuthSettings, now: number): Account {
  if (settings.adminKey === null) return openAccount;
  const presented = presentedKey(headers);
  if (presented === null) throw unauthorized('no API key: send your modelmux key as `Authorization: Bearer <key>` (or `x-api-key`)', 'missing_api_key');
  if (sameSecret(presented, settings.adminKey)) return adminAccount;
  const key = looksLikeKey(presented) && settings.store ? settings.store.keyByHash(hashKey(presented)) : null;
  if (key === null) throw unauthorized('the API key is not valid on this gateway', 'invalid_api_key');
  if (key.revokedAt !== null) throw unauthorized(`the API key ${key.prefix}... was revoked`, 'key_revoked');
  if (key.expiresAt !== null && key.expiresAt <= now) throw unauthorized(`the API key ${key.prefix}... expired at ${isoTime(key.expiresAt)}`, 'key_expired');
  return { key, admin: false };
}

/** The admin API and CLI: only the admin key. */
export function authenticateAdmin(headers: IncomingHttpHeaders, settings: AuthSettings): void {
  if (settings.adminKey === null) {
    throw new GatewayError('the admin API is off: this gateway runs without an admin key. Set MODELMUX_ADMIN_KEY (or server.admin_key) to turn virtual keys and the admin API on.', {
      status: 403,
      type: 'permission_error',
      code: 'admin_disabled',
    });
  }
  const presented = presentedKey(headers);
  if (presented === null) throw unauthorized('the admin API needs the admin key as `Authorization: Bearer <key>`', 'missing_api_key');
  if (!sameSecret(presented, settings.adminKey)) throw new GatewayError('this key may not use the admin API', { status: 403, type: 'permission_error', code: 'admin_only' });
}

function unauthorized(message: string, code: string): GatewayError {
  return new GatewayError(message, { status: 401, type: 'authentication_error', code });
}

/** Constant-time comparison, so response timing says nothing about how much of a guess was right,
 * nor about the secret's length (the guess is compared at the secret's length, then its own). */
function sameSecret(presented: string, secret: string): boolean {
  const right = Buffer.from(secret);
  const left = Buffer.alloc(right.length);
  left.write(presented);
  return timingSafeEqual(left, right) && Buffer.byteLength(presented) === right.length;
}
