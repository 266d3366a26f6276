// Codex declares some of its tools (its sub-agent tools) in a Responses `namespace`. Providers of
// other formats have flat tool names: the functions reach them as `<namespace>__<name>`, and the
// calls they make come back to the client under the name and namespace it declared.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { providerCodec } from '../codecs.ts';
import type { ChatResponse, EncodeContext, EncodeTarget, StreamEvent, WireFormat } from '../ir.ts';
import { decodeRequest, encodeRequest } from './request.ts';
import { encodeResponse } from './response.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

const target: EncodeTarget = { upstreamModel: 'upstream', quirks: {} };
const schema = { type: 'object', properties: { task: { type: 'string' } } };

function codexBody(): Record<string, unknown> {
  return {
    model: 'gpt-5-codex',
    instructions: 'You are Codex.',
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Split the work.' }] },
      { type: 'function_call', call_id: 'call_1', name: 'spawn', namespace: 'agents', arguments: '{"task":"tests"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'agent 7 started' },
    ],
    tools: [
      { type: 'function', name: 'shell', parameters: schema },
      {
        type: 'namespace',
        name: 'agents',
        description: 'Sub-agents that work in parallel.',
        tools: [
          { type: 'function', name: 'spawn', description: 'Starts an agent', parameters: schema },
          { type: 'function', name: 'wait', parameters: schema, defer_loading: true },
          { type: 'custom', name: 'note', description: 'Free text' },
        ],
      },
      { type: 'function', name: 'apply_patch', parameters: schema },
    ],
  };
}

test('a namespace decodes into its functions, each remembering its namespace and place', () => {
  const request = decodeRequest(codexBody());
  const summary = request.tools.map((tool) => (tool.type === 'function' ? [tool.name, tool.namespace?.name, tool.param] : ['native', tool.definition.type, tool.param]));
  assert.deepEqual(summary, [
    ['shell', undefined, undefined],
    ['spawn', 'agents', 'tools[1].tools[0]'],
    ['wait', 'agents', 'tools[1].tools[1]'],
    ['note', 'agents', 'tools[1].tools[2]'],
    ['apply_patch', undefined, 'tools[2]'],
  ]);
  const call = request.messages[1].content[0];
  assert.ok(call.type === 'tool-call' && call.namespace === 'agents' && call.name === 'spawn');
});

const chatNames = (format: WireFormat, body: Record<string, unknown>): string[] => {
  if (format === 'openai-chat') return (body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name);
  if (format === 'gemini') return (body.tools as Array<{ functionDeclarations: Array<{ name: string }> }>)[0].functionDeclarations.map((tool) => tool.name);
  if (format === 'bedrock-converse') return ((body.toolConfig as { tools: Array<{ toolSpec: { name: string } }> }).tools).map((tool) => tool.toolSpec.name);
  return (body.tools as Array<{ name: string }>).map((tool) => tool.name);
};

for (const format of ['openai-chat', 'anthropic', 'gemini', 'bedrock-converse'] as const) {
  test(`a ${format} provider gets the namespace's functions with qualified names`, () => {
    const encoded = providerCodec(format).encodeRequest(decodeRequest(codexBody()), target);
    assert.deepEqual(chatNames(format, encoded.body), ['shell', 'agents__spawn', 'agents__note', 'apply_patch']);
    // The deferred function is left out (nothing loaded it); the custom tool is a function of one string.
    assert.deepEqual(encoded.dropped, ['tools[1].tools[1].defer_loading']);
    const sent = JSON.stringify(encoded.body);
    assert.ok(sent.includes('Sub-agents that work in parallel.\\n\\nStarts an agent'), 'the namespace description leads the function’s');
    // The earlier call is history under the same flat name.
    assert.ok(sent.includes('agents__spawn') && !sent.includes('"spawn"'), sent);
  });
}

test('a Responses provider gets the namespace back as one tool, with its calls in it', () => {
  const original = codexBody();
  const encoded = encodeRequest(decodeRequest(structuredClone(original)), target);
  assert.deepEqual(encoded.body.tools, original.tools);
  assert.deepEqual((encoded.body.input as unknown[])[1], (original.input as unknown[])[1]);
  assert.deepEqual(encoded.dropped, []);
});

const answer: ChatResponse = {
  id: 'chatcmpl-9',
  model: 'm',
  created: 1,
  content: [
    { type: 'tool-call', id: 'call_2', name: 'agents__spawn', arguments: '{"task":"docs"}' },
    { type: 'tool-call', id: 'call_3', name: 'shell', arguments: '{}' },
  ],
  finishReason: 'tool-calls',
  usage: null,
};

test('calls to a namespaced function come back under its name and namespace, whole and streamed', () => {
  const context: EncodeContext = { model: 'm', includeUsage: true, request: decodeRequest(codexBody()) };
  const whole = encodeResponse(answer, context) as { output: Array<Record<string, unknown>> };
  assert.deepEqual(whole.output.map((item) => [item.name, item.namespace]), [['spawn', 'agents'], ['shell', undefined]]);

  const encoder = new ResponsesStreamEncoder(context);
  const events: StreamEvent[] = [
    { type: 'start', id: 'c', model: 'm', created: 1 },
    { type: 'tool-call-start', index: 0, id: 'call_2', name: 'agents__spawn' },
    { type: 'tool-call-delta', index: 0, arguments: '{"task":"docs"}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'finish', finishReason: 'tool-calls' },
  ];
  const sse = events.map((event) => encoder.push(event)).join('') + encoder.end();
  const items = sse.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as { type: string; item?: Record<string, unknown> });
  for (const type of ['response.output_item.added', 'response.output_item.done']) {
    const item = items.find((event) => event.type === type)?.item;
    assert.deepEqual([item?.name, item?.namespace], ['spawn', 'agents'], type);
  }
  assert.ok(!sse.includes('agents__spawn'), 'the flat name never reaches the client');
});
