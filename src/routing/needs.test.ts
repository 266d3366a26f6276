// Route needs: read through the client format's facts, lazily where a reading walks the messages;
// embeddings, no client format, need room for their input and nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateTokens } from '../protocol/estimate.ts';
import { needsOf } from './needs.ts';

test('a chat request: its limit, tools, schema, images and prompt, as its format spells them', () => {
  const messages = [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }];
  const body = { model: 'm', messages, max_completion_tokens: 300, tools: [{ type: 'function', function: { name: 'f' } }], response_format: { type: 'json_schema' } };
  const needs = needsOf('openai-chat', body, 1_000);
  assert.deepEqual({ maxTokens: needs.maxTokens, tools: needs.tools, jsonSchema: needs.jsonSchema, vision: needs.vision }, { maxTokens: 300, tools: true, jsonSchema: true, vision: true });
  assert.equal(needs.promptTokens, estimateTokens({ messages, tools: body.tools }));
  assert.equal(needs.promptTokensAtMost, 1_000);
});

test('the same needs read from each format\'s own fields', () => {
  const responses = needsOf('openai-responses', { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }], max_output_tokens: 50, text: { format: { type: 'json_schema' } } }, 10);
  assert.deepEqual({ maxTokens: responses.maxTokens, jsonSchema: responses.jsonSchema, vision: responses.vision }, { maxTokens: 50, jsonSchema: true, vision: true });
  const anthropic = needsOf('anthropic', { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 70, output_format: { type: 'json_schema' } }, 10);
  assert.deepEqual({ maxTokens: anthropic.maxTokens, jsonSchema: anthropic.jsonSchema, vision: anthropic.vision }, { maxTokens: 70, jsonSchema: true, vision: false });
});

test('embeddings need room for their input, and nothing else', () => {
  const input = ['first text', 'second text'];
  const needs = needsOf('embeddings', { model: 'e', input, max_tokens: 10, tools: [{}], messages: [{ content: [{ type: 'image' }] }] }, 100);
  assert.deepEqual({ maxTokens: needs.maxTokens, tools: needs.tools, jsonSchema: needs.jsonSchema, vision: needs.vision }, { maxTokens: null, tools: false, jsonSchema: false, vision: false });
  assert.equal(needs.promptTokens, estimateTokens({ input }));
});

test('the prompt estimate and the image search happen once, and only when asked', () => {
  let reads = 0;
  const body: Record<string, unknown> = { model: 'm' };
  Object.defineProperty(body, 'messages', { enumerable: true, get: () => (reads++, [{ role: 'user', content: 'Hi' }]) });
  const needs = needsOf('openai-chat', body, 10);
  assert.equal(reads, 0);
  void needs.promptTokens;
  void needs.promptTokens;
  void needs.vision;
  void needs.vision;
  assert.equal(reads, 2, 'one read for the estimate, one for the images');
});
