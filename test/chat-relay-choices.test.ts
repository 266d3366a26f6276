// A Chat client asking for several choices (`n`) on a relayed stream: each choice finishes on its own,
// so the answer is complete only once every choice has finished (or the provider says `[DONE]`). What
// a later choice says after an earlier one's finish is streamed as it comes, not held for the end.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { hello, provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';
import { until } from './until.ts';

const chunk = (choices: object[], extra: object = {}): string => `data: ${JSON.stringify({ id: 'chatcmpl-n', object: 'chat.completion.chunk', created: 1, model: 'upstream-n', choices, ...extra })}\n\n`;
const delta = (index: number, content: string, finishReason: string | null = null) => ({ index, delta: content === '' ? {} : { role: 'assistant', content }, finish_reason: finishReason });
const usage = chunk([], { usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } });

/** A provider whose stream the test writes piece by piece. */
interface PacedProvider {
  server: Server;
  url: string;
  /** The response of the latest request, once its headers went out. */
  response: ServerResponse | null;
}

async function pacedProvider(): Promise<PacedProvider> {
  const state: PacedProvider = { server: null as unknown as Server, url: '', response: null };
  state.server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.flushHeaders();
      state.response = response;
    });
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/v1`;
  return state;
}

/** What the client has read of its stream so far, as it arrives. */
function reading(body: ReadableStream<Uint8Array>): { text: () => string; done: Promise<void> } {
  let text = '';
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const part of body) text += decoder.decode(part, { stream: true });
  })();
  return { text: () => text, done };
}

describe('Chat relay with n > 1', () => {
  let stack: Stack;
  let upstream: PacedProvider;
  before(async () => {
    upstream = await pacedProvider();
    stack = await startStack({ extraProviders: [provider('paced', upstream.url, defaultTimeouts)] });
  });
  after(async () => {
    await stack.close();
    upstream.server.closeAllConnections();
    upstream.server.close();
  });

  const ask = async (): Promise<ReturnType<typeof reading>> => {
    upstream.response = null;
    const body = { model: 'paced/upstream-n', messages: hello, n: 2, stream: true, stream_options: { include_usage: true } };
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 200);
    return reading(response.body!);
  };

  test("a later choice's words after the first choice's finish reach the client as they come", async () => {
    const pending = ask();
    await until(() => upstream.response !== null, 'the upstream request');
    const response = upstream.response!;
    response.write(chunk([delta(0, 'Short.'), delta(1, 'A longer')]));
    const client = await pending;
    response.write(chunk([delta(0, '', 'stop')]));
    response.write(chunk([delta(1, ' answer, still going')]));
    await until(() => client.text().includes('still going'), "the second choice's words after the first choice's finish", 2_000);
    response.write(chunk([delta(1, '', 'length')]));
    response.end(usage + 'data: [DONE]\n\n');
    await client.done;
    const events = client.text().split('\n\n').filter((event) => event.startsWith('data: {')).map((event) => JSON.parse(event.slice(6)));
    const finishes = events.flatMap((event) => event.choices.filter((choice: { finish_reason: string | null }) => choice.finish_reason !== null).map((choice: { index: number; finish_reason: string }) => [choice.index, choice.finish_reason]));
    assert.deepEqual(finishes, [[0, 'stop'], [1, 'length']]);
    assert.equal(events.at(-1).usage.completion_tokens, 6);
    assert.ok(client.text().endsWith('data: [DONE]\n\n'));
  });

  test('a stream that breaks off before every choice finished ends with an error, not [DONE]', async () => {
    const pending = ask();
    await until(() => upstream.response !== null, 'the upstream request');
    const response = upstream.response!;
    response.write(chunk([delta(0, 'Short.'), delta(1, 'A longer')]));
    const client = await pending;
    response.write(chunk([delta(0, '', 'stop')]));
    response.end(chunk([delta(1, ' answer')]));
    await client.done;
    assert.match(client.text(), /upstream_stream_incomplete/);
    assert.doesNotMatch(client.text(), /\[DONE\]/);
  });

  test('a provider that ignored `n` (one choice, then its usage and [DONE]) is complete', async () => {
    const pending = ask();
    await until(() => upstream.response !== null, 'the upstream request');
    const response = upstream.response!;
    response.write(chunk([delta(0, 'Only one.')]));
    const client = await pending;
    response.end(chunk([delta(0, '', 'stop')]) + usage + 'data: [DONE]\n\n');
    await client.done;
    assert.doesNotMatch(client.text(), /error/);
    assert.ok(client.text().endsWith('data: [DONE]\n\n'));
  });
});
