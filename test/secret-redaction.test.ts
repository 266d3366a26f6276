// No secret the gateway holds or was handed reaches a client or a log, whichever path an answer takes
// (relayed byte for byte or translated, streamed or whole, an error or content) and whatever spelling
// the provider echoes it in: as sent, JSON-escaped, percent-encoded or base64.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { encodeEventStreamMessage } from '../src/protocol/bedrock/event-stream.ts';
import { provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

/** No known shape (no sk- prefix), and characters each encoding spells differently. */
const providerSecret = 'plain/provider+key=0123456789';
const callerSecret = 'callers-own/key+ABCDEFGH12345';

function spellings(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/'), encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

/** Quotes every credential it was sent, in every spelling, wherever the test asks. */
function echoing(handler: (request: IncomingMessage, response: ServerResponse, echoed: string) => void): Server {
  return createServer((request, response) => {
    request.resume();
    const sent = [request.headers.authorization, request.headers['x-api-key']].filter((value): value is string => typeof value === 'string').map((value) => value.replace(/^Bearer /, ''));
    handler(request, response, sent.flatMap(spellings).join(' | '));
  });
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('a provider that echoes credentials', () => {
  let stack: Stack;
  const servers: Server[] = [];
  const start = async (server: Server): Promise<string> => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  };

  before(async () => {
    // Mid-stream, after content: an error event quoting the key (relayed byte for byte on Chat).
    const chatStream = await start(
      echoing((_request, response, echoed) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(chunk({ role: 'assistant', content: 'Hello' }));
        // Split inside the secret, so only a redactor that looks across chunks finds it.
        const event = `data: ${JSON.stringify({ error: { message: `invalid key: ${echoed}`, type: 'invalid_request_error' } })}\n\n`;
        const middle = event.indexOf(providerSecret.slice(0, 6)) + 3;
        response.write(event.slice(0, middle));
        setTimeout(() => response.end(event.slice(middle)), 5);
      }),
    );
    // Anthropic's Messages, relayed: content then an error event quoting the key.
    const messagesStream = await start(
      echoing((_request, response, echoed) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 0 } } })}\n\n`);
        response.write(`event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`);
        response.write(`event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `Hi ${echoed}` } })}\n\n`);
        response.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `bad key ${echoed}` } })}\n\n`);
      }),
    );
    // A whole answer whose content quotes the key.
    const whole = await start(
      echoing((_request, response, echoed) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 'c2', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: `your key is ${echoed}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
      }),
    );
    // Refuses the caller's own key, quoting it bare (no "Bearer " before it).
    const refusing = await start(
      echoing((_request, response, echoed) => {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${echoed}`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
      }),
    );
    const keyed = (id: string, url: string, kind = 'openai-compatible') => {
      const config = provider(id, url, defaultTimeouts, [{ id, upstream: id }], kind);
      config.apiKey = providerSecret;
      return config;
    };
    // Bedrock's binary event stream, its text quoting the key inside one framed message.
    const bedrockStream = await start(
      echoing((_request, response, echoed) => {
        const frame = (type: string, payload: object) => encodeEventStreamMessage({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(payload));
        response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
        response.write(frame('messageStart', { role: 'assistant' }));
        response.write(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: `your key is ${echoed}` } }));
        response.write(frame('contentBlockStop', { contentBlockIndex: 0 }));
        response.write(frame('messageStop', { stopReason: 'end_turn' }));
        response.end(frame('metadata', { usage: { inputTokens: 3, outputTokens: 5, totalTokens: 8 } }));
      }),
    );
    const byok = keyed('byok', refusing);
    byok.clientKeys = true;
    const bedrock = keyed('bedrock', bedrockStream.replace(/\/v1$/, ''), 'bedrock');
    stack = await startStack({ extraProviders: [keyed('chatstream', chatStream), keyed('messages', messagesStream, 'anthropic'), keyed('whole', whole), byok, bedrock] });
  });
  after(async () => {
    await stack.close();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });

  const assertClean = (places: string[], secrets: string[]): void => {
    for (const place of places) for (const secret of secrets) for (const spelling of spellings(secret)) assert.ok(!place.includes(spelling), `"${spelling}" leaked in: ${place.slice(0, 400)}`);
  };

  test('an error event in a relayed Chat stream', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chatstream', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    const text = await response.text();
    assert.match(text, /Hello/);
    assert.match(text, /\[redacted\]/);
    assertClean([text, ...stack.logs], [providerSecret]);
  });

  test('content and an error event in a relayed Messages stream', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'messages', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    const text = await response.text();
    assert.match(text, /\[redacted\]/);
    assertClean([text, ...stack.logs], [providerSecret]);
  });

  test('the same Messages stream translated for a Chat client', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'messages', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    assertClean([await response.text(), ...stack.logs], [providerSecret]);
  });

  test("Bedrock's binary event stream: the key is cut out and the frames still read", async () => {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bedrock', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    assert.match(text, /your key is \[redacted\]/);
    assert.match(text, /"finish_reason":"stop"/);
    assert.doesNotMatch(text, /malformed|checksum/);
    assertClean([text, ...stack.logs], [providerSecret]);
  });

  test('a whole answer', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'whole', messages: [{ role: 'user', content: 'hi' }] }) });
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.match(JSON.parse(text).choices[0].message.content, /^your key is \[redacted\]/);
    assertClean([text, ...stack.logs], [providerSecret]);
  });

  test("the caller's own provider key, quoted bare in the provider's 401, reaches neither the answer nor the log", async () => {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-modelmux-key-byok': callerSecret },
      body: JSON.stringify({ model: 'byok', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await response.text();
    assert.equal(response.status, 401);
    assert.match(text, /Incorrect API key provided: \[redacted\]/);
    assertClean([text, ...stack.logs], [callerSecret, providerSecret]);
  });
});
