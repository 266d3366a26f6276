// A Responses client whose conversation moved between providers hands back reasoning items the
// gateway wrote for it: `encrypted_content` another provider made (marked `mmx1.<format>.`) and
// Anthropic's redacted thinking (`rs_redacted_` items). OpenAI verifies encrypted content and knows
// only the reasoning ids it issued, so a Responses provider must get neither, while OpenAI's own
// encrypted content reaches it as it came: relayed, re-encoded, and re-encoded with the client's
// input kept as sent (Codex's `additional_tools`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const genuine = { type: 'reasoning', id: 'rs_0a1b2c', summary: [{ type: 'summary_text', text: 'Checked the units.' }], encrypted_content: 'gAAAAABoOpenAI-made_content==' };
const fromClaude = { type: 'reasoning', id: 'rs_minted7', summary: [{ type: 'summary_text', text: 'Claude weighed it.' }], encrypted_content: 'mmx1.anthropic.EqQBCkgIBxABGAIiQL' };
const redacted = { type: 'reasoning', id: 'rs_redacted_9f8e', summary: [], encrypted_content: 'EmwKAhgBEgyRedactedByAnthropic' };
const tools = { type: 'additional_tools', role: 'developer', tools: [{ type: 'function', name: 'view_image', parameters: { type: 'object', properties: {} } }] };

function conversation(...reasoning: Record<string, unknown>[]): Record<string, unknown>[] {
  return [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How far is it?' }] },
    ...reasoning,
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'About 3 km.' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'In miles?' }] },
  ];
}

describe('reasoning another provider made, handed back to a Responses provider', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  async function send(input: unknown[]): Promise<Record<string, unknown>[]> {
    const response = await fetch(`${stack.baseUrl}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'responses/sim-model', input }) });
    assert.equal(response.status, 200, await response.clone().text());
    await response.arrayBuffer();
    return (stack.simulator.requests.at(-1)?.body as { input: Record<string, unknown>[] }).input;
  }
  const reasoningOf = (input: Record<string, unknown>[]) => input.filter((item) => item.type === 'reasoning');

  test('with the input kept as sent (additional_tools), foreign items are left out and OpenAI\'s kept as they came', async () => {
    const input = await send([tools, ...conversation(fromClaude, genuine, redacted)]);
    assert.deepEqual(reasoningOf(input), [genuine]);
    assert.deepEqual(input[0], tools, 'the additional_tools item stays where it stood');
    assert.equal(input.length, 5);
  });

  test('re-encoded, an item whose encrypted content another provider made is not sent without it', async () => {
    const input = await send(conversation(fromClaude, genuine));
    assert.deepEqual(reasoningOf(input), [genuine]);
  });

  test('redacted thinking alone is not relayed to OpenAI', async () => {
    const input = await send(conversation(redacted, genuine));
    assert.deepEqual(reasoningOf(input), [genuine]);
  });

  test('a conversation of OpenAI\'s own reasoning is relayed untouched', async () => {
    const sent = conversation(genuine);
    assert.deepEqual(await send(sent), sent);
  });
});
