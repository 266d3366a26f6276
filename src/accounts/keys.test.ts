// Virtual keys: their shape and uniqueness, the stored hash and listed prefix, finding the key in a
// request's headers, and model allow-lists (whose patterns must never act as regular expressions).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateKey, hashKey, keyPrefix, looksLikeKey, modelAllowed, presentedKey } from './keys.ts';

describe('generateKey', () => {
  test('makes keys of the documented shape that look like keys', () => {
    const key = generateKey();
    assert.match(key, /^mmx-[A-Za-z0-9_-]{43}$/);
    assert.equal(looksLikeKey(key), true);
  });

  test('never repeats itself over many keys', () => {
    const keys = new Set<string>();
    for (let index = 0; index < 5_000; index++) keys.add(generateKey());
    assert.equal(keys.size, 5_000);
  });
});

describe('hashKey', () => {
  test('is stable, sha256 hex, and differs between keys', () => {
    const key = generateKey();
    assert.equal(hashKey(key), hashKey(key));
    assert.match(hashKey(key), /^[0-9a-f]{64}$/);
    assert.notEqual(hashKey(key), hashKey(generateKey()));
  });

  test('matches a known sha256 digest', () => {
    assert.equal(hashKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('keyPrefix', () => {
  test('is the first twelve characters', () => {
    assert.equal(keyPrefix('mmx-AbCdEfGhIjKlMn'), 'mmx-AbCdEfGh');
    const key = generateKey();
    assert.equal(keyPrefix(key).length, 12);
    assert.ok(key.startsWith(keyPrefix(key)));
  });
});

describe('looksLikeKey', () => {
  test('refuses other credentials and near misses', () => {
    const key = generateKey();
    assert.equal(looksLikeKey('sk-proj-abcdef'), false);
    assert.equal(looksLikeKey(''), false);
    assert.equal(looksLikeKey(key.slice(0, -1)), false, 'too short');
    assert.equal(looksLikeKey(key + 'A'), false, 'too long');
    assert.equal(looksLikeKey(key.replace('mmx-', 'MMX-')), false);
    assert.equal(looksLikeKey(key.slice(0, -1) + '+'), false, 'base64 rather than base64url');
    assert.equal(looksLikeKey(` ${key}`), false);
  });
});

describe('presentedKey', () => {
  test('reads a bearer token from Authorization', () => {
    assert.equal(presentedKey({ authorization: 'Bearer mmx-abc' }), 'mmx-abc');
  });

  test('reads x-api-key, as Anthropic clients send it', () => {
    assert.equal(presentedKey({ 'x-api-key': 'mmx-abc' }), 'mmx-abc');
  });

  test('ignores the case of header names and the scheme, and surrounding whitespace', () => {
    assert.equal(presentedKey({ Authorization: '  bearer   mmx-abc  ' }), 'mmx-abc');
    assert.equal(presentedKey({ AUTHORIZATION: 'BEARER mmx-abc' }), 'mmx-abc');
    assert.equal(presentedKey({ 'X-Api-Key': ' mmx-abc\t' }), 'mmx-abc');
  });

  test('non-bearer schemes and malformed values give null', () => {
    assert.equal(presentedKey({ authorization: 'Basic dXNlcjpwYXNz' }), null);
    assert.equal(presentedKey({ authorization: 'mmx-abc' }), null, 'no scheme');
    assert.equal(presentedKey({ authorization: 'Bearer' }), null);
    assert.equal(presentedKey({ authorization: 'Bearer   ' }), null);
    assert.equal(presentedKey({ authorization: 'Bearer one two' }), null);
    assert.equal(presentedKey({ 'x-api-key': '   ' }), null);
    assert.equal(presentedKey({ 'x-api-key': 'one two' }), null);
    assert.equal(presentedKey({}), null);
    assert.equal(presentedKey({ authorization: undefined }), null);
  });

  test('a bearer token wins over x-api-key; another scheme falls back to x-api-key', () => {
    assert.equal(presentedKey({ authorization: 'Bearer mmx-first', 'x-api-key': 'mmx-second' }), 'mmx-first');
    assert.equal(presentedKey({ authorization: 'Basic abc', 'x-api-key': 'mmx-second' }), 'mmx-second');
  });

  test('a repeated header counts only when every copy agrees', () => {
    assert.equal(presentedKey({ 'x-api-key': ['mmx-abc', 'mmx-abc'] }), 'mmx-abc');
    assert.equal(presentedKey({ 'x-api-key': ['mmx-abc', 'mmx-other'] }), null);
    assert.equal(presentedKey({ authorization: 'Bearer mmx-abc', Authorization: 'Bearer mmx-other' }), null);
  });
});

describe('modelAllowed', () => {
  test('an empty list allows every model', () => {
    assert.equal(modelAllowed([], 'anything'), true);
  });

  test('exact names match only themselves, case included', () => {
    assert.equal(modelAllowed(['gpt-4.1'], 'gpt-4.1'), true);
    assert.equal(modelAllowed(['gpt-4.1'], 'gpt-4.1-mini'), false);
    assert.equal(modelAllowed(['gpt-4.1'], 'GPT-4.1'), false);
  });

  test('globs match prefixes, suffixes, middles and everything', () => {
    assert.equal(modelAllowed(['gpt-4.1*'], 'gpt-4.1'), true);
    assert.equal(modelAllowed(['gpt-4.1*'], 'gpt-4.1-mini'), true);
    assert.equal(modelAllowed(['gpt-4.1*'], 'gpt-4o'), false);
    assert.equal(modelAllowed(['meta-llama/*'], 'meta-llama/llama-3.3-70b-instruct'), true);
    assert.equal(modelAllowed(['meta-llama/*'], 'meta-llama'), false);
    assert.equal(modelAllowed(['*-mini'], 'gpt-4.1-mini'), true);
    assert.equal(modelAllowed(['claude-*-4*'], 'claude-sonnet-4-5'), true);
    assert.equal(modelAllowed(['claude-*-4*'], 'claude-3-haiku'), false);
    assert.equal(modelAllowed(['*'], 'anything/at all'), true);
    assert.equal(modelAllowed(['a*a*a'], 'aaaa'), true);
    assert.equal(modelAllowed(['a*a*b'], 'aaaa'), false);
  });

  test('any one pattern in the list is enough', () => {
    assert.equal(modelAllowed(['gpt-4o', 'claude-*'], 'claude-opus-4'), true);
    assert.equal(modelAllowed(['gpt-4o', 'claude-*'], 'gemini-2.5-pro'), false);
  });

  test('regular expression characters in patterns are taken literally', () => {
    assert.equal(modelAllowed(['gpt-4.1'], 'gpt-4x1'), false, '. is not any character');
    assert.equal(modelAllowed(['model+'], 'modelll'), false);
    assert.equal(modelAllowed(['model+'], 'model+'), true);
    assert.equal(modelAllowed(['(a|b)'], 'a'), false);
    assert.equal(modelAllowed(['(a|b)'], '(a|b)'), true);
    assert.equal(modelAllowed(['[abc]?'], 'a'), false);
    assert.equal(modelAllowed(['[abc]?'], '[abc]?'), true);
    assert.equal(modelAllowed(['^x$'], '^x$'), true);
    assert.equal(modelAllowed(['a\\*'], 'a\\anything'), true, 'a backslash does not escape the star');
  });

  test('a pathological pattern does not take long', () => {
    const model = 'a'.repeat(5_000);
    assert.equal(modelAllowed(['*a*a*a*a*a*a*a*a*b'], model), false);
  });
});
