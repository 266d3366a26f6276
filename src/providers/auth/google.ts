// OAuth access tokens for Vertex AI: from a service account, by the JWT-bearer grant
// (https://developers.google.com/identity/protocols/oauth2/service-account#httprest), or a token the
// operator gives as is. A token lives an hour; it is reused until five minutes before it expires,
// and concurrent requests share one refresh instead of each minting its own.
import { sign } from 'node:crypto';
import { Agent } from '../http-agent.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { Redactor } from '../../secrets/redactor.ts';

/** The fields of a service-account key file (GOOGLE_APPLICATION_CREDENTIALS) that are used. */
export interface GoogleServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

export type GoogleCredentials = { accessToken: string } | { serviceAccount: GoogleServiceAccount };

export interface GoogleTokenSourceOptions {
  /** Milliseconds since the epoch; tests move it to reach expiry. */
  now?: () => number;
}

interface SigningKey {
  email: string;
  privateKey: string;
  keyId?: string;
  tokenUri: string;
}

const scope = 'https://www.googleapis.com/auth/cloud-platform';
const defaultTokenUri = 'https://oauth2.googleapis.com/token';
const assertionLifetimeSeconds = 3600;
const refreshMarginMilliseconds = 5 * 60 * 1000;
const exchangeTimeoutMilliseconds = 30_000;

let agent: Agent | null = null;
/** The connections to token endpoints, made on first use. */
function tokenAgent(): Agent {
  return (agent ??= new Agent());
}

export class GoogleTokenSource {
  private staticToken: string | null = null;
  private account: SigningKey | null = null;
  /** Why the credentials cannot work, reported on every call rather than at start. */
  private invalid: string | null = null;
  private cached: { token: string; refreshAt: number } | null = null;
  private refreshing: Promise<string> | null = null;
  private now: () => number;

  constructor(credentials: GoogleCredentials, options: GoogleTokenSourceOptions = {}) {
    this.now = options.now ?? Date.now;
    if ('accessToken' in credentials) {
      this.staticToken = credentials.accessToken;
      return;
    }
    this.invalid = invalidServiceAccount(credentials.serviceAccount);
    if (this.invalid) return;
    const account = credentials.serviceAccount;
    this.account = { email: account.client_email, privateKey: account.private_key, keyId: account.private_key_id, tokenUri: account.token_uri || defaultTokenUri };
  }

  /** A valid access token; rejects with a GatewayError (502, `upstream_auth_failed`). */
  async token(): Promise<string> {
    if (this.staticToken !== null) return this.staticToken;
    if (this.invalid !== null || this.account === null) throw authFailed(this.invalid ?? 'no credentials');
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    if (!this.refreshing) {
      this.refreshing = this.refresh(this.account).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refresh(account: SigningKey): Promise<string> {
    const issuedAt = Math.floor(this.now() / 1000);
    const assertion = signedAssertion(account, issuedAt);
    const secrets = [account.privateKey, assertion];
    let status: number;
    let text: string;
    try {
      const endpoint = new URL(account.tokenUri);
      const response = await tokenAgent().request({
        origin: endpoint.origin,
        path: endpoint.pathname + endpoint.search,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
        headersTimeout: exchangeTimeoutMilliseconds,
        bodyTimeout: exchangeTimeoutMilliseconds,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw authFailed(`the token endpoint ${new URL(account.tokenUri).host} could not be reached${typeof code === 'string' ? ` (${code})` : ''}`);
    }
    const body = parseObject(text);
    if (status !== 200) throw authFailed(`the token endpoint answered ${status}${describeOAuthError(body, secrets)}`);
    const token = body?.access_token;
    if (typeof token !== 'string' || token === '') throw authFailed('the token endpoint answered without an access_token');
    const lifetimeSeconds = typeof body?.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : assertionLifetimeSeconds;
    this.cached = { token, refreshAt: issuedAt * 1000 + lifetimeSeconds * 1000 - refreshMarginMilliseconds };
    return token;
  }
}

/** The RS256-signed JWT the service account presents (header.claims.signature, base64url). */
function signedAssertion(account: SigningKey, issuedAt: number): string {
  const header: Record<string, string> = { alg: 'RS256', typ: 'JWT' };
  if (account.keyId) header.kid = account.keyId;
  const claims = { iss: account.email, scope, aud: account.tokenUri, iat: issuedAt, exp: issuedAt + assertionLifetimeSeconds };
  const signingInput = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
  let signature: Buffer;
  try {
    signature = sign('sha256', Buffer.from(signingInput), account.privateKey);
  } catch {
    // The crypto error may quote the key; say only that it is unusable.
    throw authFailed('the service account private_key is not a usable RSA private key');
  }
  return `${signingInput}.${signature.toString('base64url')}`;
}

function invalidServiceAccount(account: unknown): string | null {
  if (typeof account !== 'object' || account === null) return 'the service account credentials are not a JSON object';
  const fields = account as Record<string, unknown>;
  for (const name of ['client_email', 'private_key'] as const) {
    if (typeof fields[name] !== 'string' || fields[name] === '') return `the service account credentials have no ${name}`;
  }
  if (fields.token_uri !== undefined && (typeof fields.token_uri !== 'string' || !URL.canParse(fields.token_uri))) return 'the service account token_uri is not a URL';
  return null;
}

/** Google's `error` / `error_description` (e.g. "invalid_grant: Invalid JWT Signature."), which
 * name the problem without echoing the request; cut anyway, in case. */
function describeOAuthError(body: Record<string, unknown> | null, secrets: string[]): string {
  if (!body) return '';
  const parts = [body.error, body.error_description].filter((value): value is string => typeof value === 'string' && value !== '');
  return parts.length > 0 ? `: ${new Redactor(secrets).text(parts.join(': ').slice(0, 300))}` : '';
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function base64Url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function authFailed(reason: string): GatewayError {
  return new GatewayError(`Google authentication failed: ${reason}`, { status: 502, type: 'upstream_error', code: 'upstream_auth_failed' });
}
