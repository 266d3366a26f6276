// Simulator, Anthropic Messages and Google Gemini: whole and streamed answers and tool calls,
// checked against the shapes of real recorded answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixture, fixtureLines, json, keys, parseEvents, post, postJson, useSimulator, without } from './simulator-helpers.ts';

useSimulator();

describe('Anthropic messages', () => {
  const request = { model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'Hello Claude' }] };

  test('a whole message has the keys of a recorded message', async () => {
    const message = await postJson('/v1/messages', request);
    const real = fixture('anthropic/anthropic-text.json');
    assert.deepEqual(keys(message), keys(real));
    assert.deepEqual(keys(message.usage), keys(real.usage));
    assert.deepEqual(keys(message.content[0]), keys(real.content[0]));
    assert.equal(message.stop_reason, 'end_turn');
    assert.match(message.content[0].text, /claude-test to "Hello Claude"/);
    assert.equal(message.usage.output_tokens, 16);
    assert.equal(message.usage.input_tokens, Math.ceil('Hello Claude'.length / 4));
  });

  test('a stream has the recorded event order, event: lines and usage in message_start and message_delta', async () => {
    const events = parseEvents(await (await post('/v1/messages', { ...request, stream: true })).text());
    const payloads = events.map((event) => JSON.parse(event.data));
    events.forEach((event, index) => assert.equal(event.event, payloads[index].type));
    const realEvents = fixtureLines('anthropic/anthropic-text.chunks.txt');
    assert.deepEqual(collapse(payloads.map((payload) => payload.type)), collapse(realEvents.map((payload) => payload.type)));
    for (const payload of payloads) {
      const twin = realEvents.find((real) => real.type === payload.type);
      assert.deepEqual(keys(payload), keys(twin), payload.type);
    }
    assert.deepEqual(keys(payloads[0].message.usage), keys(realEvents[0].message.usage));
    const messageDelta = payloads.find((payload) => payload.type === 'message_delta');
    assert.deepEqual(keys(messageDelta.usage), keys(realEvents.at(-2).usage));
    assert.equal(messageDelta.usage.output_tokens, 16);
    const deltas = payloads.filter((payload) => payload.type === 'content_block_delta').map((payload) => payload.delta.text);
    assert.equal(deltas.length, 16);
    const whole = await postJson('/v1/messages', request);
    assert.equal(deltas.join(''), whole.content[0].text);
  });

  test('max_tokens and stop_sequences set stop_reason; max_tokens is required', async () => {
    const capped = await postJson('/v1/messages', { ...request, max_tokens: 2 });
    assert.equal(capped.stop_reason, 'max_tokens');
    assert.equal(capped.usage.output_tokens, 2);
    const stopped = await postJson('/v1/messages', { ...request, stop_sequences: ['from'] });
    assert.equal(stopped.stop_reason, 'stop_sequence');
    assert.equal(stopped.stop_sequence, 'from');
    assert.equal(stopped.content[0].text, 'Simulated reply ');
    const missing = await post('/v1/messages', { model: 'x', messages: [] });
    assert.equal(missing.status, 400);
    assert.deepEqual(await json(missing), { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  });

  test('tools: a tool_use block, named by tool_choice, text after a tool_result', async () => {
    const message = await postJson('/v1/messages', { ...request, tools: anthropicTools });
    const real = fixture('anthropic/anthropic-tool-no-args.json');
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(keys(message.content[0]), keys(real.content[1]));
    assert.deepEqual(message.content[0].input, { city: 'sim', days: 1 });
    assert.match(message.content[0].id, /^toolu_/);
    const named = await postJson('/v1/messages', { ...request, tools: anthropicTools, tool_choice: { type: 'tool', name: 'clock' } });
    assert.equal(named.content[0].name, 'clock');
    const none = await postJson('/v1/messages', { ...request, tools: anthropicTools, tool_choice: { type: 'none' } });
    assert.equal(none.content[0].type, 'text');
    const reply = await postJson('/v1/messages', {
      ...request,
      tools: anthropicTools,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
      ],
    });
    assert.equal(reply.stop_reason, 'end_turn');
    assert.match(reply.content[0].text, /weather\?/);
  });

  test('tools streamed: tool_use block start, empty then partial input_json_delta', async () => {
    const events = parseEvents(await (await post('/v1/messages', { ...request, tools: anthropicTools, stream: true })).text());
    const payloads = events.map((event) => JSON.parse(event.data));
    const start = payloads.find((payload) => payload.type === 'content_block_start');
    const real = fixtureLines('anthropic/anthropic-json-tool.1.chunks.txt');
    assert.deepEqual(keys(start.content_block), keys(real[1].content_block));
    assert.deepEqual(start.content_block.input, {});
    const partials = payloads.filter((payload) => payload.type === 'content_block_delta').map((payload) => payload.delta);
    assert.ok(partials.every((delta) => delta.type === 'input_json_delta'));
    assert.equal(partials[0].partial_json, '');
    assert.deepEqual(JSON.parse(partials.map((delta) => delta.partial_json).join('')), { city: 'sim', days: 1 });
    assert.equal(payloads.find((payload) => payload.type === 'message_delta').delta.stop_reason, 'tool_use');
  });
});

describe('Google Gemini', () => {
  const request = { contents: [{ role: 'user', parts: [{ text: 'Hello Gemini' }] }] };

  test('generateContent has the keys of a recorded answer', async () => {
    const answer = await postJson('/v1beta/models/gemini-test:generateContent', request);
    const real = fixture('google/google-text.json');
    assert.deepEqual(keys(answer), keys(real));
    assert.deepEqual(keys(answer.candidates[0]), keys(real.candidates[0]));
    assert.deepEqual(keys(answer.usageMetadata), without(keys(real.usageMetadata), 'thoughtsTokenCount'));
    assert.equal(answer.candidates[0].finishReason, 'STOP');
    assert.equal(answer.candidates[0].content.role, 'model');
    assert.match(answer.candidates[0].content.parts[0].text, /gemini-test to "Hello Gemini"/);
    assert.equal(answer.usageMetadata.candidatesTokenCount, 16);
    assert.equal(answer.modelVersion, 'gemini-test');
  });

  test('streamGenerateContent?alt=sse sends data: events with no terminator, last one with finishReason', async () => {
    const response = await post('/v1beta/models/gemini-test:streamGenerateContent?alt=sse', request);
    const text = await response.text();
    assert.doesNotMatch(text, /event:|\[DONE\]/);
    const chunks = parseEvents(text).map((event) => JSON.parse(event.data));
    const real = fixtureLines('google/google-text.chunks.txt');
    for (const chunk of chunks) {
      assert.deepEqual(keys(chunk), keys(real[0]));
      assert.deepEqual(keys(chunk.usageMetadata), without(keys(real[0].usageMetadata), 'thoughtsTokenCount'));
    }
    assert.equal(chunks.length, 17);
    assert.equal(chunks.at(-1).candidates[0].finishReason, 'STOP');
    assert.equal(chunks.at(-1).usageMetadata.candidatesTokenCount, 16);
    const streamed = chunks.map((chunk) => chunk.candidates[0].content.parts[0].text).join('');
    const whole = await postJson('/v1beta/models/gemini-test:generateContent', request);
    assert.equal(streamed, whole.candidates[0].content.parts[0].text);
  });

  test('streamGenerateContent without alt=sse answers one JSON array', async () => {
    const chunks = await postJson('/v1beta/models/gemini-test:streamGenerateContent', request);
    assert.ok(Array.isArray(chunks));
    assert.equal(chunks.length, 17);
  });

  test('maxOutputTokens gives MAX_TOKENS; stopSequences stop', async () => {
    const capped = await postJson('/v1beta/models/g:generateContent', { ...request, generationConfig: { maxOutputTokens: 3 } });
    assert.equal(capped.candidates[0].finishReason, 'MAX_TOKENS');
    assert.equal(capped.usageMetadata.candidatesTokenCount, 3);
    const stopped = await postJson('/v1beta/models/g:generateContent', { ...request, generationConfig: { stopSequences: ['reply'] } });
    assert.equal(stopped.candidates[0].content.parts[0].text, 'Simulated ');
  });

  test('tools: a functionCall part (capitalised schema types), streamed too; text after a functionResponse', async () => {
    const answer = await postJson('/v1beta/models/g:generateContent', { ...request, tools: geminiTools });
    const real = fixture('google/google-tool-call.json');
    const part = answer.candidates[0].content.parts[0];
    assert.deepEqual(keys(part.functionCall), keys(real.candidates[0].content.parts[0].functionCall));
    assert.deepEqual(part.functionCall, { name: 'weather', args: { city: 'sim', days: 1 } });
    const allowed = await postJson('/v1beta/models/g:generateContent', {
      ...request, tools: geminiTools, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['clock'] } },
    });
    assert.equal(allowed.candidates[0].content.parts[0].functionCall.name, 'clock');
    const none = await postJson('/v1beta/models/g:generateContent', { ...request, tools: geminiTools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } });
    assert.equal(typeof none.candidates[0].content.parts[0].text, 'string');

    const streamed = parseEvents(await (await post('/v1beta/models/g:streamGenerateContent?alt=sse', { ...request, tools: geminiTools })).text());
    const chunks = streamed.map((event) => JSON.parse(event.data));
    assert.deepEqual(chunks[0].candidates[0].content.parts[0].functionCall.args, { city: 'sim', days: 1 });
    assert.equal(chunks.at(-1).candidates[0].finishReason, 'STOP');

    const reply = await postJson('/v1beta/models/g:generateContent', {
      tools: geminiTools,
      contents: [
        { role: 'user', parts: [{ text: 'weather?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'weather', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { sky: 'sunny' } } }] },
      ],
    });
    assert.match(reply.candidates[0].content.parts[0].text, /weather\?/);
  });

  test('the model may be URL-encoded in the path; unknown methods are 404 in Google shape', async () => {
    const encoded = await postJson(`/v1beta/models/${encodeURIComponent('sim/echo')}:generateContent`, request);
    assert.equal(encoded.candidates[0].content.parts[0].text, 'Hello Gemini');
    assert.equal(encoded.modelVersion, 'sim/echo');
    const unknown = await post('/v1beta/models/g:countTokens', request);
    assert.equal(unknown.status, 404);
    const body = await json(unknown);
    assert.equal(body.error.status, 'NOT_FOUND');
    assert.equal(body.error.code, 404);
  });
});

const anthropicTools = [
  { name: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] } },
  { name: 'clock', input_schema: { type: 'object', properties: {} } },
];

const geminiTools = [{
  functionDeclarations: [
    { name: 'weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' }, days: { type: 'INTEGER' } }, required: ['city', 'days'] } },
    { name: 'clock', parameters: { type: 'OBJECT', properties: {} } },
  ],
}];

function collapse(names: string[]): string[] {
  return names.filter((name, index) => index === 0 || name !== names[index - 1]);
}
