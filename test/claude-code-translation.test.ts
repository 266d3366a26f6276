// Claude Code's requests as it sends them today, through the gateway to a provider of every format:
// its environment block as a system message in the conversation, deferred tools (tool search), and
// a placeholder tool that must never be called.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { formatProviders, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const schema = { type: 'object' as const, properties: { command: { type: 'string' } }, required: ['command'] };

/** The shape of a Claude Code request: system prompt, then the environment as a system message. */
function claudeCodeBody(model: string): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model,
    max_tokens: 512,
    system: [{ type: 'text', text: 'You are Claude Code.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Run the tests.' }] },
      { role: 'system', content: [{ type: 'text', text: '<env>Working directory: /repo</env>' }] },
    ],
    tools: [
      { name: 'ExitWorktree', description: 'Placeholder: never call this tool.', input_schema: { type: 'object', properties: {} }, defer_loading: true },
      { name: 'Bash', description: 'Runs a command', input_schema: schema },
      { name: 'mcp__slack__post', description: 'Posts to Slack', input_schema: schema, defer_loading: true },
    ],
  };
}

describe('Claude Code requests on every provider format', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  for (const provider of Object.keys(formatProviders)) {
    test(`a system message in the conversation is accepted (${provider})`, async () => {
      const message = await stack.anthropic.messages.create({ ...claudeCodeBody(`${provider}/sim-coder`), tools: undefined });
      assert.ok(message.content.length > 0);
      assert.ok(JSON.stringify(stack.simulator.requests.at(-1)?.body).includes('Working directory: /repo'), 'the environment reached the provider');
    });
  }

  for (const provider of ['chat', 'responses', 'google', 'aws']) {
    test(`deferred tools are not offered to a ${provider} provider, and the placeholder is never called`, async () => {
      const response = await fetch(`${stack.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...claudeCodeBody(`${provider}/sim-coder`), messages: [{ role: 'user', content: 'Run the tests.' }] }),
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-modelmux-dropped-params'), 'tools[0].defer_loading, tools[2].defer_loading');
      const message = (await response.json()) as Anthropic.Message;
      const call = message.content.find((block) => block.type === 'tool_use');
      assert.ok(call && call.type === 'tool_use', JSON.stringify(message.content));
      assert.equal(call.name, 'Bash');
      const sent = JSON.stringify(stack.simulator.requests.at(-1)?.body);
      assert.ok(!sent.includes('ExitWorktree') && !sent.includes('mcp__slack__post'), sent.slice(0, 600));
    });
  }
});
