import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { EncodeTarget } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { encodeRequest } from './request.ts';
import { decodeResponse, mapFinishReason } from './response.ts';

const recorded = new URL('../../../test/fixtures/recorded/', import.meta.url);
const target: EncodeTarget = { upstreamModel: 'gemini-3-pro-preview', quirks: {} };

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`google/${name}`, recorded), 'utf8'));
}

function isMalformed(error: unknown): boolean {
  return error instanceof GatewayError && error.status === 502 && error.type === 'upstream_error' && error.code === 'upstream_malformed_response';
}

test('recorded text answer: the signature on the text survives as an empty reasoning part before it', () => {
  const response = decodeResponse(fixture('google-text.json'), target);
  assert.equal(response.id, 'Un6LacrVMcjUxs0PmJfWoQc');
  assert.equal(response.model, 'gemini-3-pro-preview');
  assert.deepEqual(response.content, [
    { type: 'reasoning', text: '', signature: 'EtoFCtcFAb4+9vtfe4MXRxQjw48U1WKrR/7lYsgFkVi/bepqsSPjY0VU7HEzkeCBIfy1fu5t9aUZ4IZ65aWagqbBrV45fc97olcg' },
    { type: 'text', text: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y." },
  ]);
  assert.equal(response.finishReason, 'stop');
  assert.deepEqual(response.usage, { inputTokens: 9, outputTokens: 28 + 244, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 244 });
});

test('recorded reasoning answer: thought tokens are output, and the text keeps its signature', () => {
  const response = decodeResponse(fixture('google-reasoning.json'), target);
  assert.equal(response.content.length, 2);
  assert.equal(response.content[0].type, 'reasoning');
  assert.equal(response.content[1].type, 'text');
  assert.deepEqual(response.usage, { inputTokens: 9, outputTokens: 29 + 282, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 282 });
});

test('recorded tool call: a deterministic id, JSON arguments, its signature, and finish tool-calls', () => {
  const response = decodeResponse(fixture('google-tool-call.json'), target);
  assert.deepEqual(response.content, [
    {
      type: 'tool-call',
      id: 'call_m36LaZGyCLz1xs0PtNSB-QU_0',
      name: 'weather',
      arguments: '{"location":"San Francisco"}',
      signature: 'EskgCsYgAb4+9vtF7/499YQS2bjZs3xcQI+iAl+ILn29nK1j0Kg6su7QsUUUk3nrAAfnS2w5WiVvlcCqu9fAebJ2cvfaEyBahEt5',
    },
  ]);
  assert.equal(response.finishReason, 'tool-calls');
});

test('a decoded answer sent back as history gives Gemini its own parts again', () => {
  for (const name of ['google-text.json', 'google-reasoning.json', 'google-tool-call.json']) {
    const body = fixture(name) as { candidates: { content: { parts: unknown[] } }[] };
    const response = decodeResponse(body, target);
    const encoded = encodeRequest(
      {
        source: 'openai-chat',
        model: 'm',
        system: [],
        messages: [{ role: 'assistant', content: response.content }],
        tools: [],
        stream: false,
        includeUsage: false,
        extra: {},
        sourceOnly: [],
      },
      target,
    );
    assert.deepEqual(encoded.body.contents, [{ role: 'model', parts: body.candidates[0].content.parts }], name);
  }
});

test('thought parts become reasoning; calls with a Gemini id keep it; ids count every call', () => {
  const response = decodeResponse(
    {
      responseId: 'r1',
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Let me think.', thought: true, thoughtSignature: 'ts' },
              { functionCall: { id: 'gemini-id', name: 'a', args: {} } },
              { functionCall: { name: 'b' } },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    },
    target,
  );
  assert.deepEqual(response.content, [
    { type: 'reasoning', text: 'Let me think.', signature: 'ts' },
    { type: 'tool-call', id: 'gemini-id', name: 'a', arguments: '{}' },
    { type: 'tool-call', id: 'call_r1_1', name: 'b', arguments: '{}' },
  ]);
  assert.equal(response.usage, null);
});

test('finish reasons map to the internal ones', () => {
  assert.equal(mapFinishReason('STOP', false), 'stop');
  assert.equal(mapFinishReason('STOP', true), 'tool-calls');
  assert.equal(mapFinishReason('MAX_TOKENS', false), 'length');
  for (const reason of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']) assert.equal(mapFinishReason(reason, false), 'content-filter');
  assert.equal(mapFinishReason('MALFORMED_FUNCTION_CALL', false), 'error');
  assert.equal(mapFinishReason('LANGUAGE', false), 'other');
});

test('a blocked prompt is an empty answer ended by the content filter', () => {
  const response = decodeResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 }, modelVersion: 'gemini-2.5-pro' }, target);
  assert.deepEqual(response.content, []);
  assert.equal(response.finishReason, 'content-filter');
  assert.equal(response.model, 'gemini-2.5-pro');
  assert.equal(response.usage?.inputTokens, 5);
  assert.match(response.id, /^gemini-/);
});

test('usage adds tool-use prompt tokens to input and reports the cache', () => {
  const response = decodeResponse(
    {
      candidates: [{ content: { parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 100, toolUsePromptTokenCount: 20, cachedContentTokenCount: 64, candidatesTokenCount: 3 },
    },
    target,
  );
  assert.deepEqual(response.usage, { inputTokens: 120, outputTokens: 3, cachedInputTokens: 64, cacheWriteTokens: 0, reasoningTokens: 0 });
  assert.equal(response.model, 'gemini-3-pro-preview');
});

test('an answer that is not Gemini is a 502 malformed response', () => {
  assert.throws(() => decodeResponse('text', target), isMalformed);
  assert.throws(() => decodeResponse({ candidates: {} }, target), isMalformed);
  assert.throws(() => decodeResponse({ candidates: [{ content: { parts: 'x' } }] }, target), isMalformed);
  assert.throws(() => decodeResponse({ candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] }, target), isMalformed);
  assert.throws(() => decodeResponse({ candidates: [{ content: { parts: [{ text: 42 }] } }] }, target), isMalformed);
});

test('an error body is passed on with its status and retry-after', () => {
  assert.throws(
    () => decodeResponse(fixture('google-429-retry-info.json'), target),
    (error: unknown) =>
      error instanceof GatewayError && error.status === 429 && error.code === 'RESOURCE_EXHAUSTED' && error.headers?.['retry-after'] === '35',
  );
});
