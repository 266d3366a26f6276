import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest, EncodeTarget } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { encodeRequest, placeholderThoughtSignature } from './request.ts';

const target: EncodeTarget = { upstreamModel: 'gemini-3-pro-preview', quirks: {} };

function request(fields: Partial<ChatRequest> = {}): ChatRequest {
  return {
    source: 'openai-chat',
    model: 'gemini',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    stream: false,
    includeUsage: false,
    extra: {},
    sourceOnly: [],
    ...fields,
  };
}

test('the path names the model and the method; streaming asks for SSE', () => {
  assert.equal(encodeRequest(request(), target).path, '/models/gemini-3-pro-preview:generateContent');
  assert.equal(encodeRequest(request({ stream: true }), target).path, '/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
});

test('a plain request is system instruction plus contents, and drops nothing', () => {
  const encoded = encodeRequest(
    request({ system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Be kind.' }] }),
    target,
  );
  assert.deepEqual(encoded.body, {
    systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Be kind.' }] },
    contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
  });
  assert.deepEqual(encoded.dropped, []);
});

test('turns alternate user and model, and consecutive turns of one role merge', () => {
  const encoded = encodeRequest(
    request({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'one' }] },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'three' }] },
        { role: 'assistant', content: [{ type: 'refusal', text: 'four' }] },
        { role: 'user', content: [{ type: 'text', text: 'five' }] },
      ],
    }),
    target,
  );
  assert.deepEqual(encoded.body.contents, [
    { role: 'user', parts: [{ text: 'one' }, { text: 'two' }] },
    { role: 'model', parts: [{ text: 'three' }, { text: 'four' }] },
    { role: 'user', parts: [{ text: 'five' }] },
  ]);
});

test('images and documents: base64 inline, URLs as file data with a guessed type, file ids dropped', () => {
  const encoded = encodeRequest(
    request({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.webp?size=2' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/photo' } },
            { type: 'image', source: { kind: 'url', url: 'data:image/gif;base64,R0lGOD' } },
            { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' } },
            { type: 'document', source: { kind: 'url', url: 'https://example.com/paper' } },
            { type: 'document', source: { kind: 'file-id', id: 'file-123' } },
          ],
        },
      ],
    }),
    target,
  );
  assert.deepEqual(encoded.body.contents, [
    {
      role: 'user',
      parts: [
        { inlineData: { mimeType: 'image/png', data: 'iVBOR' } },
        { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?size=2' } },
        { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/photo' } },
        { inlineData: { mimeType: 'image/gif', data: 'R0lGOD' } },
        { inlineData: { mimeType: 'application/pdf', data: 'JVBER' } },
        { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/paper' } },
      ],
    },
  ]);
  assert.deepEqual(encoded.dropped, ['file_id']);
});

test('tool calls and results: names looked up by id, responses made objects, signatures kept', () => {
  const encoded = encodeRequest(
    request({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in SF and NYC?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', id: 'call_a', name: 'weather', arguments: '{"city":"SF"}', signature: 'c2lnbmF0dXJl' },
            { type: 'tool-call', id: 'call_b', name: 'forecast', arguments: '' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_a', content: [{ type: 'text', text: '{"temperature":18}' }] },
            { type: 'tool-result', toolCallId: 'call_b', content: [{ type: 'text', text: 'sunny' }] },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'x', name: 'lookup', content: [{ type: 'text', text: '[1,2]' }], isError: true }] },
      ],
    }),
    target,
  );
  assert.deepEqual(encoded.body.contents, [
    { role: 'user', parts: [{ text: 'Weather in SF and NYC?' }] },
    {
      role: 'model',
      parts: [
        { functionCall: { name: 'weather', args: { city: 'SF' } }, thoughtSignature: 'c2lnbmF0dXJl' },
        { functionCall: { name: 'forecast', args: {} } },
      ],
    },
    {
      role: 'user',
      parts: [
        { functionResponse: { name: 'weather', response: { temperature: 18 } } },
        { functionResponse: { name: 'forecast', response: { result: 'sunny' } } },
        { functionResponse: { id: 'x', name: 'lookup', response: { error: '[1,2]' } } },
      ],
    },
  ]);
});

test('a call and its result keep the id Gemini gave the call', () => {
  const encoded = encodeRequest(
    request({
      messages: [
        { role: 'assistant', content: [{ type: 'tool-call', id: 'xk2j9', name: 'weather', arguments: '{}', signature: 'sig' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'xk2j9', content: [{ type: 'text', text: 'rain' }] }] },
      ],
    }),
    target,
  );
  const [model, user] = encoded.body.contents as { parts: Record<string, unknown>[] }[];
  assert.deepEqual(model.parts[0].functionCall, { name: 'weather', args: {}, id: 'xk2j9' });
  assert.deepEqual(user.parts[0].functionResponse, { name: 'weather', response: { result: 'rain' }, id: 'xk2j9' });
});

test('a tool result with images sends them after its response in the same turn', () => {
  const encoded = encodeRequest(
    request({
      messages: [
        { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_1', name: 'screenshot', arguments: '{}' }] },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'toolu_1',
              content: [
                { type: 'text', text: 'done' },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' } },
              ],
            },
          ],
        },
      ],
    }),
    target,
  );
  const contents = encoded.body.contents as { parts: unknown[] }[];
  assert.deepEqual(contents[1].parts, [
    { functionResponse: { name: 'screenshot', response: { result: 'done' } } },
    { inlineData: { mimeType: 'image/png', data: 'AAA' } },
  ]);
});

test('a result answering no known call is refused, since Gemini needs the name', () => {
  const bad = request({ messages: [{ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'nope', content: [] }] }] });
  assert.throws(() => encodeRequest(bad, target), (error: unknown) => error instanceof GatewayError && error.status === 400);
});

test('an unsigned first call of each model turn gets the documented placeholder signature', () => {
  const encoded = encodeRequest(
    request({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Calling both.' },
            { type: 'tool-call', id: 'toolu_1', name: 'a', arguments: '{}' },
            { type: 'tool-call', id: 'toolu_2', name: 'b', arguments: '{}' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: '1' }] },
            { type: 'tool-result', toolCallId: 'toolu_2', content: [{ type: 'text', text: '2' }] },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_3', name: 'a', arguments: '{}', signature: 'real' }] },
      ],
    }),
    target,
  );
  const contents = encoded.body.contents as { parts: Record<string, unknown>[] }[];
  assert.equal(contents[1].parts[0].thoughtSignature, undefined);
  assert.equal(contents[1].parts[1].thoughtSignature, placeholderThoughtSignature);
  assert.equal(contents[1].parts[2].thoughtSignature, undefined);
  assert.equal(contents[3].parts[0].thoughtSignature, 'real');
});

test('reasoning becomes thought parts; a lifted signature goes back onto its text', () => {
  const encoded = encodeRequest(
    request({
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Counting letters.', signature: 'thought-sig' },
            { type: 'reasoning', text: 'No signature here.' },
            { type: 'reasoning', text: '', signature: 'text-sig' },
            { type: 'text', text: 'Three.' },
            { type: 'reasoning', text: '', signature: 'trailing-sig' },
            { type: 'redacted-reasoning', data: 'opaque' },
          ],
        },
      ],
    }),
    target,
  );
  assert.deepEqual(encoded.body.contents, [
    {
      role: 'model',
      parts: [
        { text: 'Counting letters.', thought: true, thoughtSignature: 'thought-sig' },
        { text: 'No signature here.', thought: true },
        { text: 'Three.', thoughtSignature: 'text-sig' },
        { text: '', thoughtSignature: 'trailing-sig' },
      ],
    },
  ]);
  assert.deepEqual(encoded.dropped, ['redacted_thinking']);
});

test('function tools declare full JSON Schema; native tools of Gemini pass, others are dropped', () => {
  const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
  const encoded = encodeRequest(
    request({
      tools: [
        { type: 'function', name: 'weather', description: 'Weather now', parameters },
        { type: 'function', name: 'ping', parameters: {} },
        { type: 'native', format: 'anthropic', definition: { type: 'web_search_20250305', name: 'web_search' } },
        { type: 'native', format: 'gemini', definition: { googleSearch: {} } },
      ],
    }),
    target,
  );
  assert.deepEqual(encoded.body.tools, [
    { functionDeclarations: [{ name: 'weather', description: 'Weather now', parametersJsonSchema: parameters }, { name: 'ping' }] },
    { googleSearch: {} },
  ]);
  assert.deepEqual(encoded.dropped, ['tools[2]']);
});

test('tool choice maps to the function calling mode', () => {
  const config = (toolChoice: ChatRequest['toolChoice']) => encodeRequest(request({ toolChoice }), target).body.toolConfig;
  assert.deepEqual(config({ type: 'auto' }), { functionCallingConfig: { mode: 'AUTO' } });
  assert.deepEqual(config({ type: 'none' }), { functionCallingConfig: { mode: 'NONE' } });
  assert.deepEqual(config({ type: 'required' }), { functionCallingConfig: { mode: 'ANY' } });
  assert.deepEqual(config({ type: 'tool', name: 'weather' }), { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } });
  assert.equal(config(undefined), undefined);
});

test('sampling settings go into generationConfig', () => {
  const encoded = encodeRequest(
    request({ maxOutputTokens: 100, temperature: 0.2, topP: 0.9, topK: 40, seed: 7, stop: ['END'], presencePenalty: 0.1, frequencyPenalty: 0.3 }),
    target,
  );
  assert.deepEqual(encoded.body.generationConfig, {
    maxOutputTokens: 100,
    temperature: 0.2,
    topP: 0.9,
    topK: 40,
    seed: 7,
    stopSequences: ['END'],
    presencePenalty: 0.1,
    frequencyPenalty: 0.3,
  });
});

test('JSON output: plain JSON mode and a JSON schema', () => {
  const schema = { type: 'object', properties: { answer: { type: 'integer' } } };
  assert.deepEqual(encodeRequest(request({ responseFormat: { type: 'json' } }), target).body.generationConfig, { responseMimeType: 'application/json' });
  assert.deepEqual(encodeRequest(request({ responseFormat: { type: 'json-schema', name: 'answer', schema, strict: true } }), target).body.generationConfig, {
    responseMimeType: 'application/json',
    responseJsonSchema: schema,
  });
  assert.equal(encodeRequest(request({ responseFormat: { type: 'text' } }), target).body.generationConfig, undefined);
});

test('reasoning: a budget, an effort as a Gemini 3 level or an older model budget, and off', () => {
  const thinking = (reasoning: ChatRequest['reasoning'], model = 'gemini-3-pro-preview') =>
    (encodeRequest(request({ reasoning }), { upstreamModel: model, quirks: {} }).body.generationConfig as Record<string, unknown> | undefined)?.thinkingConfig;
  assert.deepEqual(thinking({ enabled: true, budgetTokens: 2048 }), { thinkingBudget: 2048, includeThoughts: true });
  assert.deepEqual(thinking({ effort: 'high' }), { thinkingLevel: 'high', includeThoughts: true });
  assert.deepEqual(thinking({ effort: 'minimal' }), { thinkingLevel: 'low', includeThoughts: true });
  assert.deepEqual(thinking({ effort: 'medium' }), { thinkingLevel: 'medium', includeThoughts: true });
  assert.deepEqual(thinking({ effort: 'low' }, 'gemini-2.5-flash'), { thinkingBudget: 1024, includeThoughts: true });
  assert.deepEqual(thinking({ enabled: false }), { thinkingBudget: 0 });
  assert.deepEqual(thinking({ effort: 'none' }), { thinkingBudget: 0 });
  assert.deepEqual(thinking({ effort: 'high', summary: 'auto' }), { thinkingLevel: 'high', includeThoughts: true });
  assert.deepEqual(thinking({ summary: 'detailed' }), { includeThoughts: true });
  assert.equal(thinking(undefined), undefined);
});

test('what Gemini cannot carry is reported once, by the name the client used', () => {
  const encoded = encodeRequest(
    request({
      system: [{ type: 'text', text: 'sys', cacheControl: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a', cacheControl: { type: 'ephemeral' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' },
          ],
        },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true, cacheControl: { type: 'ephemeral' } }],
      parallelToolCalls: false,
      user: 'user-1',
      metadata: { team: 'a' },
      extra: { logit_bias: { 1: 2 }, service_tier: 'flex' },
    }),
    target,
  );
  assert.deepEqual(encoded.dropped.toSorted(), ['cache_control', 'detail', 'logit_bias', 'metadata', 'parallel_tool_calls', 'service_tier', 'strict', 'user']);
  assert.deepEqual(encodeRequest(request({ parallelToolCalls: true }), target).dropped, []);
});

test('fields that only make sense in the source format are refused', () => {
  const bad = request({ source: 'openai-responses', sourceOnly: ['previous_response_id'] });
  assert.throws(
    () => encodeRequest(bad, target),
    (error: unknown) => error instanceof GatewayError && error.status === 400 && error.message.includes('previous_response_id'),
  );
});
