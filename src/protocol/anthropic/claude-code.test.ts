// What Claude Code sends that only Anthropic's format states directly (a system message in the
// conversation, deferred tools and the tool references that load them, blocks of Anthropic's own
// tools), decoded and encoded for a provider of every format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { providerCodec } from '../codecs.ts';
import type { EncodeTarget, WireFormat } from '../ir.ts';
import { decodeRequest, encodeRequest } from './request.ts';

const target: EncodeTarget = { upstreamModel: 'upstream', quirks: {} };
const formats: WireFormat[] = ['openai-chat', 'openai-responses', 'gemini', 'bedrock-converse'];

const environment = '<env>Working directory: /repo\nPlatform: linux</env>';

function withSystemMessage(): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    system: [{ type: 'text', text: 'You are Claude Code.' }],
    messages: [
      { role: 'user', content: 'Fix the build.' },
      { role: 'system', content: [{ type: 'text', text: environment }] },
      { role: 'assistant', content: 'Looking.' },
      { role: 'user', content: 'Go on.' },
    ],
  };
}

function encodeFor(format: WireFormat, body: Record<string, unknown>) {
  return providerCodec(format).encodeRequest(decodeRequest(structuredClone(body)), target);
}

test('a system message inside the conversation is accepted and kept in its place', () => {
  const request = decodeRequest(withSystemMessage());
  assert.deepEqual(request.messages.map((message) => message.role), ['user', 'system', 'assistant', 'user']);
  assert.deepEqual(request.messages[1], { role: 'system', content: [{ type: 'text', text: environment }] });
  assert.deepEqual(request.system, [{ type: 'text', text: 'You are Claude Code.' }]);
});

test('an Anthropic provider receives the system message where it was', () => {
  const original = withSystemMessage();
  const encoded = encodeRequest(decodeRequest(structuredClone(original)), target);
  assert.deepEqual(encoded.dropped, []);
  assert.deepEqual((encoded.body.messages as unknown[])[1], { role: 'system', content: [{ type: 'text', text: environment }] });
  assert.deepEqual((encoded.body.messages as unknown[]).length, 4);
});

test('Chat and Responses providers receive it as a system message in place', () => {
  const chat = encodeFor('openai-chat', withSystemMessage());
  assert.deepEqual(
    (chat.body.messages as Array<Record<string, unknown>>).map((message) => [message.role, message.content]),
    [['system', 'You are Claude Code.'], ['user', 'Fix the build.'], ['system', environment], ['assistant', 'Looking.'], ['user', 'Go on.']],
  );
  const responses = encodeFor('openai-responses', withSystemMessage());
  assert.equal(responses.body.instructions, 'You are Claude Code.');
  assert.deepEqual((responses.body.input as unknown[])[1], { type: 'message', role: 'system', content: [{ type: 'input_text', text: environment }] });
  assert.deepEqual(chat.dropped, []);
  assert.deepEqual(responses.dropped, []);
});

test('Gemini and Bedrock, which have one system slot, get it there after the first instructions', () => {
  const gemini = encodeFor('gemini', withSystemMessage());
  assert.deepEqual(gemini.body.systemInstruction, { parts: [{ text: 'You are Claude Code.' }, { text: environment }] });
  assert.deepEqual((gemini.body.contents as Array<{ role: string }>).map((content) => content.role), ['user', 'model', 'user']);
  assert.ok(!JSON.stringify(gemini.body.contents).includes('Working directory'));
  const bedrock = encodeFor('bedrock-converse', withSystemMessage());
  assert.deepEqual(bedrock.body.system, [{ text: 'You are Claude Code.' }, { text: environment }]);
  assert.deepEqual((bedrock.body.messages as Array<{ role: string }>).map((message) => message.role), ['user', 'assistant', 'user']);
});

const schema = { type: 'object', properties: {} };

/** Claude Code with tool search: ToolSearch loaded mcp__github__create_issue, the model called
 * Read earlier, and a placeholder and another MCP tool are still deferred. */
function withDeferredTools(): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    messages: [
      { role: 'user', content: 'Open an issue about the flaky test.' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'ToolSearch', input: { query: 'select:mcp__github__create_issue' } },
          { type: 'tool_use', id: 'toolu_2', name: 'Read', input: { file_path: 'test/flaky.test.ts' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'tool_reference', tool_name: 'mcp__github__create_issue' }] },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'it() sleeps 10ms' },
        ],
      },
    ],
    tools: [
      { name: 'ToolSearch', description: 'Loads deferred tools', input_schema: schema },
      { name: 'Read', description: 'Reads a file', input_schema: schema, defer_loading: true },
      { name: 'mcp__github__create_issue', description: 'Creates an issue', input_schema: schema, defer_loading: true },
      { name: 'mcp__slack__post', description: 'Posts to Slack', input_schema: schema, defer_loading: true },
      { name: 'placeholder', description: 'Never call this tool.', input_schema: schema, defer_loading: true },
    ],
  };
}

/** The tool names a provider's body offers, whatever its format. */
function offeredNames(format: WireFormat, body: Record<string, unknown>): string[] {
  const tools = (body.tools ?? (body.toolConfig as Record<string, unknown> | undefined)?.tools ?? []) as Array<Record<string, unknown>>;
  return tools.flatMap((tool): string[] => {
    if (format === 'openai-chat') return [String((tool.function as Record<string, unknown>).name)];
    if (format === 'gemini') return ((tool.functionDeclarations ?? []) as Array<Record<string, unknown>>).map((declaration) => String(declaration.name));
    if (format === 'bedrock-converse') return [String((tool.toolSpec as Record<string, unknown>).name)];
    return [String(tool.name)];
  });
}

for (const format of formats) {
  test(`deferred tools reach a ${format} provider only once loaded or used, and are named`, () => {
    const encoded = encodeFor(format, withDeferredTools());
    assert.deepEqual(offeredNames(format, encoded.body), ['ToolSearch', 'Read', 'mcp__github__create_issue']);
    assert.deepEqual(encoded.dropped.filter((name) => name.endsWith('defer_loading')).sort(), ['tools[1].defer_loading', 'tools[2].defer_loading', 'tools[3].defer_loading', 'tools[4].defer_loading']);
    assert.ok(!JSON.stringify(encoded.body).includes('defer_loading'));
    // The search's result tells the model what it loaded.
    assert.ok(JSON.stringify(encoded.body).includes('Tool loaded: mcp__github__create_issue'));
  });
}

test('an Anthropic provider gets deferred tools and tool references as they were sent', () => {
  const original = withDeferredTools();
  const encoded = encodeRequest(decodeRequest(structuredClone(original)), target);
  assert.deepEqual(encoded.dropped, []);
  assert.deepEqual(encoded.body.tools, original.tools);
  const results = (encoded.body.messages as Array<{ content: unknown[] }>)[2].content;
  assert.deepEqual(results[0], (original.messages as Array<{ content: unknown[] }>)[2].content[0]);
});

test('a forced deferred tool is offered, since the choice names it', () => {
  const body = { ...withDeferredTools(), tool_choice: { type: 'tool', name: 'mcp__slack__post' } };
  assert.ok(offeredNames('openai-chat', encodeFor('openai-chat', body).body).includes('mcp__slack__post'));
});

test("blocks of Anthropic's own tools are not refused: kept for Anthropic, named for the others", () => {
  const body = {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    messages: [
      { role: 'user', content: 'Who won?' },
      {
        role: 'assistant',
        content: [
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'final score' } },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://example.com', title: 'Score', encrypted_content: 'abc' }] },
          { type: 'text', text: 'The home team won.' },
        ],
      },
      { role: 'user', content: [{ type: 'search_result', source: 'https://example.com', title: 'Score', content: [{ type: 'text', text: '3-1' }] }, { type: 'text', text: 'Sure?' }] },
    ],
  };
  const request = decodeRequest(structuredClone(body));
  assert.deepEqual(request.messages[1].content, [{ type: 'text', text: 'The home team won.' }]);
  for (const format of formats) {
    const encoded = encodeFor(format, body);
    for (const param of ['messages[1].content[0]', 'messages[1].content[1]', 'messages[2].content[0]', 'tools[0]']) assert.ok(encoded.dropped.includes(param), `${format} names ${param}: ${encoded.dropped}`);
    assert.ok(JSON.stringify(encoded.body).includes('The home team won.'));
  }
});

test('max_tokens 0 (filling the prompt cache) is read, and refused only by providers that cannot do it', () => {
  const body = { model: 'claude-sonnet-4-5', max_tokens: 0, messages: [{ role: 'user', content: 'warm the cache' }] };
  assert.equal(encodeRequest(decodeRequest(structuredClone(body)), target).body.max_tokens, 0);
  for (const format of formats) {
    assert.throws(() => encodeFor(format, body), (error: unknown) => error instanceof Error && 'param' in error && error.param === 'max_tokens', format);
  }
});
