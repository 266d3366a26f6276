import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatRequest, EncodeTarget } from '../ir.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { encodeRequest } from './request.ts';

const claude: EncodeTarget = { upstreamModel: 'anthropic.claude-sonnet-4-20250514-v1:0', quirks: {} };
const llama: EncodeTarget = { upstreamModel: 'meta.llama3-70b-instruct-v1:0', quirks: {} };

function chat(fields: Partial<ChatRequest> = {}): ChatRequest {
  return {
    source: 'openai-chat',
    model: 'claude',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    tools: [],
    stream: false,
    includeUsage: false,
    extra: {},
    sourceOnly: [],
    ...fields,
  };
}

describe('encodeRequest paths', () => {
  test('the model id is one encoded path segment, streamed or not', () => {
    assert.equal(encodeRequest(chat(), claude).path, '/model/anthropic.claude-sonnet-4-20250514-v1%3A0/converse');
    assert.equal(encodeRequest(chat({ stream: true }), claude).path, '/model/anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream');
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0';
    assert.equal(encodeRequest(chat(), { upstreamModel: arn, quirks: {} }).path, `/model/${encodeURIComponent(arn)}/converse`);
  });
});

// Long only as a suite: the block groups short tests, each a function of its own.
describe('encodeRequest content', () => {
  test('system, text, images, documents and cache points', () => {
    const encoded = encodeRequest(chat({
      system: [{ type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral' } }, { type: 'text', text: 'Really.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0K' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
            { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0x' }, filename: 'report_2024.v2.pdf', cacheControl: { type: 'ephemeral', ttl: '1h' } },
            { type: 'document', source: { kind: 'base64', mediaType: 'text/plain', data: 'aGk=' }, filename: 'report_2024.v2.txt' },
          ],
        },
      ],
    }), claude);
    assert.deepEqual(encoded.body.system, [{ text: 'Be brief.' }, { cachePoint: { type: 'default' } }, { text: 'Really.' }]);
    assert.deepEqual(encoded.body.messages, [
      {
        role: 'user',
        content: [
          { text: 'Look:' },
          { image: { format: 'png', source: { bytes: 'iVBORw0K' } } },
          { document: { format: 'pdf', name: 'report 2024 v2', source: { bytes: 'JVBERi0x' } } },
          { cachePoint: { type: 'default', ttl: '1h' } },
          { document: { format: 'txt', name: 'report 2024 v2 (2)', source: { bytes: 'aGk=' } } },
        ],
      },
    ]);
    assert.deepEqual(encoded.dropped, ['image_url']);
  });

  test('tool calls, results, reasoning; tool results join the user turn; same roles merge', () => {
    const encoded = encodeRequest(chat({
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, cacheControl: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        { role: 'user', content: [{ type: 'text', text: 'And quickly.' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Need the tool.', signature: 'sig-1' },
            { type: 'reasoning', text: 'unsigned, from elsewhere' },
            { type: 'redacted-reasoning', data: 'b3BhcXVl' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', id: 'fc.2/x', name: 'get_weather', arguments: '' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: '18C' }] },
            { type: 'tool-result', toolCallId: 'fc.2/x', content: [{ type: 'text', text: 'no such city' }], isError: true },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
    }), claude);
    assert.deepEqual(encoded.body.messages, [
      { role: 'user', content: [{ text: 'Weather in Paris?' }, { text: 'And quickly.' }] },
      {
        role: 'assistant',
        content: [
          { reasoningContent: { reasoningText: { text: 'Need the tool.', signature: 'sig-1' } } },
          { reasoningContent: { redactedContent: 'b3BhcXVl' } },
          { text: 'Checking.' },
          { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'fc_2_x', name: 'get_weather', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'call_1', content: [{ text: '18C' }] } },
          { toolResult: { toolUseId: 'fc_2_x', content: [{ text: 'no such city' }], status: 'error' } },
          { text: 'Thanks' },
        ],
      },
    ]);
    assert.deepEqual(encoded.body.toolConfig, {
      tools: [
        { toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } },
        { cachePoint: { type: 'default' } },
      ],
    });
    assert.deepEqual(encoded.dropped, []);
  });

  test('a history with tool use but no tools offered still declares those tools', () => {
    const encoded = encodeRequest(chat({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Go' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_1', name: 'lookup', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'ok' }] }] },
      ],
    }), claude);
    assert.deepEqual(encoded.body.toolConfig, { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] });
  });
});

// Long only as a suite: the block groups short tests, each a function of its own.
describe('encodeRequest parameters', () => {
  test('inference settings, top_k and tool choice', () => {
    const encoded = encodeRequest(chat({
      maxOutputTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stop: ['END'],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }],
      toolChoice: { type: 'required' },
    }), claude);
    assert.deepEqual(encoded.body.inferenceConfig, { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ['END'] });
    assert.deepEqual(encoded.body.additionalModelRequestFields, { top_k: 40 });
    assert.deepEqual(encoded.body.additionalModelResponseFieldPaths, ['/stop_sequence']);
    assert.deepEqual(encoded.body.toolConfig, { tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } }, strict: true } }], toolChoice: { any: {} } });
    const named = encodeRequest(chat({ tools: [{ type: 'function', name: 'f', parameters: {} }], toolChoice: { type: 'tool', name: 'f' } }), llama);
    assert.deepEqual((named.body.toolConfig as Record<string, unknown>).toolChoice, { tool: { name: 'f' } });
    const nova = encodeRequest(chat({ topK: 5 }), { upstreamModel: 'amazon.nova-pro-v1:0', quirks: {} });
    assert.deepEqual(nova.body.additionalModelRequestFields, { inferenceConfig: { topK: 5 } });
    const llamaTopK = encodeRequest(chat({ topK: 5 }), llama);
    assert.equal(llamaTopK.body.additionalModelRequestFields, undefined);
    assert.deepEqual(llamaTopK.dropped, ['top_k']);
  });

  test('tool_choice none: honoured by offering no tools; with tools in the history they must stay and the choice is reported', () => {
    const encoded = encodeRequest(chat({ tools: [{ type: 'function', name: 'f', parameters: {} }], toolChoice: { type: 'none' } }), claude);
    assert.equal(encoded.body.toolConfig, undefined);
    assert.deepEqual(encoded.dropped, []);
    const history = chat({
      tools: [{ type: 'function', name: 'f', parameters: {} }],
      toolChoice: { type: 'none' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'f', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'ok' }] }] },
      ],
    });
    const withHistory = encodeRequest(history, claude);
    assert.equal((withHistory.body.toolConfig as Record<string, unknown>).toolChoice, undefined);
    assert.deepEqual(withHistory.dropped, ['tool_choice']);
  });

  test('thinking from an effort level; temperature and top_p are then reported, not sent', () => {
    const encoded = encodeRequest(chat({ reasoning: { effort: 'high' }, temperature: 1, topP: 0.5, maxOutputTokens: 32000 }), claude);
    assert.deepEqual(encoded.body.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 24576 } });
    assert.deepEqual(encoded.body.inferenceConfig, { maxTokens: 32000 });
    assert.deepEqual(encoded.dropped, ['temperature', 'top_p']);
    const explicit = encodeRequest(chat({ reasoning: { enabled: true, budgetTokens: 3000 } }), claude);
    assert.deepEqual(explicit.body.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 3000 } });
    const capped = encodeRequest(chat({ reasoning: { effort: 'medium' }, maxOutputTokens: 4000 }), claude);
    assert.deepEqual(capped.body.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 3999 } });
    const off = encodeRequest(chat({ reasoning: { enabled: false }, temperature: 1 }), claude);
    assert.equal(off.body.additionalModelRequestFields, undefined);
    assert.deepEqual(off.dropped, []);
  });

  test('a forced tool choice is reported, not sent, while Claude thinks', () => {
    const encoded = encodeRequest(chat({ reasoning: { budgetTokens: 2048 }, tools: [{ type: 'function', name: 'f', parameters: {} }], toolChoice: { type: 'tool', name: 'f' } }), claude);
    assert.equal((encoded.body.toolConfig as Record<string, unknown>).toolChoice, undefined);
    assert.deepEqual(encoded.dropped, ['tool_choice']);
  });

  test('reasoning for a model that takes no thinking field is reported', () => {
    const encoded = encodeRequest(chat({ reasoning: { effort: 'low' } }), llama);
    assert.equal(encoded.body.additionalModelRequestFields, undefined);
    assert.deepEqual(encoded.dropped, ['reasoning']);
  });

  test('everything Converse cannot carry is named in dropped', () => {
    const encoded = encodeRequest(chat({
      seed: 1,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseFormat: { type: 'json' },
      parallelToolCalls: false,
      user: 'u-1',
      tools: [
        { type: 'function', name: 'f', parameters: {} },
        { type: 'native', format: 'anthropic', definition: { type: 'web_search_20250305', name: 'web_search' } },
      ],
      extra: { logprobs: true, service_tier: 'flex' },
      metadata: { team: 'search' },
    }), claude);
    assert.deepEqual(encoded.dropped.sort(), ['frequency_penalty', 'logprobs', 'parallel_tool_calls', 'presence_penalty', 'response_format', 'seed', 'service_tier', 'tools[1]', 'user']);
    assert.deepEqual(encoded.body.requestMetadata, { team: 'search' });
  });

  test('fields that only mean something to the source format are refused', () => {
    assert.throws(
      () => encodeRequest(chat({ source: 'openai-responses', sourceOnly: ['previous_response_id'] }), claude),
      (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === 'previous_response_id' && /previous_response_id/.test(error.message),
    );
  });
});
