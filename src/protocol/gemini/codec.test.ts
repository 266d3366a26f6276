import assert from 'node:assert/strict';
import { test } from 'node:test';
import { geminiCodec } from './codec.ts';

test('the Gemini codec encodes, decodes and streams in the gemini format', () => {
  const target = { upstreamModel: 'gemini-2.5-flash', quirks: {} };
  assert.equal(geminiCodec.format, 'gemini');
  const encoded = geminiCodec.encodeRequest(
    {
      source: 'anthropic',
      model: 'flash',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [],
      stream: true,
      includeUsage: true,
      extra: {},
      sourceOnly: [],
    },
    target,
  );
  assert.equal(encoded.path, '/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  const response = geminiCodec.decodeResponse({ responseId: 'r', candidates: [{ content: { parts: [{ text: 'Hello' }] }, finishReason: 'STOP' }] }, target);
  assert.deepEqual(response.content, [{ type: 'text', text: 'Hello' }]);
  const decoder = geminiCodec.createStreamDecoder(target);
  const events = decoder.push(new TextEncoder().encode('data: {"responseId":"r","candidates":[{"content":{"parts":[{"text":"Hel"}]}}]}\n\n'));
  assert.deepEqual(events.map((event) => event.type), ['start', 'text-delta']);
});
