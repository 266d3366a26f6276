import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ChatResponse, EncodeTarget } from '../ir.ts';
import { decodeResponse, decodeUsage, encodeResponse } from './response.ts';

const recorded = new URL('../../../test/fixtures/recorded/', import.meta.url);
const target: EncodeTarget = { upstreamModel: 'upstream-model', quirks: {} };
const context = { model: 'client-model', includeUsage: false };

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, recorded), 'utf8'));
}

test('recorded OpenAI answer decodes whole', () => {
  const body = fixture('openai-chat/openai-text');
  const response = decodeResponse(body, target);
  assert.equal(response.id, 'chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU');
  assert.equal(response.model, 'gpt-4.1-nano-2025-04-14');
  assert.equal(response.created, 1770933883);
  assert.deepEqual(response.content, [{ type: 'text', text: (body.choices as { message: { content: string } }[])[0].message.content }]);
  assert.equal(response.finishReason, 'stop');
  assert.deepEqual(response.usage, { inputTokens: 16, outputTokens: 363, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
});

test('recorded DeepSeek answers: reasoning, tool call, cache hits', () => {
  const reasoning = decodeResponse(fixture('deepseek/deepseek-reasoning'), target);
  assert.deepEqual(reasoning.content.map((part) => part.type), ['reasoning', 'text']);
  assert.match(reasoning.content[0].type === 'reasoning' ? reasoning.content[0].text : '', /^We are asked/);
  assert.equal(reasoning.usage?.reasoningTokens, 315);

  const toolCall = decodeResponse(fixture('deepseek/deepseek-tool-call'), target);
  assert.deepEqual(toolCall.content.slice(1), [{ type: 'tool-call', id: 'call_00_9V0vrf86Pc9aelHCJMZqnJBo', name: 'weather', arguments: '{"location": "San Francisco"}' }]);
  assert.equal(toolCall.finishReason, 'tool-calls');
  assert.deepEqual(toolCall.usage, { inputTokens: 339, outputTokens: 92, cachedInputTokens: 320, cacheWriteTokens: 0, reasoningTokens: 48 });
});

test('recorded Groq, Mistral, xAI and Perplexity answers decode whole', () => {
  const groq = decodeResponse(fixture('groq/groq-tool-call'), target);
  assert.deepEqual(groq.content, [{ type: 'tool-call', id: 'ax9fskhev', name: 'weather', arguments: '{}' }]);
  assert.deepEqual(groq.usage, { inputTokens: 218, outputTokens: 15, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });

  // Mistral: no `type` on the tool call, `tool_calls: null` on text answers.
  const mistral = decodeResponse(fixture('mistral/mistral-tool-call'), target);
  assert.deepEqual(mistral.content, [{ type: 'tool-call', id: 'gSIMJiOkT', name: 'weather', arguments: '{"location": "San Francisco"}' }]);
  assert.deepEqual(decodeResponse(fixture('mistral/mistral-text'), target).content.map((part) => part.type), ['text']);

  const xai = decodeResponse(fixture('xai/xai-tool-call'), target);
  assert.deepEqual(xai.content.map((part) => part.type), ['reasoning', 'tool-call']);
  assert.deepEqual(xai.usage, { inputTokens: 291, outputTokens: 215, cachedInputTokens: 244, cacheWriteTokens: 0, reasoningTokens: 189 });
  assert.deepEqual(decodeResponse(fixture('xai/xai-text'), target).content.map((part) => part.type), ['reasoning', 'text']);

  const perplexity = decodeResponse(fixture('perplexity/perplexity-text'), target);
  assert.equal(perplexity.finishReason, 'stop');
  assert.equal(perplexity.usage?.outputTokens, 392);
});

test('usage: DeepSeek cache hits without details, reasoning counted once, missing usage is null', () => {
  assert.equal(decodeUsage({ prompt_tokens: 10, completion_tokens: 2, prompt_cache_hit_tokens: 6 })?.cachedInputTokens, 6);
  assert.equal(decodeUsage({ prompt_tokens: 10, completion_tokens: 8, total_tokens: 18, completion_tokens_details: { reasoning_tokens: 5 } })?.outputTokens, 8);
  assert.equal(decodeUsage({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 18, completion_tokens_details: { reasoning_tokens: 5 } })?.outputTokens, 8);
  assert.equal(decodeUsage(undefined), null);
  assert.equal(decodeUsage({ total_tokens: 3 }), null);
  const body = fixture('groq/groq-text');
  delete body.usage;
  assert.equal(decodeResponse(body, target).usage, null);
});

test('finish reasons map to the internal names', () => {
  const answer = (reason: unknown, message: Record<string, unknown> = { role: 'assistant', content: 'x' }) =>
    decodeResponse({ id: 'i', model: 'm', created: 1, choices: [{ index: 0, message, finish_reason: reason }] }, target).finishReason;
  assert.equal(answer('stop'), 'stop');
  assert.equal(answer('length'), 'length');
  assert.equal(answer('tool_calls'), 'tool-calls');
  assert.equal(answer('function_call'), 'tool-calls');
  assert.equal(answer('content_filter'), 'content-filter');
  assert.equal(answer('eos'), 'other');
  assert.equal(answer(null), 'other');
  assert.equal(answer('stop', { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } }] }), 'tool-calls');
});

test('refusals, reasoning under `reasoning`, legacy function_call, and missing fields', () => {
  const response = decodeResponse({ choices: [{ message: { role: 'assistant', content: null, refusal: 'No.', reasoning: 'thought' }, finish_reason: 'stop' }] }, target);
  assert.deepEqual(response.content, [{ type: 'reasoning', text: 'thought' }, { type: 'refusal', text: 'No.' }]);
  assert.equal(response.model, 'upstream-model');
  assert.match(response.id, /^chatcmpl-/);
  const legacy = decodeResponse({ id: 'x', choices: [{ message: { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{"a":1}' } }, finish_reason: 'function_call' }] }, target);
  assert.deepEqual(legacy.content, [{ type: 'tool-call', id: 'call_0', name: 'f', arguments: '{"a":1}' }]);
  const objectArguments = decodeResponse({ id: 'x', choices: [{ message: { role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] }, finish_reason: 'tool_calls' }] }, target);
  assert.deepEqual(objectArguments.content, [{ type: 'tool-call', id: 'call_0', name: 'f', arguments: '{"a":1}' }]);
});

test('an answer that is not Chat format is a 502 upstream_malformed_response', () => {
  for (const body of [null, 'text', [], {}, { choices: [] }, { choices: [{ index: 0 }] }, { choices: [{ message: { tool_calls: [{ function: {} }] } }] }]) {
    assert.throws(() => decodeResponse(body, target), (error: unknown) =>
      error instanceof GatewayError && error.status === 502 && error.type === 'upstream_error' && error.code === 'upstream_malformed_response');
  }
});

test('encodeResponse writes a complete chat.completion', () => {
  const response: ChatResponse = {
    id: 'msg_1', model: 'claude-x', created: 100, finishReason: 'tool-calls',
    content: [
      { type: 'reasoning', text: 'think', signature: 'sig' },
      { type: 'redacted-reasoning', data: 'xx' },
      { type: 'text', text: 'Let me ' },
      { type: 'text', text: 'check.' },
      { type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}' },
    ],
    usage: { inputTokens: 20, outputTokens: 10, cachedInputTokens: 5, cacheWriteTokens: 3, reasoningTokens: 4 },
  };
  assert.deepEqual(encodeResponse(response, context), {
    id: 'msg_1', object: 'chat.completion', created: 100, model: 'claude-x',
    choices: [{
      index: 0,
      message: { role: 'assistant', content: 'Let me check.', refusal: null, reasoning_content: 'think', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      finish_reason: 'tool_calls',
      logprobs: null,
    }],
    usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30, prompt_tokens_details: { cached_tokens: 5 }, completion_tokens_details: { reasoning_tokens: 4 } },
  });
  const bare = encodeResponse({ id: 'a', model: '', created: 1, content: [{ type: 'refusal', text: 'No.' }], finishReason: 'refusal', usage: null }, context);
  assert.deepEqual(bare, { id: 'a', object: 'chat.completion', created: 1, model: 'client-model', choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'No.' }, finish_reason: 'stop', logprobs: null }] });
  const reasons = (['length', 'content-filter', 'pause', 'error', 'other', 'stop'] as const).map((finishReason) =>
    ((encodeResponse({ ...response, finishReason }, context).choices as Record<string, unknown>[])[0].finish_reason));
  assert.deepEqual(reasons, ['length', 'content_filter', 'stop', 'stop', 'stop', 'stop']);
});

test('every recorded answer survives decode → encode → decode', () => {
  for (const name of ['openai-chat/openai-text', 'groq/groq-tool-call', 'deepseek/deepseek-reasoning', 'deepseek/deepseek-tool-call', 'mistral/mistral-tool-call', 'xai/xai-tool-call', 'perplexity/perplexity-text']) {
    const first = decodeResponse(fixture(name), target);
    assert.deepEqual(decodeResponse(encodeResponse(first, context), target), first, name);
  }
});
