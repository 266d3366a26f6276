import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configuredSecrets, Redactor } from './redactor.ts';

const secret = 'abc/def+ghi=123456';

describe('Redactor', () => {
  const redactor = new Redactor([secret, 'short']);

  test('cuts a secret in each spelling a provider may echo it in', () => {
    for (const spelling of [secret, 'abc\\/def+ghi=123456', encodeURIComponent(secret), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')]) {
      assert.equal(redactor.text(`key: ${spelling}.`), 'key: [redacted].', spelling);
      assert.equal(redactor.bytes(Buffer.from(`key: ${spelling}.`)).toString(), 'key: [redacted].', spelling);
    }
  });

  test('text also cuts what is shaped like a key; bytes and known() leave such content alone', () => {
    const line = 'Incorrect API key provided: sk-proj-abcdefghijklmnop';
    assert.equal(redactor.text(line), 'Incorrect API key provided: [redacted]');
    assert.equal(redactor.known(line), line);
    assert.equal(redactor.bytes(Buffer.from(line)).toString(), line);
  });

  test('values too short to be secrets are left alone, and a clean buffer is returned as it was', () => {
    const clean = Buffer.from('a short answer');
    assert.equal(redactor.bytes(clean), clean);
    assert.equal(redactor.text('short'), 'short');
  });

  test('a stream split inside a secret is still cut, and nothing is held when a chunk ends an event', () => {
    for (const split of [1, 5, secret.length - 1]) {
      const stream = redactor.stream();
      const first = `data: "${secret.slice(0, split)}`;
      const out = [stream.push(Buffer.from(first)), stream.push(`${secret.slice(split)}"\n\n`), stream.flush()].map(String).join('');
      assert.equal(out, 'data: "[redacted]"\n\n', `split at ${split}`);
    }
    const stream = redactor.stream();
    assert.equal(String(stream.push('data: {}\n\n')), 'data: {}\n\n');
    assert.equal(String(stream.flush()), '');
  });

  test('with() adds secrets for one request without changing the shared redactor', () => {
    const own = redactor.with(['callers-own-key-123', null]);
    assert.equal(own.text('callers-own-key-123'), '[redacted]');
    assert.equal(redactor.text('callers-own-key-123'), 'callers-own-key-123');
    assert.equal(redactor.with([null, undefined]), redactor);
  });

  test('a lone surrogate in a secret does not break it', () => {
    assert.equal(new Redactor(['\ud83dabcdefghij']).text('x \ud83dabcdefghij'), 'x [redacted]');
  });

  test('a provider\'s own settings and version headers are not secrets; its credentials are', () => {
    const secrets = configuredSecrets({
      providers: [{ apiKey: null, headers: { 'anthropic-version': '2023-06-01', 'api-key': 'azure-key-123456', 'x-title': 'my application' }, settings: { AWS_REGION: 'us-east-1', AWS_SECRET_ACCESS_KEY: 'aws-secret-key-123', GOOGLE_CLOUD_PROJECT: 'my-project-1' } }],
      adminKey: null,
    });
    assert.deepEqual(secrets.sort(), ['aws-secret-key-123', 'azure-key-123456']);
    assert.equal(new Redactor(secrets).known('the 2023-06-01 release in us-east-1'), 'the 2023-06-01 release in us-east-1');
  });

  test('configuredSecrets knows every provider credential and the admin key', () => {
    const secrets = configuredSecrets({ providers: [{ apiKey: 'provider-key-1', headers: { 'x-extra-token': 'header-secret-1' }, settings: { AWS_SECRET_ACCESS_KEY: 'aws-secret-1' } }], adminKey: 'admin-key-0123456789' });
    for (const expected of ['provider-key-1', 'Bearer provider-key-1', 'header-secret-1', 'aws-secret-1', 'admin-key-0123456789']) assert.ok(secrets.includes(expected), expected);
  });
});

describe('placeholder keys of demo setups', () => {
  test('are no secret: ordinary text that mentions them is left as it is', () => {
    const placeholders = ['changeme', 'sk-xxxxxxxx', 'sk-no-key-required', 'lm-studio', 'not-needed', 'your-api-key', 'XXXXXXXXXXXX', 'sk-12345678'];
    const redactor = new Redactor(placeholders).with(['Bearer changeme']);
    for (const placeholder of placeholders) {
      const line = `set the key to ${placeholder} in the example config`;
      assert.equal(redactor.known(line), line, placeholder);
      assert.equal(redactor.bytes(Buffer.from(line)).toString(), line, placeholder);
    }
    assert.equal(redactor.empty, true);
    assert.deepEqual(configuredSecrets({ providers: [{ apiKey: 'changeme', headers: {}, settings: {} }], adminKey: null }), []);
  });

  test('a real key, even one that contains such a word, is still cut', () => {
    const redactor = new Redactor(['changeme-7fQ2xLp9', 'sk-xxxxxxxx1']);
    assert.equal(redactor.known('key changeme-7fQ2xLp9 and sk-xxxxxxxx1'), 'key [redacted] and [redacted]');
  });
});
