import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ChatRequest, EncodeTarget } from '../ir.ts';
import { decodeRequest, encodeRequest } from './request.ts';

const target: EncodeTarget = { upstreamModel: 'upstream-model', quirks: {} };

function roundTrip(body: Record<string, unknown>, to: EncodeTarget = target) {
  return encodeRequest(decodeRequest(body), to);
}

function request(overrides: Partial<ChatRequest>): ChatRequest {
  return { source: 'anthropic', model: 'm', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [], stream: false, includeUsage: false, extra: {}, sourceOnly: [], ...overrides };
}

function rejects(body: Record<string, unknown>, param: string): void {
  assert.throws(() => decodeRequest(body), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param);
}

test('a full-featured Chat request survives Chat → IR → Chat unchanged', () => {
  const body = {
    model: 'gpt-x',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [
        { type: 'text', text: 'Look:' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
        { type: 'file', file: { file_id: 'file-123' } },
      ] },
      { role: 'assistant', content: 'Checking.', tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
      ] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'noon' }, { type: 'text', text: ' UTC' }] },
      { role: 'assistant', content: null, refusal: 'I cannot.' },
      { role: 'user', content: 'ok' },
    ],
    tools: [
      { type: 'function', function: { name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } },
      { type: 'function', function: { name: 'time', parameters: { type: 'object', properties: {} } } },
    ],
    tool_choice: { type: 'function', function: { name: 'weather' } },
    parallel_tool_calls: false,
    response_format: { type: 'json_schema', json_schema: { name: 'answer', description: 'An answer', schema: { type: 'object' }, strict: true } },
    max_tokens: 100,
    temperature: 0.5,
    top_p: 0.9,
    top_k: 40,
    seed: 7,
    stop: ['END'],
    presence_penalty: 0.1,
    frequency_penalty: 0.2,
    reasoning_effort: 'low',
    user: 'user-1',
    metadata: { team: 'a' },
    logprobs: true,
    top_logprobs: 2,
    n: 2,
    logit_bias: { '50256': -100 },
    service_tier: 'flex',
    store: true,
    prediction: { type: 'content', content: 'x' },
    modalities: ['text'],
    web_search_options: {},
    verbosity: 'low',
    prompt_cache_key: 'k',
    safety_identifier: 's',
  };
  const encoded = roundTrip(body);
  assert.equal(encoded.path, '/chat/completions');
  assert.deepEqual(encoded.dropped, []);
  assert.deepEqual(encoded.body, { ...body, model: 'upstream-model' });
});

test('decoding reads every field into its place and keeps the rest in extra', () => {
  const decoded = decodeRequest({
    model: 'm', stream: true, stream_options: { include_usage: true }, max_completion_tokens: 9, stop: 'x', top_k: 3,
    messages: [{ role: 'developer', content: [{ type: 'text', text: 'A' }] }, { role: 'user', content: 'u' }, { role: 'system', content: 'B' }],
    modalities: ['text'], chat_template_kwargs: { enable_thinking: false },
  });
  assert.deepEqual(decoded.system, [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }]);
  assert.deepEqual(decoded.messages, [{ role: 'user', content: [{ type: 'text', text: 'u' }] }]);
  assert.equal(decoded.stream, true);
  assert.equal(decoded.includeUsage, true);
  assert.equal(decoded.maxOutputTokens, 9);
  assert.deepEqual(decoded.stop, ['x']);
  assert.equal(decoded.topK, 3);
  assert.deepEqual(decoded.extra, { modalities: ['text'], chat_template_kwargs: { enable_thinking: false } });
  assert.deepEqual(decoded.sourceOnly, []);
});

test('images and files become image and document parts with the right sources', () => {
  const decoded = decodeRequest({ model: 'm', messages: [{ role: 'user', content: [
    { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AA=', detail: 'low' } },
    { type: 'image_url', image_url: { url: 'https://x/y.png' } },
    { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'f.pdf' } },
    { type: 'file', file: { file_id: 'file-1' } },
  ] }] });
  assert.deepEqual(decoded.messages[0].content, [
    { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AA=' }, detail: 'low' },
    { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } },
    { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, filename: 'f.pdf' },
    { type: 'document', source: { kind: 'file-id', id: 'file-1' } },
  ]);
});

test('assistant reasoning in history is read, and not sent back to a Chat provider', () => {
  for (const field of ['reasoning_content', 'reasoning']) {
    const decoded = decodeRequest({ model: 'm', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', [field]: 'thought' }] });
    assert.deepEqual(decoded.messages[1], { role: 'assistant', content: [{ type: 'reasoning', text: 'thought' }, { type: 'text', text: 'a' }] });
    const encoded = encodeRequest(decoded, target);
    assert.deepEqual((encoded.body.messages as unknown[])[1], { role: 'assistant', content: 'a' });
    assert.deepEqual(encoded.dropped, []);
  }
});

test('consecutive tool messages become one IR tool message', () => {
  const decoded = decodeRequest({ model: 'm', messages: [
    { role: 'user', content: 'q' },
    { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '' } }, { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'a', content: 'one' },
    { role: 'tool', tool_call_id: 'b', content: 'two' },
  ] });
  assert.equal(decoded.messages.length, 3);
  assert.deepEqual(decoded.messages[1].content[0], { type: 'tool-call', id: 'a', name: 'f', arguments: '{}' });
  assert.deepEqual(decoded.messages[2], { role: 'tool', content: [
    { type: 'tool-result', toolCallId: 'a', content: [{ type: 'text', text: 'one' }] },
    { type: 'tool-result', toolCallId: 'b', content: [{ type: 'text', text: 'two' }] },
  ] });
});

test('legacy functions, function_call and function messages become tools, a choice and results', () => {
  const decoded = decodeRequest({ model: 'm',
    functions: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }, { name: 'bare' }],
    function_call: { name: 'lookup' },
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"q":"x"}' } },
      { role: 'function', name: 'lookup', content: 'found' },
    ] });
  assert.deepEqual(decoded.tools, [
    { type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    { type: 'function', name: 'bare', parameters: { type: 'object', properties: {} } },
  ]);
  assert.deepEqual(decoded.toolChoice, { type: 'tool', name: 'lookup' });
  const call = decoded.messages[1].content[0];
  assert.equal(call.type, 'tool-call');
  assert.deepEqual(decoded.messages[2], { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.type === 'tool-call' ? call.id : '', name: 'lookup', content: [{ type: 'text', text: 'found' }] }] });
  const body = encodeRequest(decoded, target).body;
  assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'lookup' } });
  assert.equal((body.messages as Record<string, unknown>[])[2].role, 'tool');
  assert.equal(decodeRequest({ model: 'm', function_call: 'none', messages: [{ role: 'user', content: 'q' }] }).toolChoice?.type, 'none');
});

test('custom tools stay native and their calls go back as custom calls', () => {
  const body = {
    model: 'm',
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'grammar', input: 'raw text' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ],
    tools: [{ type: 'custom', custom: { name: 'grammar', format: { type: 'text' } } }],
    tool_choice: { type: 'custom', custom: { name: 'grammar' } },
  };
  const decoded = decodeRequest(body);
  assert.deepEqual(decoded.tools, [{ type: 'native', format: 'openai-chat', definition: body.tools[0] }]);
  assert.deepEqual(encodeRequest(decoded, target).body, { ...body, model: 'upstream-model' });
});

test('tool_choice strings and response formats decode', () => {
  for (const choice of ['auto', 'none', 'required'] as const) {
    assert.deepEqual(decodeRequest({ model: 'm', tool_choice: choice, messages: [{ role: 'user', content: 'q' }] }).toolChoice, { type: choice });
  }
  assert.deepEqual(decodeRequest({ model: 'm', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'q' }] }).responseFormat, { type: 'json' });
  assert.deepEqual(decodeRequest({ model: 'm', response_format: { type: 'text' }, messages: [{ role: 'user', content: 'q' }] }).responseFormat, { type: 'text' });
  const allowed = { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } };
  const decoded = decodeRequest({ model: 'm', tool_choice: allowed, messages: [{ role: 'user', content: 'q' }] });
  assert.equal(decoded.toolChoice, undefined);
  assert.deepEqual(decoded.extra, { tool_choice: allowed });
});

test('bad input is refused with the field named', () => {
  rejects({ model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'flac' } }] }] }, 'messages[0].content[0].input_audio');
  rejects({ model: 'm', messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] }, 'messages[0].content[0].type');
  rejects({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,notbase64' } }] }] }, 'messages[0].content[0].image_url.url');
  rejects({ model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'x' } }] }] }, 'messages[0].content[0].file');
  rejects({ model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }] }, 'messages[0].content');
  rejects({ model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { arguments: '{}' } }] }] }, 'messages[0].tool_calls[0].function.name');
  rejects({ model: 'm', reasoning_effort: 'huge', messages: [{ role: 'user', content: 'q' }] }, 'reasoning_effort');
  rejects({ model: 'm', response_format: { type: 'yaml' }, messages: [{ role: 'user', content: 'q' }] }, 'response_format.type');
  rejects({ model: 'm', metadata: { a: 1 }, messages: [{ role: 'user', content: 'q' }] }, 'metadata');
  rejects({ model: 'm', top_k: 'many', messages: [{ role: 'user', content: 'q' }] }, 'top_k');
  rejects({ model: 'm', messages: [] }, 'messages');
});

test('streaming asks for the usage chunk unless the provider refuses stream_options', () => {
  const body = { model: 'm', stream: true, messages: [{ role: 'user', content: 'q' }] };
  assert.deepEqual(roundTrip(body).body, { model: 'upstream-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'q' }] });
  const quiet = roundTrip(body, { upstreamModel: 'u', quirks: { noStreamOptions: true } }).body;
  assert.equal(quiet.stream, true);
  assert.equal(quiet.stream_options, undefined);
});

test('the output limit goes in the field the provider wants', () => {
  const body = { model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'q' }] };
  const encoded = roundTrip(body, { upstreamModel: 'o', quirks: { maxTokensField: 'max_completion_tokens' } }).body;
  assert.equal(encoded.max_completion_tokens, 50);
  assert.equal(encoded.max_tokens, undefined);
});

test('a request from another format reports what Chat cannot carry', () => {
  const encoded = encodeRequest(request({
    system: [{ type: 'text', text: 'S', cacheControl: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'document', source: { kind: 'url', url: 'https://x/d.pdf' } }, { type: 'text', text: 'b', cacheControl: { type: 'ephemeral' } }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'think', signature: 'sig' }, { type: 'redacted-reasoning', data: 'xx' }, { type: 'tool-call', id: 't1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', isError: true, content: [{ type: 'text', text: 'failed' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AA' } }] }] },
    ],
    tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }, { type: 'native', format: 'anthropic', definition: { type: 'web_search_20250305', name: 'web_search' } }],
    topK: 5,
    metadata: { user_id: 'u' },
    extra: { service_tier: 'auto' },
  }), target);
  assert.deepEqual(encoded.dropped.sort(), ['cache_control', 'document_url', 'metadata', 'service_tier', 'tool_result_image', 'tools[1]', 'top_k']);
  assert.deepEqual(encoded.body.messages, [
    { role: 'system', content: 'S' },
    { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 't1', content: 'failed' },
  ]);
  assert.deepEqual(encoded.body.tools, [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }]);
});

test('documents and images from another format become Chat parts', () => {
  const encoded = encodeRequest(request({ messages: [{ role: 'user', content: [
    { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, title: 'Report' },
    { type: 'document', source: { kind: 'file-id', id: 'file_9' }, filename: 'x.pdf' },
    { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AA' } },
    { type: 'image', source: { kind: 'file-id', id: 'file_img' } },
  ] }] }), target);
  assert.deepEqual(encoded.body.messages, [{ role: 'user', content: [
    { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'Report' } },
    { type: 'file', file: { file_id: 'file_9', filename: 'x.pdf' } },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
  ] }]);
  assert.deepEqual(encoded.dropped, ['image_file_id']);
  const emptied = encodeRequest(request({ messages: [{ role: 'user', content: [{ type: 'document', source: { kind: 'url', url: 'https://x/d.pdf' } }] }] }), target);
  assert.deepEqual(emptied.body.messages, [{ role: 'user', content: '' }]);
  assert.deepEqual(emptied.dropped, ['document_url']);
});

test('reasoning: effort passes where accepted, a budget maps to an effort, disabling is reported', () => {
  const accepting: EncodeTarget = { upstreamModel: 'u', quirks: { reasoningEffort: true } };
  assert.equal(encodeRequest(request({ reasoning: { effort: 'high' } }), accepting).body.reasoning_effort, 'high');
  assert.equal(encodeRequest(request({ reasoning: { enabled: true, budgetTokens: 1024 } }), accepting).body.reasoning_effort, 'low');
  assert.equal(encodeRequest(request({ reasoning: { enabled: true, budgetTokens: 16384 } }), accepting).body.reasoning_effort, 'medium');
  assert.equal(encodeRequest(request({ reasoning: { enabled: true, budgetTokens: 32000 } }), accepting).body.reasoning_effort, 'high');
  const disabled = encodeRequest(request({ reasoning: { enabled: false } }), accepting);
  assert.equal(disabled.body.reasoning_effort, undefined);
  assert.deepEqual(disabled.dropped, ['thinking']);
  const unknown = encodeRequest(request({ reasoning: { enabled: true, budgetTokens: 4000 } }), target);
  assert.equal(unknown.body.reasoning_effort, undefined);
  assert.deepEqual(unknown.dropped, ['thinking']);
  const responses = encodeRequest(request({ source: 'openai-responses', reasoning: { effort: 'low', summary: 'auto' } }), accepting);
  assert.equal(responses.body.reasoning_effort, 'low');
  assert.deepEqual(responses.dropped, ['reasoning.summary']);
  assert.equal(roundTrip({ model: 'm', reasoning_effort: 'minimal', messages: [{ role: 'user', content: 'q' }] }).body.reasoning_effort, 'minimal');
});

test('response formats and tool choices from other formats encode to Chat spellings', () => {
  const body = encodeRequest(request({
    tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, cacheControl: { type: 'ephemeral' } }],
    toolChoice: { type: 'required' },
    parallelToolCalls: true,
    responseFormat: { type: 'json-schema', schema: { type: 'object' } },
  }), target);
  assert.equal(body.body.tool_choice, 'required');
  assert.equal(body.body.parallel_tool_calls, true);
  assert.deepEqual(body.body.response_format, { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' } } });
  assert.deepEqual(body.dropped, ['cache_control']);
  const noTools = encodeRequest(request({ parallelToolCalls: false }), target);
  assert.equal(noTools.body.parallel_tool_calls, undefined);
});

test('fields only the source format understands are refused, not dropped', () => {
  assert.throws(() => encodeRequest(request({ source: 'openai-responses', sourceOnly: ['previous_response_id'] }), target),
    (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === 'previous_response_id' && /previous_response_id/.test(error.message));
});

test('cache_control on Chat parts is read, and reported once when sent to Chat', () => {
  const decoded = decodeRequest({ model: 'm', messages: [{ role: 'user', content: [
    { type: 'text', text: 'a', cache_control: { type: 'ephemeral' } },
    { type: 'text', text: 'b', cache_control: { type: 'ephemeral', ttl: '1h' } },
  ] }] });
  assert.deepEqual(decoded.messages[0].content, [{ type: 'text', text: 'a', cacheControl: { type: 'ephemeral' } }, { type: 'text', text: 'b', cacheControl: { type: 'ephemeral', ttl: '1h' } }]);
  assert.deepEqual(encodeRequest(decoded, target).dropped, ['cache_control']);
});
