// Fusion's modes, quorum, deadlines and streaming, through the openai SDK; the members and the judge
// are played by a scripted provider (test/fusion-provider.ts) whose requests show what each was
// asked and in which order. Other surfaces and named fusions: fusion-surfaces.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { answersIn, judgeReply, startFusionProvider } from './fusion-provider.ts';
import type { FusionProvider } from './fusion-provider.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

type Block = Record<string, any>;

/** Waits for a condition the test cannot await directly (bounded, so a failure cannot hang). */
async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'the condition never came true');
}
type Member = Record<string, any>;

const question: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'What is the capital of Australia?' },
];
const models = ['alpha', 'beta', 'gamma', 'slowpoke', 'broken', 'silent', 'judge', 'gated-judge'];

describe('fusion', () => {
  let panel: FusionProvider;
  let stack: Stack;
  let releaseJudge: () => void = () => {};
  before(async () => {
    panel = await startFusionProvider({
      alpha: { text: 'Canberra is the capital. quality:40' },
      beta: { text: 'The capital of Australia is Canberra. quality:90', delayMs: 30 },
      gamma: { text: 'Canberra. quality:70' },
      slowpoke: { stall: true },
      broken: { status: 500 },
      silent: { text: '' },
      'gated-judge': {
        text: (body) => judgeReply(String((body.messages as { content: unknown }[])[0].content), 'Consensus: Canberra.', 'one two three four five'),
        // Its tokens are split at spaces: the gate falls after `one two three`.
        gateAfter: 8,
        gate: new Promise<void>((resolve) => (releaseJudge = resolve)),
      },
    });
    stack = await startStack({
      extraProviders: [panel.config('panel', models)],
      routing: { maxAttempts: 1 },
    });
  });
  after(async () => {
    releaseJudge();
    await stack.close();
    await panel.close();
  });

  const requestsSince = (mark: number) => panel.requests.filter((request) => request.order >= mark);
  const mark = (): number => panel.requests.length + panel.finished.length;
  const chat = (fusion: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    stack.client.chat.completions.create({ model: 'fusion', messages: question, ...extra, fusion } as never) as unknown as Promise<OpenAI.Chat.ChatCompletion & { fusion: Block; usage: Record<string, any> }>;
  const judgeRequest = (since: number) => requestsSince(since).find((request) => request.model === 'judge' || request.model === 'gated-judge');

  describe('merge', () => {
    it('asks every member the caller conversation, then has the judge analyse and write the final answer', async () => {
      const since = mark();
      const completion = await chat({ pool: ['alpha', 'beta', 'gamma'], judge: 'judge', mode: 'merge', return_analysis: true });
      assert.equal(completion.choices[0].message.content, 'merged answer from 3 answers');
      assert.equal(completion.model, 'judge');
      assert.equal(completion.choices[0].finish_reason, 'stop');
      const members = requestsSince(since).filter((request) => ['alpha', 'beta', 'gamma'].includes(request.model));
      assert.equal(members.length, 3);
      for (const member of members) assert.deepEqual(member.body.messages, question);
      // The judge starts once the last member has answered, and reads anonymous answers.
      const judge = judgeRequest(since);
      assert.ok(judge);
      const lastMemberDone = Math.max(...panel.finished.filter((entry) => entry.order >= since && ['alpha', 'beta', 'gamma'].includes(entry.model)).map((entry) => entry.order));
      assert.ok(judge.order > lastMemberDone);
      const [system, user] = judge.body.messages as { content: string }[];
      for (const heading of ['Consensus', 'Contradictions', 'Coverage gaps', 'Unique insights', 'Blind spots', '<final_answer_']) assert.ok(system.content.includes(heading), heading);
      assert.match(user.content, /\[user\]\nWhat is the capital of Australia\?/);
      // Numbered 1 to 3 in an order drawn for the request.
      const shown = answersIn(user.content);
      assert.deepEqual(shown.map((answer) => answer.number), [1, 2, 3]);
      assert.deepEqual(shown.map((answer) => answer.text).sort(), ['Canberra is the capital. quality:40', 'Canberra. quality:70', 'The capital of Australia is Canberra. quality:90']);
      assert.doesNotMatch(user.content, /alpha|beta|gamma/);
      const block = completion.fusion;
      assert.equal(block.mode, 'merge');
      assert.match(block.id, /^fus_/);
      assert.equal(block.answered, 3);
      assert.deepEqual(block.members.map((member: Member) => [member.model, member.provider, member.used, member.dropped]), [
        ['alpha', 'panel', true, null],
        ['beta', 'panel', true, null],
        ['gamma', 'panel', true, null],
      ]);
      assert.match(block.analysis, /^Consensus: all 3 answers agree\./);
      assert.equal(block.judge.model, 'judge');
      assert.equal(block.judge.provider, 'panel');
    });

    it('sums the tokens of every call into the usage, and the cost when it is known', async () => {
      const completion = await chat({ pool: ['alpha', 'gamma'], judge: 'judge' });
      const block = completion.fusion;
      const calls = [...block.members, block.judge];
      const input = calls.reduce((sum: number, call: Member) => sum + call.usage.input_tokens, 0);
      const output = calls.reduce((sum: number, call: Member) => sum + call.usage.output_tokens, 0);
      assert.ok(input > 0 && output > 0);
      assert.equal(completion.usage.prompt_tokens, input);
      assert.equal(completion.usage.completion_tokens, output);
      // Each call's cost comes from its own usage chunk (usage.cost, added by billing).
      for (const call of calls) assert.equal(typeof call.cost_usd, 'number', `cost of ${call.model}`);
      const sum = calls.reduce((total: number, call: Member) => total + call.cost_usd, 0);
      assert.equal(block.cost_complete, true);
      assert.ok(Math.abs(completion.usage.cost - sum) < 1e-9);
      // The panel prices are $1 / $2 per million tokens.
      assert.ok(Math.abs(sum - (input * 1 + output * 2) / 1e6) < 1e-9);
    });
  });

  describe('best-of', () => {
    it('has the judge score each answer and returns the best one as it was written', async () => {
      const since = mark();
      const completion = await chat({ pool: ['alpha', 'beta', 'gamma'], judge: 'judge', mode: 'best-of' });
      assert.equal(completion.choices[0].message.content, 'The capital of Australia is Canberra. quality:90');
      assert.equal(completion.model, 'judge');
      const judge = judgeRequest(since);
      assert.ok(judge);
      // No sampling settings: reasoning models refuse a temperature.
      assert.equal(judge.body.temperature, undefined);
      const [system, user] = judge.body.messages as { content: string }[];
      assert.match(system.content, /Score every answer from 0 to 100/);
      assert.match(system.content, /"scores"/);
      assert.equal(answersIn(user.content).length, 3);
      const block = completion.fusion;
      assert.equal(block.mode, 'best-of');
      assert.deepEqual(block.chosen, { index: 1, model: 'beta' });
      assert.equal(block.scores_readable, true);
      assert.deepEqual(block.members.map((member: Member) => [member.model, member.score, member.reason, member.used, member.chosen]), [
        ['alpha', 40, 'marked 40', false, false],
        ['beta', 90, 'marked 90', true, true],
        ['gamma', 70, 'marked 70', false, false],
      ]);
      assert.equal(block.analysis, undefined);
    });
  });

  describe('debate', () => {
    it('lets members revise after reading each other for the rounds asked, then merges', async () => {
      const since = mark();
      const completion = await chat({ pool: ['alpha', 'beta', 'gamma'], judge: 'judge', mode: 'debate', rounds: 2 });
      assert.equal(completion.choices[0].message.content, 'merged answer from 3 answers');
      const alpha = requestsSince(since).filter((request) => request.model === 'alpha');
      assert.equal(alpha.length, 3, 'a first answer and two revisions');
      const firstRevision = alpha[1].body.messages as { role: string; content: string }[];
      assert.deepEqual(firstRevision.slice(0, 2), question);
      assert.deepEqual(firstRevision[2], { role: 'assistant', content: 'Canberra is the capital. quality:40' });
      assert.match(firstRevision[3].content, /Reconsider your answer/);
      assert.match(firstRevision[3].content, /The capital of Australia is Canberra\. quality:90/);
      assert.doesNotMatch(firstRevision[3].content, /Canberra is the capital\. quality:40/, 'its own answer is not among the others');
      // The second round reads the first round's revisions.
      const secondRevision = alpha[2].body.messages as { role: string; content: string }[];
      assert.match(secondRevision[2].content, /^revised by alpha/);
      assert.match(secondRevision[3].content, /revised by beta after reading 2 other answers/);
      const judge = judgeRequest(since);
      assert.ok(judge);
      const [system, user] = judge.body.messages as { content: string }[];
      assert.match(system.content, /revised its own \(2 rounds\)/);
      assert.match(user.content, /revised by gamma/);
      const block = completion.fusion;
      assert.equal(block.rounds, 2);
      assert.equal(block.members[0].revisions.length, 2);
      assert.ok(block.members.every((member: Member) => member.revisions.every((revision: Member) => revision.ok)));
    });
  });

  describe('quorum and deadlines', () => {
    it('drops members that fail or answer nothing, and answers when the quorum is met', async () => {
      const since = mark();
      const completion = await chat({ pool: ['alpha', 'broken', 'silent', 'gamma'], judge: 'judge', min_responses: 2 });
      assert.equal(completion.choices[0].message.content, 'merged answer from 2 answers');
      const block = completion.fusion;
      assert.equal(block.answered, 2);
      const byModel = Object.fromEntries(block.members.map((member: Member) => [member.model, member]));
      assert.equal(byModel.broken.used, false);
      assert.match(byModel.broken.dropped, /^500 .*scripted failure of broken/);
      assert.equal(byModel.silent.dropped, 'empty answer');
      assert.equal(byModel.alpha.used, true);
      const judge = judgeRequest(since);
      assert.equal(answersIn((judge?.body.messages as { content: string }[])[1].content).length, 2);
    });

    it('fails with every member fate listed when the quorum is not met, without calling the judge', async () => {
      const since = mark();
      await assert.rejects(chat({ pool: ['alpha', 'broken', 'silent'], judge: 'judge', min_responses: 2 }), (error: any) => {
        assert.equal(error.status, 502);
        assert.equal(error.code, 'fusion_quorum_not_met');
        assert.match(error.message, /1 of 3 members answered, 2 needed/);
        assert.match(error.message, /alpha: answered/);
        assert.match(error.message, /broken: 500 .*scripted failure of broken/);
        assert.match(error.message, /silent: empty answer/);
        return true;
      });
      assert.equal(judgeRequest(since), undefined);
    });

    it('does not wait for a straggler past the member deadline', async () => {
      const since = mark();
      const completion = await chat({ pool: ['alpha', 'gamma', 'slowpoke'], judge: 'judge', timeout_ms: 300 });
      assert.equal(completion.choices[0].message.content, 'merged answer from 2 answers');
      const slowpoke = completion.fusion.members.find((member: Member) => member.model === 'slowpoke');
      assert.equal(slowpoke.dropped, 'timed out after 300 ms');
      assert.equal(slowpoke.used, false);
      // The straggler never answered, yet the judge was asked.
      assert.ok(judgeRequest(since));
      assert.equal(panel.finished.some((entry) => entry.model === 'slowpoke'), false);
    });

    it('uses half the pool, rounded up, as the default quorum', async () => {
      await assert.rejects(chat({ pool: ['alpha', 'broken', 'silent', 'slowpoke'], judge: 'judge', timeout_ms: 200 }), /1 of 4 members answered, 2 needed/);
      const completion = await chat({ pool: ['alpha', 'broken', 'silent'], judge: 'judge', min_responses: 1 });
      assert.equal(completion.fusion.min_responses, 1);
    });

    it('stops every member call when the client goes away', async () => {
      const since = mark();
      const abandonedBefore = panel.abandoned.length;
      const controller = new AbortController();
      const pending = stack.client.chat.completions.create({ model: 'fusion', messages: question, fusion: { pool: ['slowpoke', 'slowpoke'], judge: 'judge' } } as never, { signal: controller.signal });
      await until(() => requestsSince(since).filter((request) => request.model === 'slowpoke').length === 2);
      controller.abort();
      await assert.rejects(pending, /abort/i);
      await until(() => panel.abandoned.length - abandonedBefore === 2);
      assert.equal(judgeRequest(since), undefined);
      // The gateway carries on.
      assert.equal((await chat({ pool: ['alpha', 'gamma'], judge: 'judge' })).choices[0].message.content, 'merged answer from 2 answers');
    });

    it('reports a failing judge with the member fates', async () => {
      await assert.rejects(chat({ pool: ['alpha', 'gamma'], judge: 'broken' }), (error: any) => {
        assert.equal(error.status, 502);
        assert.equal(error.code, 'fusion_judge_failed');
        assert.match(error.message, /judge broken failed: 500/);
        assert.match(error.message, /alpha: answered; gamma: answered/);
        return true;
      });
    });
  });

  describe('streaming', () => {
    it('streams the judge final answer as it is written, with the fusion block on the usage chunk', async () => {
      const stream = await stack.client.chat.completions.create({ model: 'fusion', messages: question, stream: true, stream_options: { include_usage: true }, fusion: { pool: ['alpha', 'gamma'], judge: 'gated-judge' } } as never) as unknown as AsyncIterable<OpenAI.Chat.ChatCompletionChunk & { fusion?: Block; usage?: Record<string, any> }>;
      let text = '';
      let deltasBeforeRelease = 0;
      let released = false;
      let last: (OpenAI.Chat.ChatCompletionChunk & { fusion?: Block; usage?: Record<string, any> }) | null = null;
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content ?? '';
        if (delta !== '') {
          text += delta;
          assert.equal(chunk.model, 'gated-judge');
          // The judge holds back the end of its answer until the client has seen the start.
          if (!released) {
            deltasBeforeRelease++;
            released = true;
            releaseJudge();
          }
        }
        last = chunk;
      }
      assert.equal(deltasBeforeRelease, 1);
      assert.equal(text, 'one two three four five');
      assert.ok(last?.usage && last.usage.prompt_tokens > 0);
      assert.equal(last?.fusion?.mode, 'merge');
      assert.equal(last?.fusion?.members.length, 2);
    });

    it('sends the chosen best-of answer once the scores are in', async () => {
      const stream = stack.client.chat.completions.stream({ model: 'fusion', messages: question, fusion: { pool: ['alpha', 'beta'], judge: 'judge', mode: 'best-of' } } as never);
      const completion = await stream.finalChatCompletion();
      assert.equal(completion.choices[0].message.content, 'The capital of Australia is Canberra. quality:90');
      assert.equal(completion.model, 'judge');
    });

    it('shows members settling as SSE comments with `progress`, which the SDK skips', async () => {
      const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fusion', messages: question, stream: true, fusion: { pool: ['alpha', 'broken'], judge: 'judge', progress: true, min_responses: 1 } }),
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('x-modelmux-fusion-id') ?? '', /^fus_/);
      const raw = await response.text();
      const started = raw.indexOf(': fusion fus_');
      const answered = raw.indexOf(': member 1 alpha answered in');
      const dropped = raw.indexOf(': member 2 broken dropped: 500');
      const judging = raw.indexOf(': judge judge started');
      const firstWord = raw.indexOf('"content":"merged');
      assert.ok(started !== -1 && answered !== -1 && dropped !== -1 && judging !== -1 && firstWord !== -1, raw);
      assert.ok(started < answered && answered < judging && dropped < judging && judging < firstWord);
      assert.ok(raw.trimEnd().endsWith('data: [DONE]'));
      const stream = stack.client.chat.completions.stream({ model: 'fusion', messages: question, fusion: { pool: ['alpha', 'gamma'], judge: 'judge', progress: true } } as never);
      assert.equal((await stream.finalChatCompletion()).choices[0].message.content, 'merged answer from 2 answers');
    });

    it('ends a started progress stream with an error event when the quorum is not met', async () => {
      const stream = (await stack.client.chat.completions.create({ model: 'fusion', messages: question, stream: true, fusion: { pool: ['broken', 'silent'], judge: 'judge', progress: true } } as never)) as unknown as AsyncIterable<unknown>;
      await assert.rejects(async () => {
        for await (const _chunk of stream) {
          // Nothing but the error event comes.
        }
      }, /fusion quorum not met: 0 of 2 members answered/);
    });

    it('fails a stream with a proper status when the quorum is not met', async () => {
      await assert.rejects(
        stack.client.chat.completions.create({ model: 'fusion', messages: question, stream: true, fusion: { pool: ['broken', 'silent'], judge: 'judge' } } as never),
        (error: any) => error.status === 502 && /fusion quorum not met/.test(error.message),
      );
    });
  });
});
