// Fusion on every surface (the official OpenAI and Anthropic SDKs, Chat, Responses and Messages),
// named fusions from config, and the 400s and 404s of a malformed fusion. Members and judge are
// played by test/fusion-provider.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { startFusionProvider } from './fusion-provider.ts';
import type { FusionProvider } from './fusion-provider.ts';
import { selfCall, startStack } from './stack.ts';
import { callModel } from '../src/engine/model-client.ts';
import type { Stack } from './stack.ts';

type Block = Record<string, any>;

const question: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'What is the capital of Australia?' },
];

describe('fusion surfaces and configuration', () => {
  let panel: FusionProvider;
  let stack: Stack;
  before(async () => {
    panel = await startFusionProvider({
      alpha: { text: 'Canberra is the capital. quality:40' },
      beta: { text: 'The capital of Australia is Canberra. quality:90' },
      gamma: { text: 'Canberra. quality:70' },
    });
    stack = await startStack({
      extraProviders: [panel.config('panel', ['alpha', 'beta', 'gamma', 'judge'])],
      routing: { maxAttempts: 1 },
      fusions: [{ name: 'review', description: 'a small panel', fields: { pool: ['alpha', 'beta'], judge: 'judge', mode: 'best-of' } }],
    });
  });
  after(async () => {
    await stack.close();
    await panel.close();
  });

  const requestsSince = (mark: number) => panel.requests.filter((request) => request.order >= mark);
  const mark = (): number => panel.requests.length + panel.finished.length;
  const chat = (fusion: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    stack.client.chat.completions.create({ model: 'fusion', messages: question, ...extra, fusion } as never) as unknown as Promise<OpenAI.Chat.ChatCompletion & { fusion: Block }>;

  describe('every surface', () => {
    const fusion = { pool: ['alpha', 'beta', 'gamma'], judge: 'judge', mode: 'best-of' };

    it('OpenAI Responses, whole and streamed', async () => {
      const response = (await stack.client.responses.create({ model: 'fusion', input: 'What is the capital of Australia?', fusion } as never)) as unknown as OpenAI.Responses.Response & { fusion: Block; usage: Record<string, any> };
      assert.equal(response.output_text, 'The capital of Australia is Canberra. quality:90');
      assert.equal(response.model, 'judge');
      assert.equal(response.fusion.chosen.model, 'beta');
      assert.ok(response.usage.input_tokens > 0);
      const stream = stack.client.responses.stream({ model: 'fusion', input: 'What is the capital of Australia?', fusion: { ...fusion, mode: 'merge' } } as never);
      const deltas: string[] = [];
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      const final = (await stream.finalResponse()) as OpenAI.Responses.Response & { fusion?: Block };
      assert.equal(final.output_text, 'merged answer from 3 answers');
      assert.equal(deltas.join(''), 'merged answer from 3 answers');
      assert.equal(final.fusion?.mode, 'merge');
    });

    it('OpenAI Chat streamed without include_usage: the usage and the block ride on the finish chunk', async () => {
      const stream = await stack.client.chat.completions.create({ model: 'fusion', messages: question, stream: true, fusion: { ...fusion, mode: 'merge' } } as never) as unknown as AsyncIterable<OpenAI.Chat.ChatCompletionChunk & { fusion?: Block }>;
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      assert.ok(chunks.every((chunk) => chunk.choices.length === 1));
      const last = chunks.at(-1)!;
      assert.equal(last.choices[0].finish_reason, 'stop');
      assert.ok(last.usage && last.usage.prompt_tokens > 0);
      assert.equal(last.fusion?.mode, 'merge');
      assert.equal(chunks.filter((chunk) => chunk.fusion).length, 1);
    });

    it('Anthropic Messages, whole and streamed', async () => {
      const message = (await stack.anthropic.messages.create({ model: 'fusion', max_tokens: 200, system: 'Answer briefly.', messages: [{ role: 'user', content: 'What is the capital of Australia?' }], fusion } as never)) as unknown as { content: { type: string; text: string }[]; model: string; fusion: Block; usage: Record<string, number> };
      assert.deepEqual(message.content, [{ type: 'text', text: 'The capital of Australia is Canberra. quality:90' }]);
      assert.equal(message.model, 'judge');
      assert.equal(message.fusion.chosen.model, 'beta');
      assert.ok(message.usage.input_tokens > 0);
      const since = mark();
      const stream = stack.anthropic.messages.stream({ model: 'fusion', max_tokens: 200, system: 'Answer briefly.', messages: [{ role: 'user', content: 'What is the capital of Australia?' }], fusion: { ...fusion, mode: 'merge' } } as never);
      let block: Block | undefined;
      stream.on('streamEvent', (event) => {
        if (event.type === 'message_delta') block = (event as unknown as { fusion: Block }).fusion;
      });
      const final = await stream.finalMessage();
      assert.equal(final.content.length, 1);
      assert.equal(final.content[0].type === 'text' && final.content[0].text, 'merged answer from 3 answers');
      assert.equal(block?.mode, 'merge');
      // Members received the Anthropic conversation as Chat, system prompt included.
      const alpha = requestsSince(since).find((request) => request.model === 'alpha');
      assert.deepEqual(alpha?.body.messages, question);
      assert.equal(alpha?.body.max_tokens, 200);
    });

    it('errors come back in the Anthropic shape on /v1/messages', async () => {
      await assert.rejects(
        stack.anthropic.messages.create({ model: 'fusion', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], fusion: { pool: ['alpha'], judge: 'judge' } } as never),
        (error: any) => error.status === 400 && error.error?.type === 'error' && /fusion\.pool: has 1 models/.test(error.error?.error?.message),
      );
    });
  });

  describe('named fusions and validation', () => {
    it('runs a fusion from config, with request fields overriding it', async () => {
      const named = (await stack.client.chat.completions.create({ model: 'fusion/review', messages: question } as never)) as unknown as OpenAI.Chat.ChatCompletion & { fusion: Block };
      assert.equal(named.fusion.name, 'review');
      assert.equal(named.fusion.mode, 'best-of');
      assert.equal(named.choices[0].message.content, 'The capital of Australia is Canberra. quality:90');
      const overridden = (await stack.client.chat.completions.create({ model: 'fusion/review', messages: question, fusion: { mode: 'merge' } } as never)) as unknown as OpenAI.Chat.ChatCompletion & { fusion: Block };
      assert.equal(overridden.fusion.mode, 'merge');
      assert.equal(overridden.choices[0].message.content, 'merged answer from 2 answers');
    });

    it('names the configured fusions when one is missing', async () => {
      await assert.rejects(stack.client.chat.completions.create({ model: 'fusion/nope', messages: question }), (error: any) => error.status === 404 && error.code === 'fusion_not_found' && /fusion\/review/.test(error.message));
    });

    it('refuses a fusion inside a fusion', async () => {
      await assert.rejects(chat({ pool: ['alpha', 'fusion/review'], judge: 'judge' }), (error: any) => error.status === 400 && error.param === 'fusion.pool[1]' && /cannot be a member or the judge/.test(error.message));
      await assert.rejects(chat({ pool: ['alpha', 'beta'], judge: 'fusion' }), (error: any) => error.status === 400 && error.param === 'fusion.judge');
      // A member or judge call of a fusion (made in process) that names a fusion is refused.
      const member = await callModel(selfCall(stack), { model: 'fusion/review', messages: question });
      assert.equal(member.status, 400);
      assert.match(member.error ?? '', /a fusion cannot call a fusion/);
    });

    it('refuses a malformed fusion object with the field named', async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ pool: ['alpha'], judge: 'judge' }, 'fusion.pool', /2 to 8/],
        [{ pool: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], judge: 'judge' }, 'fusion.pool', /has 9 models/],
        [{ pool: ['alpha', 'beta'] }, 'fusion.judge', /required/],
        [{ pool: ['alpha', 'beta'], judge: 'judge', mode: 'vote' }, 'fusion.mode', /best-of, merge, debate/],
        [{ pool: ['alpha', 'beta'], judge: 'judge', rounds: 9 }, 'fusion.rounds', /1 to 3/],
        [{ pool: ['alpha', 'beta'], judge: 'judge', min_responses: 3 }, 'fusion.min_responses', /more than the 2 models/],
        [{ pool: ['alpha', 'beta'], judge: 'judge', timeout: 5 }, 'fusion.timeout', /unknown field/],
        [{ pool: ['alpha', 'no-such-model'], judge: 'judge' }, 'fusion.pool[1]', /does not exist/],
      ];
      for (const [fusion, param, message] of cases) {
        await assert.rejects(chat(fusion), (error: any) => {
          assert.equal(error.param, param, JSON.stringify(fusion));
          assert.match(error.message, message);
          return true;
        });
      }
      await assert.rejects(stack.client.chat.completions.create({ model: 'fusion', messages: question }), (error: any) => error.status === 400 && error.param === 'fusion');
    });

    it('refuses tools, which a panel cannot share', async () => {
      const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
      await assert.rejects(chat({ pool: ['alpha', 'beta'], judge: 'judge' }, { tools }), (error: any) => error.status === 400 && error.param === 'tools');
    });
  });
});
