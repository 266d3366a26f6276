import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { GoogleTokenSource } from './google.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

interface Exchange {
  grantType: string | null;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  assertion: string;
}

/** What the fake token endpoint answers next; by default a fresh token for every valid assertion. */
let answer: ((exchange: Exchange, count: number) => { status: number; body: string }) | null = null;
const exchanges: Exchange[] = [];
let tokenUri = '';

const server = createServer((incoming, outgoing) => {
  let text = '';
  incoming.on('data', (chunk: Buffer) => (text += chunk.toString()));
  incoming.on('end', () => {
    const form = new URLSearchParams(text);
    const assertion = form.get('assertion') ?? '';
    const [header, claims, signature] = assertion.split('.');
    const valid = verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature ?? '', 'base64url'));
    if (!valid) {
      outgoing.writeHead(400, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }));
      return;
    }
    const exchange: Exchange = {
      grantType: form.get('grant_type'),
      header: JSON.parse(Buffer.from(header, 'base64url').toString()),
      claims: JSON.parse(Buffer.from(claims, 'base64url').toString()),
      assertion,
    };
    exchanges.push(exchange);
    const reply = answer?.(exchange, exchanges.length) ?? { status: 200, body: JSON.stringify({ access_token: `token-${exchanges.length}`, expires_in: 3599, token_type: 'Bearer' }) };
    outgoing.writeHead(reply.status, { 'content-type': 'application/json' });
    outgoing.end(reply.body);
  });
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function account(fields: Record<string, unknown> = {}) {
  return { client_email: 'gateway@project.iam.gserviceaccount.com', private_key: privateKey, private_key_id: 'key-1', token_uri: tokenUri, ...fields };
}

function reset(): void {
  exchanges.length = 0;
  answer = null;
}

function authFailure(...mustNotContain: string[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 502);
    assert.equal(error.code, 'upstream_auth_failed');
    for (const secret of mustNotContain) assert.ok(!error.message.includes(secret), `the message leaks a secret: ${error.message}`);
    assert.ok(!error.message.includes('PRIVATE KEY'), error.message);
    return true;
  };
}

test('a service account signs an RS256 JWT the token endpoint verifies, and gets a token', async () => {
  reset();
  const source = new GoogleTokenSource({ serviceAccount: account() }, { now: () => 1_700_000_000_000 });
  assert.equal(await source.token(), 'token-1');
  assert.equal(exchanges.length, 1);
  const [exchange] = exchanges;
  assert.equal(exchange.grantType, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  assert.deepEqual(exchange.header, { alg: 'RS256', typ: 'JWT', kid: 'key-1' });
  assert.deepEqual(exchange.claims, {
    iss: 'gateway@project.iam.gserviceaccount.com',
    scope: 'https://www.googleapis.com/auth/cloud-platform',
    aud: tokenUri,
    iat: 1_700_000_000,
    exp: 1_700_003_600,
  });
});

test('the token is reused until five minutes before it expires, then refreshed', async () => {
  reset();
  let now = 1_700_000_000_000;
  const source = new GoogleTokenSource({ serviceAccount: account() }, { now: () => now });
  assert.equal(await source.token(), 'token-1');
  now += (3599 - 301) * 1000;
  assert.equal(await source.token(), 'token-1');
  assert.equal(exchanges.length, 1);
  now += 2000;
  assert.equal(await source.token(), 'token-2');
  assert.equal(exchanges.length, 2);
});

test('concurrent callers share one refresh', async () => {
  reset();
  const source = new GoogleTokenSource({ serviceAccount: account() });
  const tokens = await Promise.all(Array.from({ length: 8 }, () => source.token()));
  assert.deepEqual(new Set(tokens), new Set(['token-1']));
  assert.equal(exchanges.length, 1);
});

test('a refused exchange is an auth failure naming Google\'s reason, never the key or the assertion', async () => {
  reset();
  answer = () => ({ status: 401, body: JSON.stringify({ error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens.' }) });
  const source = new GoogleTokenSource({ serviceAccount: account() });
  await assert.rejects(source.token(), (error: unknown) => {
    authFailure(privateKey, exchanges[0].assertion)(error);
    assert.match((error as Error).message, /401: unauthorized_client/);
    return true;
  });
  // A failure is not cached: the next call tries again.
  answer = null;
  assert.equal(await source.token(), 'token-2');
});

test('a key the endpoint cannot verify, an answer without a token, and an unreachable endpoint all fail cleanly', async () => {
  reset();
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  await assert.rejects(new GoogleTokenSource({ serviceAccount: account({ private_key: otherKey }) }).token(), authFailure(otherKey));

  answer = () => ({ status: 200, body: JSON.stringify({ token_type: 'Bearer' }) });
  await assert.rejects(new GoogleTokenSource({ serviceAccount: account() }).token(), authFailure(privateKey));

  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await assert.rejects(new GoogleTokenSource({ serviceAccount: account({ token_uri: `http://127.0.0.1:${port}/token` }) }).token(), authFailure(privateKey));
});

test('unusable credentials fail on use without quoting the key', async () => {
  const garbled = '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n';
  await assert.rejects(new GoogleTokenSource({ serviceAccount: account({ private_key: garbled }) }).token(), authFailure('not-a-key'));
  await assert.rejects(new GoogleTokenSource({ serviceAccount: account({ client_email: undefined }) }).token(), authFailure(privateKey));
  await assert.rejects(new GoogleTokenSource({ serviceAccount: null as never }).token(), authFailure());
});

test('a given access token is used as is, without any exchange', async () => {
  reset();
  const source = new GoogleTokenSource({ accessToken: 'ya29.given' });
  assert.equal(await source.token(), 'ya29.given');
  assert.equal(exchanges.length, 0);
});
