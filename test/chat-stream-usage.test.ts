// Usage in a Chat Completions stream, as the official `openai` SDK sees it, on every route (relayed to
// a Chat provider, translated from the others). Asked for (`stream_options.include_usage`, or
// OpenRouter's `usage: {include: true}`), it comes as OpenAI sends it: a chunk of its own, without
// choices, after the finish. Not asked for, it rides on the finish chunk, as clients written for
// OpenRouter (which always reports usage) expect, and no client meets a chunk without choices.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type OpenAI from 'openai';
import { assertReached } from './clients/routes.ts';
import type { Route } from './clients/routes.ts';
import { formatProviders, hello, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

type Chunk = OpenAI.Chat.ChatCompletionChunk;

describe('usage in Chat streams', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  const chunksOf = async (body: Record<string, unknown>): Promise<Chunk[]> => {
    const stream = await stack.client.chat.completions.create({ messages: hello, ...body, stream: true } as OpenAI.Chat.ChatCompletionCreateParamsStreaming);
    const chunks: Chunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  };

  for (const route of Object.keys(formatProviders) as Route[]) {
    const model = `${route}/sim-model`;

    test(`${route}/, not asked: the finish chunk carries the usage, and every chunk has its choice`, async () => {
      const chunks = await chunksOf({ model });
      assertReached(stack, route);
      assert.ok(chunks.every((chunk) => chunk.choices.length === 1), 'chunk.choices[0] is there in every chunk');
      const withUsage = chunks.filter((chunk) => chunk.usage);
      assert.equal(withUsage.length, 1);
      assert.equal(withUsage[0], chunks.at(-1), 'on the last chunk');
      assert.equal(withUsage[0].choices[0].finish_reason, 'stop');
      assertCounted(withUsage[0].usage);

      // The SDK's stream helper assembles the answer, usage and all.
      const final = await stack.client.chat.completions.stream({ model, messages: hello }).finalChatCompletion();
      assert.match(final.choices[0].message.content ?? '', /^Simulated reply from sim-model/);
      assert.equal(final.choices[0].finish_reason, 'stop');
      assertCounted(final.usage);
    });

    for (const [how, asks] of [['include_usage', { stream_options: { include_usage: true } }], ['usage: {include: true}', { usage: { include: true } }]] as const) {
      test(`${route}/, asked by ${how}: OpenAI's own usage chunk, without choices, after the finish`, async () => {
        const chunks = await chunksOf({ model, ...asks });
        assertReached(stack, route);
        const last = chunks.at(-1)!;
        assert.deepEqual(last.choices, []);
        assertCounted(last.usage);
        const finish = chunks.at(-2)!;
        assert.equal(finish.choices[0].finish_reason, 'stop');
        assert.equal(finish.usage ?? null, null, 'the finish chunk carries none');
        assert.equal(chunks.filter((chunk) => chunk.usage).length, 1);
      });
    }
  }

  test('the SDK assembles a stream that asked, usage and all', async () => {
    const final = await stack.client.chat.completions.stream({ model: 'claude/sim-model', messages: hello, stream_options: { include_usage: true } }).finalChatCompletion();
    assert.match(final.choices[0].message.content ?? '', /^Simulated reply from sim-model/);
    assertCounted(final.usage);
  });
});

function assertCounted(usage: OpenAI.CompletionUsage | null | undefined): void {
  assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0 && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens, JSON.stringify(usage));
}
