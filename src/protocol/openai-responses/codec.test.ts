import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import OpenAI from 'openai';
import type { EncodeTarget } from '../ir.ts';
import { openAIResponsesCodec } from './codec.ts';

const fixtures = new URL('../../../test/fixtures/recorded/openai-responses/', import.meta.url);
const target: EncodeTarget = { upstreamModel: 'gpt-5', quirks: {} };

/** Recorded provider streams, one per `response.created`, framed as the provider sends them. */
function recordedStreams(name: string): string[] {
  const lines = readFileSync(new URL(`${name}.chunks.txt`, fixtures), 'utf8').split('\n').filter((line) => line.trim() !== '');
  const streams: string[] = [];
  for (const line of lines) {
    const type = (JSON.parse(line) as { type: string }).type;
    if (type === 'response.created') streams.push('');
    streams[streams.length - 1] += `event: ${type}\ndata: ${line}\n\n`;
  }
  return streams;
}

/** The request the recordings answer, as far as the encoder reads it: `write_sql` is a custom tool. */
const request = openAIResponsesCodec.decodeRequest({ model: 'gpt-5', input: 'hi', tools: [{ type: 'custom', name: 'write_sql' }] });

/** Provider bytes → stream events → client bytes, as the gateway relays a translated stream. */
function relay(upstream: string): string {
  const decoder = openAIResponsesCodec.createStreamDecoder(target);
  const encoder = openAIResponsesCodec.createStreamEncoder({ model: 'gpt-5', includeUsage: true, request });
  const bytes = new TextEncoder().encode(upstream);
  let output = '';
  // Small pieces, so events arrive split anywhere.
  for (let offset = 0; offset < bytes.length; offset += 97) for (const event of decoder.push(bytes.subarray(offset, offset + 97))) output += encoder.push(event);
  for (const event of decoder.end()) output += encoder.push(event);
  assert.equal(decoder.malformed, null);
  return decoder.failure ? output + encoder.fail(decoder.failure) : output + encoder.end();
}

async function sdkStream(body: string): Promise<OpenAI.Responses.Response> {
  const client = new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:1', maxRetries: 0, fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }) });
  return client.responses.stream({ model: 'gpt-5', input: 'hi' }).finalResponse();
}

test('recorded OpenAI streams relayed through the codec read the same in the SDK as the originals', async () => {
  const streams = [...recordedStreams('openai-reasoning-encrypted-content.1'), ...recordedStreams('openai-custom-tool.1')];
  for (const upstream of streams) {
    const original = await sdkStream(upstream);
    const relayed = await sdkStream(relay(upstream));
    assert.equal(relayed.id, original.id);
    assert.equal(relayed.model, original.model);
    assert.equal(relayed.status, original.status);
    assert.equal(relayed.output_text, original.output_text);
    assert.deepEqual(relayed.usage, original.usage);
    const shape = (response: OpenAI.Responses.Response) => response.output.map((item) => {
      if (item.type === 'function_call') return { type: item.type, id: item.id, call_id: item.call_id, name: item.name, arguments: item.arguments };
      if (item.type === 'custom_tool_call') return { type: item.type, id: item.id, call_id: item.call_id, name: item.name, input: item.input };
      // The item as it was completed (output_item.done); response.completed re-encrypts reasoning.
      if (item.type === 'reasoning') return { type: item.type, id: item.id, summary: item.summary.map((part) => part.text).join('\n\n') };
      return { type: item.type };
    });
    assert.deepEqual(shape(relayed), shape(original));
  }
});

test('a recorded in-stream error reaches the client as an error event', async () => {
  const [upstream] = recordedStreams('openai-error.1');
  const relayed = relay(upstream);
  assert.match(relayed, /event: error\ndata: \{"type":"error","sequence_number":2,"code":"insufficient_quota"/);
  assert.match(relayed, /event: response.failed\n/);
  await assert.rejects(sdkStream(relayed), { code: 'insufficient_quota' });
});

test('the codec is both a surface and a provider codec for openai-responses', () => {
  assert.equal(openAIResponsesCodec.format, 'openai-responses');
  const request = openAIResponsesCodec.decodeRequest({ model: 'gpt-5', input: 'Hello', stream: true });
  const encoded = openAIResponsesCodec.encodeRequest(request, target);
  assert.deepEqual(encoded, {
    path: '/responses',
    body: { model: 'gpt-5', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }], stream: true },
    dropped: [],
  });
});
