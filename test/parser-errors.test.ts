// What Node's own HTTP parser refuses before any handler sees it is still answered with the right
// status, in the caller's error format: Anthropic's on /v1/messages*, OpenAI's elsewhere.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anthropicError, openAIError, rawExchange, startGuarded } from './raw-http.ts';
import type { Guarded } from './raw-http.ts';

describe('requests Node\'s parser refuses', () => {
  let guarded: Guarded;
  before(async () => {
    guarded = await startGuarded({});
  });
  after(() => guarded.close());

  const chunked = (path: string): string => `POST ${path} HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n`;

  test('bad chunked encoding is a 400, in Anthropic\'s shape on /v1/messages and OpenAI\'s elsewhere', async () => {
    const anthropic = await rawExchange(guarded.port, chunked('/v1/messages'));
    assert.equal(anthropic.status, 400);
    assert.equal(anthropicError(anthropic.body).type, 'invalid_request_error');
    const openai = await rawExchange(guarded.port, chunked('/v1/chat/completions'));
    assert.equal(openai.status, 400);
    assert.equal(openAIError(openai.body).code, 'bad_http_request');
  });

  test('an unknown method is a 405 in the caller\'s format', async () => {
    const anthropic = await rawExchange(guarded.port, 'FROB /v1/messages HTTP/1.1\r\nHost: gateway\r\n\r\n');
    assert.equal(anthropic.status, 405);
    assert.match(anthropicError(anthropic.body).message, /FROB/);
    const openai = await rawExchange(guarded.port, 'FROB /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n\r\n');
    assert.equal(openai.status, 405);
    assert.equal(openAIError(openai.body).code, 'method_not_allowed');
  });

  test('both content-length and transfer-encoding is a 400 in the caller\'s format', async () => {
    const answer = await rawExchange(guarded.port, 'POST /v1/messages/count_tokens HTTP/1.1\r\nHost: gateway\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    assert.equal(answer.status, 400);
    anthropicError(answer.body);
  });

  test('headers too large on /v1/messages get an Anthropic-shaped 431', async () => {
    const answer = await rawExchange(guarded.port, `POST /v1/messages HTTP/1.1\r\nHost: gateway\r\nx-big: ${'x'.repeat(64 * 1024)}\r\n\r\n`);
    assert.equal(answer.status, 431);
    assert.equal(anthropicError(answer.body).type, 'invalid_request_error');
  });

  test('an Expect other than 100-continue is a 417 with a body in the caller\'s format', async () => {
    const expect = (path: string): string => `POST ${path} HTTP/1.1\r\nHost: gateway\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}`;
    const anthropic = await rawExchange(guarded.port, expect('/v1/messages'));
    assert.equal(anthropic.status, 417);
    assert.match(anthropicError(anthropic.body).message, /200-ok/);
    const openai = await rawExchange(guarded.port, expect('/v1/chat/completions'));
    assert.equal(openai.status, 417);
    assert.equal(openAIError(openai.body).code, 'expectation_failed');
  });

  test('the gateway keeps serving after all of them', async () => {
    const answer = await rawExchange(guarded.port, 'GET /health HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n');
    assert.equal(answer.status, 200);
  });
});
