// OpenRouter's additions to Chat Completions that clients written for it send anywhere: the
// `reasoning` object and `usage: {include: true}`. They are read into the internal form, so a
// provider of another format honours them instead of dropping them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { providerCodec } from '../codecs.ts';
import type { ChatResponse, EncodeContext, EncodeTarget, StreamEvent } from '../ir.ts';
import { decodeRequest } from './request.ts';
import { encodeResponse } from './response.ts';
import { createStreamEncoder } from './stream-encoder.ts';
import { validateChatRequest } from './validate.ts';

const target: EncodeTarget = { upstreamModel: 'upstream', quirks: {} };
const hello = [{ role: 'user', content: 'Why is the sky blue?' }];

test('the reasoning object is read: effort, max_tokens as a budget, enabled, exclude, summary', () => {
  assert.deepEqual(decodeRequest({ model: 'm', messages: hello, reasoning: { effort: 'high' } }).reasoning, { effort: 'high' });
  assert.deepEqual(decodeRequest({ model: 'm', messages: hello, reasoning: { max_tokens: 2000, exclude: true } }).reasoning, { budgetTokens: 2000, exclude: true });
  assert.deepEqual(decodeRequest({ model: 'm', messages: hello, reasoning: { enabled: true, exclude: false, summary: 'auto' } }).reasoning, { enabled: true, summary: 'auto' });
  // reasoning_effort, OpenAI's spelling, wins where both name an effort.
  assert.deepEqual(decodeRequest({ model: 'm', messages: hello, reasoning_effort: 'low', reasoning: { effort: 'high' } }).reasoning, { effort: 'low' });
  const request = decodeRequest({ model: 'm', messages: hello, reasoning: { effort: 'medium', verbosity: 'low' } });
  assert.deepEqual(request.extra, { 'reasoning.verbosity': 'low' });
});

test('a bad reasoning object is refused with the field named', () => {
  for (const [reasoning, param] of [['high', 'reasoning'], [{ effort: 'huge' }, 'reasoning.effort'], [{ max_tokens: -1 }, 'reasoning.max_tokens'], [{ exclude: 'yes' }, 'reasoning.exclude']] as const) {
    assert.throws(() => decodeRequest({ model: 'm', messages: hello, reasoning }), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param, param);
  }
});

test('a budget reaches Anthropic as thinking and Gemini as thinkingBudget, and nothing is dropped', () => {
  const body = { model: 'm', messages: hello, max_tokens: 8000, reasoning: { max_tokens: 3000 } };
  const anthropic = providerCodec('anthropic').encodeRequest(decodeRequest(structuredClone(body)), target);
  assert.deepEqual(anthropic.body.thinking, { type: 'enabled', budget_tokens: 3000 });
  assert.deepEqual(anthropic.dropped, []);
  const gemini = providerCodec('gemini').encodeRequest(decodeRequest({ ...structuredClone(body), reasoning: { max_tokens: 3000, exclude: true } }), target);
  assert.deepEqual((gemini.body.generationConfig as Record<string, unknown>).thinkingConfig, { thinkingBudget: 3000, includeThoughts: false });
  assert.deepEqual(gemini.dropped, []);
  const responses = providerCodec('openai-responses').encodeRequest(decodeRequest({ model: 'm', messages: hello, reasoning: { effort: 'high' } }), target);
  assert.deepEqual(responses.body.reasoning, { effort: 'high' });
  assert.deepEqual(responses.dropped, []);
});

test('OpenRouter gets its settings back as they were asked; another Chat provider only the effort', () => {
  const body = { model: 'm', messages: hello, reasoning: { effort: 'high', max_tokens: 100, exclude: true, verbosity: 'low' } };
  const openrouter = providerCodec('openai-chat').encodeRequest(decodeRequest(structuredClone(body)), { ...target, quirks: { reasoningObject: true } });
  assert.equal(openrouter.body.reasoning_effort, 'high');
  assert.deepEqual(openrouter.body.reasoning, { max_tokens: 100, exclude: true, verbosity: 'low' });
  assert.deepEqual(openrouter.dropped, []);
  // `exclude` is the answer's encoder's to honour, so it is not named.
  const other = providerCodec('openai-chat').encodeRequest(decodeRequest(structuredClone(body)), target);
  assert.equal(other.body.reasoning_effort, 'high');
  assert.equal(other.body.reasoning, undefined);
  assert.deepEqual(other.dropped, ['reasoning.max_tokens', 'reasoning.verbosity']);
});

test('usage: {include: true} asks for the usage chunk in a stream, and is not reported as dropped', () => {
  assert.equal(decodeRequest({ model: 'm', messages: hello, stream: true, usage: { include: false } }).includeUsage, false);
  assert.deepEqual(validateChatRequest({ model: 'm', messages: hello, stream: true, usage: { include: true } }), { model: 'm', stream: true, includeUsage: false, usageInclude: true });
  const request = decodeRequest({ model: 'm', messages: hello, stream: true, usage: { include: true } });
  assert.equal(request.includeUsage, true);
  assert.deepEqual(request.extra, {});
  assert.deepEqual(providerCodec('anthropic').encodeRequest(request, target).dropped, []);
  assert.throws(() => validateChatRequest({ model: 'm', messages: hello, usage: true }), (error: unknown) => error instanceof GatewayError && error.param === 'usage');
  assert.throws(() => validateChatRequest({ model: 'm', messages: hello, usage: { include: 'yes' } }), (error: unknown) => error instanceof GatewayError && error.param === 'usage.include');
});

const answer: ChatResponse = {
  id: 'chatcmpl-1',
  model: 'm',
  created: 1,
  content: [{ type: 'reasoning', text: 'Rayleigh scattering…' }, { type: 'text', text: 'Scattering.' }],
  finishReason: 'stop',
  usage: { inputTokens: 10, outputTokens: 30, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 20 },
};

function contextFor(body: Record<string, unknown>): EncodeContext {
  return { model: 'm', includeUsage: true, request: decodeRequest(body) };
}

test('with exclude the answer carries no reasoning, whole or streamed, but still counts it', () => {
  const excluded = contextFor({ model: 'm', messages: hello, reasoning: { effort: 'high', exclude: true } });
  const whole = encodeResponse(answer, excluded) as { choices: Array<{ message: Record<string, unknown> }>; usage: Record<string, unknown> };
  assert.equal(whole.choices[0].message.reasoning_content, undefined);
  assert.equal(whole.choices[0].message.content, 'Scattering.');
  assert.deepEqual(whole.usage.completion_tokens_details, { reasoning_tokens: 20 });

  const events: StreamEvent[] = [{ type: 'start', id: 'c', model: 'm', created: 1 }, { type: 'reasoning-delta', text: 'Rayleigh' }, { type: 'text-delta', text: 'Scattering.' }, { type: 'finish', finishReason: 'stop' }];
  const encoder = createStreamEncoder(excluded);
  const sse = events.map((event) => encoder.push(event)).join('') + encoder.end();
  assert.ok(!sse.includes('Rayleigh') && sse.includes('Scattering.'), sse);

  // Without exclude, reasoning shows as before.
  const shown = encodeResponse(answer, contextFor({ model: 'm', messages: hello, reasoning: { effort: 'high' } })) as { choices: Array<{ message: Record<string, unknown> }> };
  assert.equal(shown.choices[0].message.reasoning_content, 'Rayleigh scattering…');
});

test('input_audio is not refused: Gemini and a Chat provider get the audio, the others name it', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'Transcribe.' }, { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }] }] };
  const request = decodeRequest(structuredClone(body));
  assert.deepEqual(request.messages[0].content[1], { type: 'document', source: { kind: 'base64', mediaType: 'audio/wav', data: 'UklGRg==' } });
  const gemini = providerCodec('gemini').encodeRequest(decodeRequest(structuredClone(body)), target);
  assert.deepEqual((gemini.body.contents as Array<{ parts: unknown[] }>)[0].parts[1], { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } });
  const chat = providerCodec('openai-chat').encodeRequest({ ...decodeRequest(structuredClone(body)), source: 'anthropic' }, target);
  assert.deepEqual((chat.body.messages as Array<{ content: unknown[] }>)[0].content[1], { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } });
  for (const format of ['anthropic', 'openai-responses', 'bedrock-converse'] as const) {
    const encoded = providerCodec(format).encodeRequest(decodeRequest(structuredClone(body)), target);
    assert.deepEqual(encoded.dropped, ['input_audio'], format);
    assert.ok(!JSON.stringify(encoded.body).includes('UklGRg=='), format);
  }
});

test('reasoning_effort "max", valid in the OpenAI API, is read as the top of the scale', () => {
  const request = decodeRequest({ model: 'm', messages: hello, reasoning_effort: 'max' });
  assert.deepEqual(request.reasoning, { effort: 'xhigh' });
  assert.deepEqual(providerCodec('anthropic').encodeRequest(request, target).body.thinking, { type: 'enabled', budget_tokens: 32768 });
});
