import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest, EncodeTarget } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { decodeRequest, encodeRequest } from './request.ts';

const target: EncodeTarget = { upstreamModel: 'claude-sonnet-4-5', quirks: {} };

/** A Claude Code-like turn using every feature the IR carries, in Anthropic's canonical form. */
function claudeCodeRequest(): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 32000,
    system: [
      { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Working directory: /repo', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look at these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          { type: 'image', source: { type: 'file', file_id: 'file_img' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' }, title: 'spec.pdf', cache_control: { type: 'ephemeral' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words, é and 🙂' } },
          { type: 'document', source: { type: 'url', url: 'https://example.com/doc.pdf' }, citations: { enabled: true }, context: 'background' },
          { type: 'document', source: { type: 'file', file_id: 'file_doc' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I should read the file.', signature: 'EqQBCkYIBxgCKkBsig==' },
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy3redacted' },
          { type: 'text', text: 'Reading it now.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'Read', input: { file_path: '/repo/a.ts', limit: 20 } },
          { type: 'tool_use', id: 'toolu_01B', name: 'Bash', input: {}, cache_control: { type: 'ephemeral' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01A', content: [{ type: 'text', text: 'export const a = 1;' }] },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_01B',
            content: [{ type: 'text', text: 'exit 1' }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } }],
            is_error: true,
            cache_control: { type: 'ephemeral' },
          },
          { type: 'text', text: 'Go on.', cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
    tools: [
      { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } }, cache_control: { type: 'ephemeral' } },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
      { name: 'Bash', input_schema: { type: 'object', properties: {} }, strict: true, defer_loading: true },
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    thinking: { type: 'enabled', budget_tokens: 10000 },
    top_p: 0.99,
    stop_sequences: ['<END>'],
    metadata: { user_id: 'user_123' },
    stream: true,
    service_tier: 'auto',
    context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
  };
}

test('an Anthropic request comes back from the IR exactly as it was sent', () => {
  const original = claudeCodeRequest();
  const encoded = encodeRequest(decodeRequest(structuredClone(original)), target);
  assert.equal(encoded.path, '/messages');
  assert.deepEqual(encoded.dropped, []);
  assert.equal(encoded.headers, undefined);
  assert.deepEqual(encoded.body, original);
});

test('decoding keeps cache_control, signatures and tool results in IR form', () => {
  const request = decodeRequest(claudeCodeRequest());
  assert.deepEqual(request.system[1], { type: 'text', text: 'Working directory: /repo', cacheControl: { type: 'ephemeral', ttl: '1h' } });
  assert.deepEqual(request.messages[1].content.slice(0, 2), [
    { type: 'reasoning', text: 'I should read the file.', signature: 'EqQBCkYIBxgCKkBsig==' },
    { type: 'redacted-reasoning', data: 'EmwKAhgBEgy3redacted' },
  ]);
  assert.deepEqual(request.messages.map((message) => message.role), ['user', 'assistant', 'tool', 'user']);
  assert.deepEqual(request.messages[2].content[1], {
    type: 'tool-result',
    toolCallId: 'toolu_01B',
    content: [{ type: 'text', text: 'exit 1' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } }],
    isError: true,
    cacheControl: { type: 'ephemeral' },
  });
  assert.deepEqual(request.messages[1].content[3], { type: 'tool-call', id: 'toolu_01A', name: 'Read', arguments: '{"file_path":"/repo/a.ts","limit":20}' });
  assert.deepEqual(request.tools[1], { type: 'native', format: 'anthropic', definition: { type: 'web_search_20250305', name: 'web_search', max_uses: 3 } });
  assert.deepEqual(request.reasoning, { enabled: true, budgetTokens: 10000 });
  assert.equal(request.parallelToolCalls, false);
  assert.deepEqual(request.toolChoice, { type: 'auto' });
  assert.equal(request.user, 'user_123');
  assert.deepEqual(request.stop, ['<END>']);
  assert.deepEqual(request.extra, {
    service_tier: 'auto',
    context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
    'messages[0].content[6].citations': { enabled: true },
    'messages[0].content[6].context': 'background',
  });
  assert.equal(request.tools[2].type === 'function' && request.tools[2].deferLoading, true);
});

test('fields only Anthropic knows are reported by name when the request goes elsewhere', () => {
  const request: ChatRequest = { ...decodeRequest(claudeCodeRequest()), source: 'openai-chat' };
  const encoded = encodeRequest(request, target);
  assert.deepEqual(encoded.dropped.sort(), [
    'context_management',
    'messages[0].content[6].citations',
    'messages[0].content[6].context',
    'service_tier',
    'tools[2].defer_loading',
  ]);
  assert.equal((encoded.body.tools as Record<string, unknown>[])[2].defer_loading, undefined);
});

test('nested fields that could not follow their part (a copied request) are reported, not lost quietly', () => {
  const encoded = encodeRequest(structuredClone(decodeRequest(claudeCodeRequest())), target);
  assert.deepEqual(encoded.dropped.sort(), ['messages[0].content[6].citations', 'messages[0].content[6].context']);
  assert.equal(encoded.body.service_tier, 'auto');
  // defer_loading has an IR form, so it survives the copy.
  assert.equal((encoded.body.tools as Record<string, unknown>[])[2].defer_loading, true);
});

test('adaptive thinking, effort and structured output round trip through output_config', () => {
  const original = {
    model: 'claude-opus-4-5',
    max_tokens: 2048,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Name a colour as JSON.' }] }],
    thinking: { type: 'adaptive', display: 'omitted' },
    output_config: { effort: 'max', format: { type: 'json_schema', schema: { type: 'object', properties: { colour: { type: 'string' } } } } },
  };
  const request = decodeRequest(structuredClone(original));
  assert.deepEqual(request.reasoning, { enabled: true, effort: 'xhigh' });
  assert.deepEqual(request.responseFormat, { type: 'json-schema', schema: { type: 'object', properties: { colour: { type: 'string' } } } });
  const encoded = encodeRequest(request, { ...target, upstreamModel: 'claude-opus-4-5' });
  assert.deepEqual(encoded.body, original);
  assert.deepEqual(encoded.dropped, []);
});

test('a thinking budget: translated, added to max_tokens that do not exceed it; an Anthropic client\'s own, sent as it came', () => {
  const translated = encodeRequest(chatRequest({ reasoning: { effort: 'high' }, maxOutputTokens: 100 }), target);
  assert.deepEqual(translated.body.thinking, { type: 'enabled', budget_tokens: 24_576 });
  assert.equal(translated.body.max_tokens, 24_676);
  // Anthropic judges its own client's pair (interleaved thinking lets the budget pass max_tokens).
  const own = encodeRequest(decodeRequest({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], thinking: { type: 'enabled', budget_tokens: 2_000 } }), target);
  assert.deepEqual(own.body.thinking, { type: 'enabled', budget_tokens: 2_000 });
  assert.equal(own.body.max_tokens, 100);
});

test('effort without thinking, and thinking disabled, stay what they were', () => {
  const effortOnly = encodeRequest(decodeRequest({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], output_config: { effort: 'low' } }), target);
  assert.deepEqual(effortOnly.body.output_config, { effort: 'low' });
  assert.equal(effortOnly.body.thinking, undefined);
  const disabled = encodeRequest(decodeRequest({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], thinking: { type: 'disabled' }, temperature: 0.2 }), target);
  assert.deepEqual(disabled.body.thinking, { type: 'disabled' });
  assert.equal(disabled.body.temperature, 0.2);
});

test('string content and the beta output_format are read as their block and GA forms', () => {
  const request = decodeRequest({
    model: 'm',
    max_tokens: 100,
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'Hello' }, { role: 'assistant', content: 'Hi' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] }],
    output_format: { type: 'json_schema', schema: { type: 'object' } },
  });
  assert.deepEqual(request.system, [{ type: 'text', text: 'Be brief.' }]);
  assert.deepEqual(request.messages[0], { role: 'user', content: [{ type: 'text', text: 'Hello' }] });
  assert.deepEqual(request.messages[2], { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'done' }] }] });
  const body = encodeRequest(request, target).body;
  assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema: { type: 'object' } } });
  assert.equal(body.output_format, undefined);
});

test('bad input is refused with a 400 naming the field', () => {
  const valid = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...valid, max_tokens: undefined }, 'max_tokens'],
    [{ ...valid, max_tokens: -1 }, 'max_tokens'],
    [{ ...valid, max_tokens: 1.5 }, 'max_tokens'],
    [{ ...valid, model: '' }, 'model'],
    [{ ...valid, messages: [] }, 'messages'],
    [{ ...valid, messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    [{ ...valid, messages: [{ role: 'system', content: [{ type: 'image', source: { type: 'url', url: 'x' } }] }] }, 'messages[0].content[0].type'],
    [{ ...valid, messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    [{ ...valid, messages: [{ role: 'assistant', content: [{ type: 'server_tool_usage', id: 's', name: 'web_search', input: {} }] }] }, 'messages[0].content[0].type'],
    [{ ...valid, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] }, 'messages[0].content[0].type'],
    [{ ...valid, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'ftp', url: 'x' } }] }] }, 'messages[0].content[0].source.type'],
    [{ ...valid, messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'forever' } }] }] }, 'messages[0].content[0].cache_control.type'],
    [{ ...valid, tools: [{ name: 'f' }] }, 'tools[0].input_schema'],
    [{ ...valid, tool_choice: { type: 'sometimes' } }, 'tool_choice.type'],
    [{ ...valid, tool_choice: { type: 'tool' } }, 'tool_choice.name'],
    [{ ...valid, thinking: { type: 'enabled' } }, 'thinking.budget_tokens'],
    [{ ...valid, temperature: 'hot' }, 'temperature'],
    [{ ...valid, stop_sequences: 'END' }, 'stop_sequences'],
    [{ ...valid, output_config: { effort: 'extreme' } }, 'output_config.effort'],
  ];
  for (const [body, param] of cases) {
    assert.throws(
      () => decodeRequest(body),
      (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param && error.message.includes(param),
      `expected a 400 on ${param}`,
    );
  }
  assert.throws(() => decodeRequest({ ...valid, messages: [{ role: 'assistant', content: [{ type: 'server_tool_usage' }] }] }), /server_tool_usage/);
});

function chatRequest(overrides: Partial<ChatRequest>): ChatRequest {
  return { source: 'openai-chat', model: 'gpt', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [], stream: false, includeUsage: false, extra: {}, sourceOnly: [], ...overrides };
}

test('history from another format is reshaped into alternating turns with tool results first', () => {
  const encoded = encodeRequest(
    chatRequest({
      system: [{ type: 'text', text: 'sys' }, { type: 'text', text: '' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a' }] },
        { role: 'user', content: [{ type: 'text', text: 'b' }, { type: 'text', text: '' }] },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'unsigned thoughts' }, { type: 'text', text: 'calling' }, { type: 'tool-call', id: 'call:1.x', name: 'f', arguments: '' }, { type: 'tool-call', id: 'call_2', name: 'g', arguments: '{"a":' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call:1.x', content: [{ type: 'text', text: 'r1' }] }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_2', content: [] }] },
        { role: 'user', content: [{ type: 'text', text: 'next' }] },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'only unsigned reasoning' }] },
        { role: 'assistant', content: [{ type: 'refusal', text: 'I cannot.' }] },
      ],
    }),
    target,
  );
  const sanitized = (encoded.body.messages as Array<{ content: Record<string, unknown>[] }>)[1].content[1].id as string;
  assert.match(sanitized, /^call_1_x_[0-9a-f]{8}$/);
  assert.deepEqual(encoded.body.system, [{ type: 'text', text: 'sys' }]);
  assert.deepEqual(encoded.body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'calling' },
        { type: 'tool_use', id: sanitized, name: 'f', input: {} },
        { type: 'tool_use', id: 'call_2', name: 'g', input: { invalid_json_arguments: '{"a":' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: sanitized, content: [{ type: 'text', text: 'r1' }] },
        { type: 'tool_result', tool_use_id: 'call_2' },
        { type: 'text', text: 'next' },
      ],
    },
    { role: 'assistant', content: [{ type: 'text', text: 'I cannot.' }] },
  ]);
  assert.equal(encoded.body.max_tokens, 4096);
  assert.deepEqual(encoded.dropped, []);
});

test('a user message written before its tool results still puts the results first', () => {
  const encoded = encodeRequest(
    chatRequest({
      messages: [
        { role: 'assistant', content: [{ type: 'tool-call', id: 't1', name: 'f', arguments: '{}' }] },
        { role: 'user', content: [{ type: 'text', text: 'also this' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: 'ok' }] }] },
      ],
    }),
    target,
  );
  assert.deepEqual((encoded.body.messages as unknown[])[1], {
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'ok' }] }, { type: 'text', text: 'also this' }],
  });
});

test('an effort becomes a thinking budget; settings Anthropic refuses with thinking are reported', () => {
  const encoded = encodeRequest(chatRequest({ reasoning: { effort: 'high' }, maxOutputTokens: 1000, temperature: 0.7, topK: 40, topP: 0.5, seed: 7, presencePenalty: 1, frequencyPenalty: 1 }), target);
  assert.deepEqual(encoded.body.thinking, { type: 'enabled', budget_tokens: 24576 });
  assert.equal(encoded.body.max_tokens, 25576);
  assert.equal(encoded.body.temperature, undefined);
  assert.equal(encoded.body.top_k, undefined);
  assert.equal(encoded.body.top_p, undefined);
  assert.deepEqual(encoded.dropped.sort(), ['frequency_penalty', 'presence_penalty', 'seed', 'temperature', 'top_k', 'top_p']);

  const budgets = Object.fromEntries((['minimal', 'low', 'medium', 'high'] as const).map((effort) => [effort, (encodeRequest(chatRequest({ reasoning: { effort } }), target).body.thinking as { budget_tokens: number }).budget_tokens]));
  assert.deepEqual(budgets, { minimal: 1024, low: 2048, medium: 8192, high: 24576 });
  assert.deepEqual(encodeRequest(chatRequest({ reasoning: { budgetTokens: 100 }, maxOutputTokens: 8000 }), target).body.thinking, { type: 'enabled', budget_tokens: 1024 });
  assert.deepEqual(encodeRequest(chatRequest({ reasoning: { effort: 'none' } }), target).body.thinking, { type: 'disabled' });
  assert.deepEqual(encodeRequest(chatRequest({ reasoning: { enabled: false } }), target).body.thinking, { type: 'disabled' });
  assert.deepEqual(encodeRequest(chatRequest({ reasoning: { effort: 'low', summary: 'auto' }, source: 'openai-responses' }), target).dropped, ['reasoning.summary']);
});

test('without thinking, sampling passes through and temperature is kept within Anthropic\'s range', () => {
  const encoded = encodeRequest(chatRequest({ temperature: 1.5, topP: 0.9, topK: 5, stop: ['x'], user: 'u1' }), target);
  assert.equal(encoded.body.temperature, 1);
  assert.equal(encoded.body.top_p, 0.9);
  assert.equal(encoded.body.top_k, 5);
  assert.deepEqual(encoded.body.stop_sequences, ['x']);
  assert.deepEqual(encoded.body.metadata, { user_id: 'u1' });
  assert.deepEqual(encoded.dropped, ['temperature']);
});

test('tool choice, parallel calls and foreign tools', () => {
  const tools: ChatRequest['tools'] = [
    { type: 'function', name: 'f', parameters: { type: 'object' }, strict: true },
    { type: 'native', format: 'openai-responses', definition: { type: 'web_search' } },
  ];
  const required = encodeRequest(chatRequest({ tools, toolChoice: { type: 'required' }, parallelToolCalls: false }), target);
  assert.deepEqual(required.body.tool_choice, { type: 'any', disable_parallel_tool_use: true });
  assert.deepEqual(required.body.tools, [{ name: 'f', input_schema: { type: 'object' }, strict: true }]);
  assert.deepEqual(required.dropped, ['tools[1]']);
  assert.deepEqual(encodeRequest(chatRequest({ tools, toolChoice: { type: 'none' } }), target).body.tool_choice, { type: 'none' });
  assert.deepEqual(encodeRequest(chatRequest({ tools, toolChoice: { type: 'tool', name: 'f' } }), target).body.tool_choice, { type: 'tool', name: 'f' });
  assert.deepEqual(encodeRequest(chatRequest({ tools, parallelToolCalls: false }), target).body.tool_choice, { type: 'auto', disable_parallel_tool_use: true });
  assert.equal(encodeRequest(chatRequest({ toolChoice: { type: 'auto' } }), target).body.tool_choice, undefined);

  // Anthropic cannot think while a tool call is forced: the tool choice wins, the reasoning is reported.
  const forced = encodeRequest(chatRequest({ tools, toolChoice: { type: 'required' }, reasoning: { effort: 'low' }, temperature: 0.3, maxOutputTokens: 100 }), target);
  assert.equal(forced.body.thinking, undefined);
  assert.equal(forced.body.temperature, 0.3);
  assert.equal(forced.body.max_tokens, 100, 'no thinking budget shares the client\'s max_tokens');
  assert.deepEqual(forced.dropped, ['tools[1]', 'reasoning_effort']);
});

test('response formats, other formats\' extras, and fields that must not cross formats', () => {
  const schema = encodeRequest(chatRequest({ responseFormat: { type: 'json-schema', name: 'x', schema: { type: 'object' } } }), target);
  assert.deepEqual(schema.body.output_config, { format: { type: 'json_schema', schema: { type: 'object' } } });
  assert.deepEqual(encodeRequest(chatRequest({ responseFormat: { type: 'json' } }), target).dropped, ['response_format']);
  assert.deepEqual(encodeRequest(chatRequest({ extra: { n: 2, logprobs: true }, metadata: { a: 'b' } }), target).dropped, ['metadata', 'n', 'logprobs']);
  assert.throws(
    () => encodeRequest(chatRequest({ source: 'openai-responses', sourceOnly: ['previous_response_id'] }), target),
    (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === 'previous_response_id',
  );
});

test('media from other formats: data URLs, text files, unsupported documents', () => {
  const encoded = encodeRequest(
    chatRequest({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'url', url: 'data:image/webp;base64,UklGRg==' }, detail: 'low' },
            { type: 'document', source: { kind: 'base64', mediaType: 'text/markdown', data: Buffer.from('# Title').toString('base64') }, filename: 'notes.md' },
          ],
        },
      ],
    }),
    target,
  );
  assert.deepEqual((encoded.body.messages as Array<{ content: unknown[] }>)[0].content, [
    { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklGRg==' } },
    { type: 'document', source: { type: 'text', media_type: 'text/plain', data: '# Title' }, title: 'notes.md' },
  ]);
  assert.deepEqual(encoded.dropped, ['detail']);
  // A file Anthropic cannot read is named and left out, as any content the target cannot carry.
  const word = encodeRequest(chatRequest({ messages: [{ role: 'user', content: [{ type: 'document', source: { kind: 'base64', mediaType: 'application/msword', data: 'AA==' } }, { type: 'text', text: 'Summarise it.' }] }] }), target);
  assert.deepEqual(word.dropped, ['document']);
  assert.deepEqual((word.body.messages as Array<{ content: unknown[] }>)[0].content, [{ type: 'text', text: 'Summarise it.' }]);
});

test('a content document source keeps its blocks for Anthropic and its text for others', () => {
  const source = { type: 'content', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] };
  const body = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'document', source, citations: { enabled: true } }] }] };
  const request = decodeRequest(structuredClone(body));
  const part = request.messages[0].content[0];
  assert.equal(part.type === 'document' && part.source.kind === 'base64' && Buffer.from(part.source.data, 'base64').toString(), 'one\n\ntwo');
  assert.deepEqual(encodeRequest(request, target).body.messages, body.messages);
  assert.deepEqual(encodeRequest({ ...request, source: 'openai-chat' }, target).dropped.sort(), ['messages[0].content[0].citations', 'messages[0].content[0].source']);
});
