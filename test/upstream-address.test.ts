// A provider the gateway cannot reach is named to the client by its id, never by its address: the
// base URL of an internal model server is the operator's business.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { upstreamFailure } from '../src/providers/upstream.ts';
import { Redactor } from '../src/secrets/redactor.ts';
import type { Provider } from '../src/providers/registry.ts';
import { provider, startStack } from './stack.ts';

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a refused connection reaches OpenAI and Anthropic clients without the upstream address', async () => {
  const port = await closedPort();
  const dead = provider('dead', `http://127.0.0.1:${port}/v1`, defaultTimeouts, [{ id: 'dead-model', upstream: 'x', inputPrice: null, outputPrice: null, contextWindow: null }]);
  const stack = await startStack({ extraProviders: [dead], routing: { maxAttempts: 1 } });
  try {
    const chat = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'dead-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const chatText = await chat.text();
    assert.equal(chat.status, 502, chatText);
    assert.match(chatText, /provider \\"dead\\" refused the connection/);
    const messages = await fetch(`${stack.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'dead-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const messagesText = await messages.text();
    assert.equal(messages.status, 502, messagesText);
    for (const text of [chatText, messagesText]) {
      assert.ok(!text.includes(String(port)), `the port is not revealed: ${text}`);
      assert.ok(!text.includes('127.0.0.1'), `the address is not revealed: ${text}`);
    }
  } finally {
    await stack.close();
  }
});

test('no way a connection can fail puts the upstream host or address in the message', () => {
  const internal = { id: 'internal', origin: 'http://models.corp.internal:8443', config: { timeouts: defaultTimeouts, headers: {}, settings: {}, apiKey: null }, redactor: new Redactor([]) } as unknown as Provider;
  const failures: [string, string][] = [
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND models.corp.internal'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN models.corp.internal'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.1.2.3:8443'],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH 10.1.2.3:8443'],
    ['ENETUNREACH', 'connect ENETUNREACH fd00::1:8443'],
    ['ETIMEDOUT', 'connect ETIMEDOUT 10.1.2.3:8443'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: Host: models.corp.internal. is not in the cert's altnames: DNS:other.corp.internal"],
    ['', 'fetch to http://models.corp.internal:8443/v1 failed at 10.1.2.3:8443 and [fd00::1]:8443'],
  ];
  for (const [code, message] of failures) {
    const error = Object.assign(new Error(message), { code });
    const answer = upstreamFailure(internal, error, new AbortController()).message;
    assert.match(answer, /^provider "internal" /);
    for (const secret of ['models.corp.internal', 'corp.internal', '10.1.2.3', 'fd00::1', '8443']) assert.ok(!answer.includes(secret), `${code}: ${answer}`);
  }
});
