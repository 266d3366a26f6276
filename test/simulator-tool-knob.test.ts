// The `x-sim-tool` knob, on every format: an agent offering many tools gets a call to the one the
// knob names, or text with `none` or a name it does not offer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { post, useSimulator } from './simulator-helpers.ts';

useSimulator();

const schema = { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] };
const names = ['Agent', 'Bash'];

/** Per format: where to post, a request offering `names`, and the name of the tool called (or null). */
const formats = {
  chat: {
    path: '/v1/chat/completions',
    body: { model: 'fast', messages: [{ role: 'user', content: 'go' }], tools: names.map((name) => ({ type: 'function', function: { name, parameters: schema } })) },
    called: (answer: any): string | null => answer.choices[0].message.tool_calls?.[0].function.name ?? null,
  },
  responses: {
    path: '/v1/responses',
    body: { model: 'fast', input: 'go', tools: names.map((name) => ({ type: 'function', name, parameters: schema })) },
    called: (answer: any): string | null => answer.output.find((item: any) => item.type === 'function_call')?.name ?? null,
  },
  anthropic: {
    path: '/v1/messages',
    body: { model: 'fast', max_tokens: 64, messages: [{ role: 'user', content: 'go' }], tools: names.map((name) => ({ name, input_schema: schema })) },
    called: (answer: any): string | null => answer.content.find((block: any) => block.type === 'tool_use')?.name ?? null,
  },
  gemini: {
    path: '/v1beta/models/fast:generateContent',
    body: { contents: [{ role: 'user', parts: [{ text: 'go' }] }], tools: [{ functionDeclarations: names.map((name) => ({ name, parameters: schema })) }] },
    called: (answer: any): string | null => answer.candidates[0].content.parts.find((part: any) => part.functionCall)?.functionCall.name ?? null,
  },
  bedrock: {
    path: '/model/fast/converse',
    body: { messages: [{ role: 'user', content: [{ text: 'go' }] }], toolConfig: { tools: names.map((name) => ({ toolSpec: { name, inputSchema: { json: schema } } })) } },
    called: (answer: any): string | null => answer.output.message.content.find((block: any) => block.toolUse)?.toolUse.name ?? null,
  },
};

describe('x-sim-tool', () => {
  for (const [format, { path, body, called }] of Object.entries(formats)) {
    test(`names the tool to call, none or an absent name answers text (${format})`, async () => {
      const answer = async (headers: Record<string, string>): Promise<string | null> => {
        const response = await post(path, body, headers);
        assert.equal(response.status, 200, await response.clone().text());
        return called(await response.json());
      };
      assert.equal(await answer({}), 'Agent');
      assert.equal(await answer({ 'x-sim-tool': 'Bash' }), 'Bash');
      assert.equal(await answer({ 'x-sim-tool': 'none' }), null);
      assert.equal(await answer({ 'x-sim-tool': 'Missing' }), null);
    });
  }

  test('an empty name is a 400', async () => {
    const response = await post(formats.chat.path, formats.chat.body, { 'x-sim-tool': ' ' });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /x-sim-tool/);
  });
});
