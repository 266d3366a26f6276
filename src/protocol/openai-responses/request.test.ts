import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ChatRequest, EncodeTarget } from '../ir.ts';
import { decodeRequest, encodeRequest } from './request.ts';

const target: EncodeTarget = { upstreamModel: 'gpt-5-upstream', quirks: {} };

/** A Responses request using every feature the codec translates. */
function fullRequest(): Record<string, unknown> {
  return {
    model: 'gpt-5',
    instructions: 'Be brief.',
    input: [
      { role: 'developer', content: 'Answer in French.' },
      { type: 'message', role: 'user', content: [
        { type: 'input_text', text: 'What is in these?' },
        { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' },
        { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'auto' },
        { type: 'input_image', file_id: 'file-img', detail: 'low' },
        { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'report.pdf' },
        { type: 'input_file', file_url: 'https://example.com/a.pdf' },
        { type: 'input_file', file_id: 'file-doc', filename: 'b.pdf' },
      ] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'First.' }, { type: 'summary_text', text: 'Second.' }], encrypted_content: 'ENC1' },
      { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'Let me look.', annotations: [] }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' },
      { type: 'function_call', id: 'fc_2', call_id: 'call_2', name: 'lookup', arguments: '{"q":"dog"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'a cat' },
      { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'a dog' }, { type: 'input_image', image_url: 'https://example.com/dog.png', detail: 'auto' }] },
      { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_3', name: 'write_sql', input: 'SELECT "x"' },
      { type: 'custom_tool_call_output', call_id: 'call_3', output: '1 row' },
      { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] },
      { role: 'user', content: 'Thanks' },
    ],
    tools: [
      { type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false },
      { type: 'custom', name: 'write_sql', description: 'SQL', format: { type: 'grammar', syntax: 'regex', definition: 'SELECT .+' } },
      { type: 'web_search' },
    ],
    tool_choice: { type: 'function', name: 'lookup' },
    parallel_tool_calls: false,
    text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true, description: 'The answer' }, verbosity: 'low' },
    reasoning: { effort: 'high', summary: 'detailed' },
    max_output_tokens: 500,
    temperature: 0.5,
    top_p: 0.9,
    metadata: { session: 's1' },
    user: 'user-1',
    stream: true,
    store: true,
    include: ['reasoning.encrypted_content'],
    truncation: 'auto',
    prompt_cache_key: 'key',
    service_tier: 'flex',
    top_logprobs: 2,
    max_tool_calls: 4,
  };
}

test('decodes every feature into the internal form', () => {
  const request = decodeRequest(fullRequest());
  assert.equal(request.source, 'openai-responses');
  assert.equal(request.model, 'gpt-5');
  assert.deepEqual(request.system, [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Answer in French.' }]);
  assert.equal(request.messages.length, 7);
  assert.deepEqual(request.messages[0], { role: 'user', content: [
    { type: 'text', text: 'What is in these?' },
    { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' }, detail: 'high' },
    { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' }, detail: 'auto' },
    { type: 'image', source: { kind: 'file-id', id: 'file-img' }, detail: 'low' },
    { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' }, filename: 'report.pdf' },
    { type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' } },
    { type: 'document', source: { kind: 'file-id', id: 'file-doc' }, filename: 'b.pdf' },
  ] });
  // Reasoning, the message and both calls are one assistant turn.
  assert.deepEqual(request.messages[1], { role: 'assistant', content: [
    { type: 'reasoning', text: 'First.\n\nSecond.', signature: 'ENC1', id: 'rs_1' },
    { type: 'text', text: 'Let me look.' },
    { type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}', itemId: 'fc_1' },
    { type: 'tool-call', id: 'call_2', name: 'lookup', arguments: '{"q":"dog"}', itemId: 'fc_2' },
  ] });
  assert.deepEqual(request.messages[2], { role: 'tool', content: [
    { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'a cat' }] },
    { type: 'tool-result', toolCallId: 'call_2', content: [{ type: 'text', text: 'a dog' }, { type: 'image', source: { kind: 'url', url: 'https://example.com/dog.png' }, detail: 'auto' }] },
  ] });
  assert.deepEqual(request.messages[3], { role: 'assistant', content: [{ type: 'tool-call', id: 'call_3', name: 'write_sql', arguments: '{"input":"SELECT \\"x\\""}', itemId: 'ctc_1' }] });
  assert.deepEqual(request.messages[4], { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_3', content: [{ type: 'text', text: '1 row' }] }] });
  assert.deepEqual(request.messages[5], { role: 'assistant', content: [{ type: 'refusal', text: 'I cannot.' }] });
  assert.deepEqual(request.messages[6], { role: 'user', content: [{ type: 'text', text: 'Thanks' }] });
  assert.equal(request.tools.length, 3);
  assert.deepEqual(request.tools[0], { type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false });
  const [, custom, webSearch] = fullRequest().tools as Array<Record<string, unknown>>;
  // The custom tool is a function of one string; its grammar is said in the parameter's description.
  assert.deepEqual(request.tools[1], {
    type: 'function', name: 'write_sql', description: 'SQL', freeform: custom,
    parameters: { type: 'object', properties: { input: { type: 'string', description: 'The tool\'s input: free-form text, given to the tool exactly as written. It must match this regular expression:\nSELECT .+' } }, required: ['input'] },
  });
  assert.deepEqual(request.tools[2], { type: 'native', format: 'openai-responses', definition: webSearch });
  assert.deepEqual(request.toolChoice, { type: 'tool', name: 'lookup' });
  assert.equal(request.parallelToolCalls, false);
  assert.deepEqual(request.responseFormat, { type: 'json-schema', name: 'answer', schema: { type: 'object' }, strict: true, description: 'The answer' });
  assert.deepEqual(request.reasoning, { effort: 'high', summary: 'detailed' });
  assert.equal(request.maxOutputTokens, 500);
  assert.equal(request.temperature, 0.5);
  assert.equal(request.topP, 0.9);
  assert.deepEqual(request.metadata, { session: 's1' });
  assert.equal(request.user, 'user-1');
  assert.equal(request.stream, true);
  assert.equal(request.includeUsage, true);
  assert.deepEqual(request.extra, {
    store: true, include: ['reasoning.encrypted_content'], truncation: 'auto', prompt_cache_key: 'key', service_tier: 'flex', top_logprobs: 2, max_tool_calls: 4,
    text: { verbosity: 'low' },
  });
  assert.deepEqual(request.sourceOnly, []);
});

test('round trip: Responses → internal form → Responses keeps every feature', () => {
  const original = fullRequest();
  const encoded = encodeRequest(decodeRequest(original), target);
  assert.equal(encoded.path, '/responses');
  assert.deepEqual(encoded.dropped, []);
  const body = encoded.body;
  assert.equal(body.model, 'gpt-5-upstream');
  // System and developer text become the instructions.
  assert.equal(body.instructions, 'Be brief.\n\nAnswer in French.');
  for (const key of ['tools', 'tool_choice', 'parallel_tool_calls', 'text', 'reasoning', 'max_output_tokens', 'temperature', 'top_p', 'metadata', 'user', 'stream', 'store', 'include', 'truncation', 'prompt_cache_key', 'service_tier', 'top_logprobs', 'max_tool_calls']) {
    assert.deepEqual(body[key], original[key], key);
  }
  const input = body.input as Array<Record<string, unknown>>;
  assert.deepEqual(input.map((item) => item.type), [
    'message', 'reasoning', 'message', 'function_call', 'function_call', 'function_call_output', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'message', 'message',
  ]);
  assert.deepEqual(input[1], { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'First.\n\nSecond.' }], encrypted_content: 'ENC1' });
  assert.deepEqual(input[3], { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}', id: 'fc_1' });
  assert.deepEqual(input[6], { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'a dog' }, { type: 'input_image', detail: 'auto', image_url: 'https://example.com/dog.png' }] });
  assert.deepEqual(input[7], { type: 'custom_tool_call', call_id: 'call_3', name: 'write_sql', input: 'SELECT "x"', id: 'ctc_1' });
  assert.deepEqual(input[8], { type: 'custom_tool_call_output', call_id: 'call_3', output: '1 row' });
  assert.deepEqual((input[0].content as unknown[]).slice(1, 5), [
    { type: 'input_image', detail: 'high', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
    { type: 'input_image', detail: 'auto', image_url: 'https://example.com/cat.jpg' },
    { type: 'input_image', detail: 'low', file_id: 'file-img' },
    { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'report.pdf' },
  ]);
  // Decoding the encoded request gives the same internal form, but for the (unchanged) model.
  const again = decodeRequest({ ...body, model: 'gpt-5' });
  assert.deepEqual({ ...again, system: [] }, { ...decodeRequest(original), system: [] });
});

test('round trip of a plain string input and a custom tool choice', () => {
  const request = decodeRequest({ model: 'm', input: 'Hello', tools: [{ type: 'custom', name: 'sql' }], tool_choice: { type: 'custom', name: 'sql' } });
  assert.deepEqual(request.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
  const body = encodeRequest(request, target).body;
  assert.deepEqual(body.input, [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }]);
  assert.deepEqual(body.tool_choice, { type: 'custom', name: 'sql' });
  assert.equal(body.stream, false);
  assert.equal(body.store, undefined, 'a Responses client decides about storage itself');
});

test('state only OpenAI holds is source-only: kept for OpenAI, refused for any other provider', () => {
  const original = {
    model: 'm',
    previous_response_id: 'resp_prev',
    input: [{ type: 'item_reference', id: 'msg_old' }, { type: 'web_search_call', id: 'ws_1', status: 'completed' }, { role: 'user', content: 'Go on' }],
  };
  const request = decodeRequest(original);
  assert.deepEqual(request.sourceOnly, ['input[0]', 'previous_response_id']);
  // A web search OpenAI ran is a record, not state: other providers name it instead of refusing.
  assert.deepEqual(request.extra['input[1]'], original.input[1]);
  const body = encodeRequest(request, target).body;
  assert.equal(body.previous_response_id, 'resp_prev');
  assert.deepEqual(body.input, original.input, 'the original input, with the items only OpenAI understands, in place');
  assert.equal(body.instructions, undefined);
  const withDeveloper = { model: 'm', instructions: 'Own', input: [{ role: 'developer', content: 'Dev' }, { type: 'item_reference', id: 'msg_old' }] };
  const kept = encodeRequest(decodeRequest(withDeveloper), target).body;
  assert.equal(kept.instructions, 'Own', 'the developer message is in the kept input, not repeated in the instructions');
  assert.deepEqual(kept.input, withDeveloper.input);
  const translated: ChatRequest = { ...request, source: 'anthropic' };
  assert.throws(() => encodeRequest(translated, target), (error: unknown) => error instanceof GatewayError && error.status === 400 && /input\[0\], previous_response_id/.test(error.message));
  for (const field of ['conversation', 'prompt']) assert.deepEqual(decodeRequest({ model: 'm', input: 'x', [field]: { id: 'x' } }).sourceOnly, [field]);
  assert.deepEqual(decodeRequest({ model: 'm', input: 'x', background: true }).sourceOnly, ['background']);
  assert.deepEqual(decodeRequest({ model: 'm', input: 'x', background: false }).sourceOnly, []);
});

test("records of OpenAI's tools in the input are named for other providers, kept for OpenAI", () => {
  const original = {
    model: 'm',
    instructions: 'Own',
    input: [
      { role: 'user', content: 'Find the score' },
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'score' } },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: '3-1' }] },
      { role: 'user', content: 'Thanks' },
    ],
  };
  const request = decodeRequest(structuredClone(original));
  assert.deepEqual(request.sourceOnly, []);
  assert.deepEqual(request.messages.map((message) => message.role), ['user', 'assistant', 'user']);
  const same = encodeRequest(request, target);
  assert.deepEqual(same.body.input, original.input);
  assert.equal(same.body.instructions, 'Own');
  assert.deepEqual(same.dropped, []);
  const other = encodeRequest({ ...request, source: 'anthropic' }, target);
  assert.deepEqual(other.dropped, ['input[1]']);
  assert.equal((other.body.input as unknown[]).length, 3);
});

test('user and safety_identifier both name the end user; both given keeps the second in extra', () => {
  assert.equal(decodeRequest({ model: 'm', input: 'x', safety_identifier: 'sid' }).user, 'sid');
  const both = decodeRequest({ model: 'm', input: 'x', user: 'u', safety_identifier: 'sid' });
  assert.equal(both.user, 'u');
  assert.deepEqual(both.extra, { safety_identifier: 'sid' });
});

test('other tool choices stay in extra', () => {
  const choice = { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'a' }] };
  const request = decodeRequest({ model: 'm', input: 'x', tool_choice: choice });
  assert.equal(request.toolChoice, undefined);
  assert.deepEqual(encodeRequest(request, target).body.tool_choice, choice);
});

/** An internal-form request as another surface (Anthropic) would have decoded it. */
function anthropicRequest(): ChatRequest {
  return {
    source: 'anthropic',
    model: 'claude-x',
    system: [{ type: 'text', text: 'Sys', cacheControl: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [
        { type: 'text', text: 'Look' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
        { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, title: 'Report' },
      ] },
      { role: 'assistant', content: [
        { type: 'reasoning', text: 'thinking', signature: 'anthropic-signature' },
        { type: 'redacted-reasoning', data: 'hidden' },
        { type: 'reasoning', text: 'from openai', signature: 'ENC', id: 'rs_9' },
        { type: 'reasoning', text: 'stored only', id: 'rs_10' },
        { type: 'tool-call', id: 'toolu_1', name: 'lookup', arguments: '{}' },
      ] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'failed' }], isError: true }] },
    ],
    tools: [
      { type: 'function', name: 'lookup', parameters: { type: 'object' } },
      { type: 'native', format: 'anthropic', definition: { type: 'web_search_20250305', name: 'web_search' } },
    ],
    toolChoice: { type: 'required' },
    maxOutputTokens: 1000,
    topK: 5,
    seed: 1,
    stop: ['END'],
    presencePenalty: 0.1,
    frequencyPenalty: 0.2,
    reasoning: { enabled: true, budgetTokens: 8000 },
    stream: true,
    includeUsage: false,
    extra: { service_tier: 'auto', container: 'c1' },
    sourceOnly: [],
  };
}

test('translating from another format: stateless reasoning, non-strict tools, everything else reported', () => {
  const encoded = encodeRequest(anthropicRequest(), target);
  const body = encoded.body;
  assert.equal(body.store, false);
  assert.deepEqual(body.include, ['reasoning.encrypted_content']);
  assert.deepEqual(body.reasoning, { effort: 'medium' });
  assert.equal(body.instructions, 'Sys');
  assert.deepEqual(body.tools, [{ type: 'function', name: 'lookup', parameters: { type: 'object' }, strict: false }]);
  assert.equal(body.tool_choice, 'required');
  assert.equal(body.max_output_tokens, 1000);
  assert.deepEqual(encoded.dropped, ['cache_control', 'title', 'is_error', 'tools[1]', 'seed', 'top_k', 'stop_sequences', 'presence_penalty', 'frequency_penalty', 'service_tier', 'container']);
  const input = body.input as Array<Record<string, unknown>>;
  assert.deepEqual(input[0].content, [
    { type: 'input_text', text: 'Look' },
    { type: 'input_image', detail: 'auto', image_url: 'data:image/jpeg;base64,AAAA' },
    { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'document.pdf' },
  ]);
  // Only reasoning OpenAI can take back without its store: an id and the encrypted content.
  assert.deepEqual(input.slice(1), [
    { type: 'reasoning', id: 'rs_9', summary: [{ type: 'summary_text', text: 'from openai' }], encrypted_content: 'ENC' },
    { type: 'function_call', call_id: 'toolu_1', name: 'lookup', arguments: '{}' },
    { type: 'function_call_output', call_id: 'toolu_1', output: 'failed' },
  ]);
});

test('a reasoning budget maps to an effort; no reasoning asks for no encrypted content', () => {
  const effort = (budgetTokens: number) => (encodeRequest({ ...anthropicRequest(), reasoning: { enabled: true, budgetTokens } }, target).body.reasoning as { effort: string }).effort;
  assert.equal(effort(1024), 'low');
  assert.equal(effort(2048), 'low');
  assert.equal(effort(16384), 'medium');
  assert.equal(effort(32000), 'high');
  const plain = encodeRequest({ ...anthropicRequest(), reasoning: undefined }, target).body;
  assert.equal(plain.store, false);
  assert.equal(plain.include, undefined);
  assert.equal(plain.reasoning, undefined);
  const disabled = encodeRequest({ ...anthropicRequest(), reasoning: { enabled: false } }, target).body;
  assert.equal(disabled.include, undefined);
});

test('the Responses-only text settings are reported when translated, merged when not', () => {
  const request = decodeRequest({ model: 'm', input: 'x', text: { format: { type: 'json_object' }, verbosity: 'high' } });
  assert.deepEqual(encodeRequest(request, target).body.text, { format: { type: 'json_object' }, verbosity: 'high' });
  const translated = encodeRequest({ ...request, source: 'openai-chat' }, target);
  assert.deepEqual(translated.dropped, ['text.verbosity']);
  assert.deepEqual(translated.body.text, { format: { type: 'json_object' } });
});

test('invalid requests are refused with the field named', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ input: 'x' }, 'model'],
    [{ model: '', input: 'x' }, 'model'],
    [{ model: 'm', input: 5 }, 'input'],
    [{ model: 'm', input: ['x'] }, 'input[0]'],
    [{ model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_audio' }] }] }, 'input[0].content[0].type'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image' }] }] }, 'input[0].content[0]'],
    [{ model: 'm', input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'x' }] }] }, 'input[0].content[0]'],
    [{ model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_image' }] }] }, 'input[0].content[0]'],
    [{ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0]'],
    [{ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: {} }] }, 'input[0].arguments'],
    [{ model: 'm', input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id'],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 5 }] }, 'input[0].output'],
    [{ model: 'm', input: 'x', instructions: 5 }, 'instructions'],
    [{ model: 'm', input: 'x', temperature: 3 }, 'temperature'],
    [{ model: 'm', input: 'x', top_p: -1 }, 'top_p'],
    [{ model: 'm', input: 'x', max_output_tokens: 1.5 }, 'max_output_tokens'],
    [{ model: 'm', input: 'x', stream: 'yes' }, 'stream'],
    [{ model: 'm', input: 'x', tools: {} }, 'tools'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f', parameters: 'x' }] }, 'tools[0].parameters'],
    [{ model: 'm', input: 'x', tool_choice: 'sometimes' }, 'tool_choice'],
    [{ model: 'm', input: 'x', text: { format: { type: 'yaml' } } }, 'text.format.type'],
    [{ model: 'm', input: 'x', text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name'],
    [{ model: 'm', input: 'x', reasoning: { effort: 'extreme' } }, 'reasoning.effort'],
    [{ model: 'm', input: 'x', reasoning: { summary: 'long' } }, 'reasoning.summary'],
    [{ model: 'm', input: 'x', metadata: { a: 1 } }, 'metadata.a'],
    [{ model: 'm', input: 'x', user: 5 }, 'user'],
  ];
  for (const [body, param] of cases) {
    assert.throws(() => decodeRequest(body), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param, `${JSON.stringify(body)} → ${param}`);
  }
});
