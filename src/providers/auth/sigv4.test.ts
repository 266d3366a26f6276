// Signatures from AWS's published SigV4 test suite (aws-sig-v4-test-suite; the same vectors the AWS
// SDKs test against), then a Bedrock-shaped request checked against a canonical request written
// out by hand.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { signAwsRequest } from './sigv4.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const now = new Date('2015-08-30T12:36:00Z');
const scope = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

const suite: Array<{ name: string; method: string; url: string; headers: Record<string, string>; expected: string }> = [
  {
    name: 'get-vanilla',
    method: 'GET',
    url: 'https://example.amazonaws.com/',
    headers: {},
    expected: 'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'post-vanilla',
    method: 'POST',
    url: 'https://example.amazonaws.com/',
    headers: {},
    expected: 'SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
  },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1',
    headers: {},
    expected: 'SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    url: 'https://example.amazonaws.com/',
    headers: { 'My-Header1': ' value1', 'My-Header2': '"a   b   c"' },
    expected: 'SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    // The path goes on the wire as `$delete`, and is signed encoded once more (`%24delete`).
    name: 'normalize-path/get-special-character',
    method: 'GET',
    url: 'https://example.amazonaws.com/example/$delete',
    headers: {},
    expected: 'SignedHeaders=host;x-amz-date, Signature=a853c9b21b528b19643d00910d35b83a10c366a10833ceefb45edd6c80e40f27',
  },
];

describe('signAwsRequest, AWS SigV4 test suite', () => {
  for (const vector of suite) {
    test(vector.name, () => {
      const added = signAwsRequest({
        method: vector.method,
        url: new URL(vector.url),
        headers: vector.headers,
        body: '',
        region: 'us-east-1',
        service: 'service',
        credentials,
        now,
      });
      assert.equal(added.authorization, `${scope}, ${vector.expected}`);
      assert.equal(added['x-amz-date'], '20150830T123600Z');
      assert.deepEqual(Object.keys(added).sort(), ['authorization', 'x-amz-date']);
    });
  }

  test('post-sts-header-before: the session token is sent and signed', () => {
    const sessionToken = 'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
    const added = signAwsRequest({
      method: 'POST',
      url: new URL('https://example.amazonaws.com/'),
      headers: {},
      body: '',
      region: 'us-east-1',
      service: 'service',
      credentials: { ...credentials, sessionToken },
      now,
    });
    assert.equal(added['x-amz-security-token'], sessionToken);
    assert.equal(
      added.authorization,
      `${scope}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead`,
    );
  });
});

describe('signAwsRequest, a Bedrock request', () => {
  test('signs the model id encoded twice, the body hash and the content type, not the user agent', () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hello' }] }] });
    const url = new URL(`https://bedrock-runtime.eu-west-1.amazonaws.com/model/${encodeURIComponent('anthropic.claude-3-5-sonnet-20240620-v1:0')}/converse`);
    const added = signAwsRequest({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'user-agent': 'modelmux/0.1.0', Accept: 'application/json' },
      body,
      region: 'eu-west-1',
      service: 'bedrock',
      credentials,
      now: new Date('2025-01-02T03:04:05.678Z'),
    });
    const canonicalRequest = [
      'POST',
      '/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse',
      '',
      'accept:application/json',
      'content-type:application/json',
      'host:bedrock-runtime.eu-west-1.amazonaws.com',
      'x-amz-date:20250102T030405Z',
      '',
      'accept;content-type;host;x-amz-date',
      createHash('sha256').update(body).digest('hex'),
    ].join('\n');
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      '20250102T030405Z',
      '20250102/eu-west-1/bedrock/aws4_request',
      createHash('sha256').update(canonicalRequest).digest('hex'),
    ].join('\n');
    const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
    const key = hmac(hmac(hmac(hmac('AWS4' + credentials.secretAccessKey, '20250102'), 'eu-west-1'), 'bedrock'), 'aws4_request');
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
    assert.equal(
      added.authorization,
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/eu-west-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=${signature}`,
    );
    assert.equal(added['x-amz-date'], '20250102T030405Z');
    assert.equal(added['x-amz-security-token'], undefined);
    assert.equal(added['x-amz-content-sha256'], undefined);
  });

  test('a port other than the default is part of the signed host', () => {
    const added = signAwsRequest({
      method: 'POST',
      url: new URL('http://127.0.0.1:8123/model/m/converse'),
      headers: {},
      body: '{}',
      region: 'us-east-1',
      service: 'bedrock',
      credentials,
      now,
    });
    const other = signAwsRequest({
      method: 'POST',
      url: new URL('http://127.0.0.1:8124/model/m/converse'),
      headers: {},
      body: '{}',
      region: 'us-east-1',
      service: 'bedrock',
      credentials,
      now,
    });
    assert.notEqual(added.authorization, other.authorization);
  });
});
