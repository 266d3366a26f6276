// The relay, for a client that did not ask for usage: the finish chunk waits for the usage the
// gateway asked for and carries it; nothing else is held, reordered within a choice, or lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatStreamRelay } from './stream-relay.ts';

const chunk = (payload: object | string): string => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
const content = (text: string, index = 0) => ({ id: 'c', object: 'chat.completion.chunk', model: 'upstream', choices: [{ index, delta: { role: 'assistant', content: text }, finish_reason: null }], usage: null });
const finish = (index = 0) => ({ id: 'c', object: 'chat.completion.chunk', model: 'upstream', choices: [{ index, delta: {}, finish_reason: 'stop' }], usage: null });
const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };
const usageChunk = { id: 'c', object: 'chat.completion.chunk', model: 'upstream', choices: [], usage };
const done = chunk('[DONE]');
/** The first chunk, naming the role (a finish chunk that came first would be given one). */
const opening = chunk(content(''));

/** Each piece pushed in turn; what came out of each push, then of the flush. */
function pushes(relay: ChatStreamRelay, pieces: string[]): string[] {
  const outputs = pieces.map((piece) => relay.push(Buffer.from(piece))?.toString() ?? '');
  outputs.push(relay.flush()?.toString() ?? '');
  return outputs;
}

test('the finish chunk waits for the usage, then goes at once with it, priced', () => {
  const relay = new ChatStreamRelay(true);
  relay.priceUsage = () => 0.25;
  const outputs = pushes(relay, [chunk(content('Hi')) + chunk(finish()), chunk(usageChunk), done]);
  assert.deepEqual(outputs, [chunk(content('Hi')), chunk({ ...finish(), usage: { ...usage, cost: 0.25 } }), done, '']);
  assert.equal(relay.committed, true);
  assert.equal(relay.usage?.outputTokens, 3);
});

test('without usage from the provider the finish goes as it came: before [DONE], or at the end', () => {
  assert.equal(pushes(new ChatStreamRelay(true), [opening + chunk(finish()), done]).join(''), opening + chunk(finish()) + done);
  const noDone = new ChatStreamRelay(true);
  assert.deepEqual(pushes(noDone, [chunk(content('x')) + chunk(finish())]), [chunk(content('x')), chunk(finish())]);
  assert.equal(noDone.complete, true);
});

test('usage a provider sends with choices is the client\'s to see there: not moved, not repeated', () => {
  // Groq puts it on the finish chunk; OpenRouter used to send it on a choice chunk after the finish.
  const withFinish = { ...finish(), usage };
  assert.equal(pushes(new ChatStreamRelay(true), [opening + chunk(withFinish) + done]).join(''), opening + chunk(withFinish) + done);
  const after = { ...content(''), usage };
  assert.equal(pushes(new ChatStreamRelay(true), [opening + chunk(finish()), chunk(after) + done]).join(''), opening + chunk(finish()) + chunk(after) + done);
});

test('usage before the finish is still put on it', () => {
  assert.equal(pushes(new ChatStreamRelay(true), [opening + chunk(usageChunk), chunk(finish()) + done]).join(''), opening + chunk({ ...finish(), usage }) + done);
});

test('several choices: each finish goes, the last one carrying the usage', () => {
  const stream = [chunk(content('a', 0)) + chunk(content('b', 1)) + chunk(finish(0)), chunk(content('c', 1)) + chunk(finish(1)), chunk(usageChunk) + done];
  const output = pushes(new ChatStreamRelay(true, { choices: 2 }), stream).join('');
  assert.equal(output, chunk(content('a', 0)) + chunk(content('b', 1)) + chunk(content('c', 1)) + chunk(finish(0)) + chunk({ ...finish(1), usage }) + done);
});

test('the finish carrying the usage names the model the client asked for', () => {
  const output = pushes(new ChatStreamRelay(true, { model: 'sim/fast' }), [opening + chunk(finish()) + chunk(usageChunk) + done]).join('');
  assert.equal(output, chunk({ ...content(''), model: 'sim/fast' }) + chunk({ ...finish(), model: 'sim/fast', usage }) + done);
});

test('a malformed event after the finish lets the finish go before the stream stops', () => {
  const relay = new ChatStreamRelay(true);
  const out = relay.push(Buffer.from(chunk(content('ok')) + chunk(finish()) + 'data: {"choices":[\n\n'));
  assert.equal(out?.toString(), chunk(content('ok')) + chunk(finish()));
  assert.match(relay.malformed ?? '', /malformed/);
});

test('a client that asked keeps OpenAI\'s separate usage chunk, and its finish is not held', () => {
  const relay = new ChatStreamRelay(false);
  assert.deepEqual(pushes(relay, [opening + chunk(finish()), chunk(usageChunk), done]), [opening + chunk(finish()), chunk(usageChunk), done, '']);
});

for (const model of ['provider/a-much-longer-public-model-id', 'm']) {
  test(`a whole answer in one chunk, renamed to "${model}": the events before the finish go as they are, the finish carries the usage`, () => {
    // Every renamed event moves the finish along: where it is in what goes out is not where it was
    // in what came.
    const named = (payload: object) => ({ ...payload, model });
    const stream = chunk(content('')) + chunk(content('one')) + chunk(content(' two')) + chunk(finish()) + chunk(usageChunk) + done;
    const relay = new ChatStreamRelay(true, { model });
    const output = pushes(relay, [stream]).join('');
    assert.equal(output, chunk(named(content(''))) + chunk(named(content('one'))) + chunk(named(content(' two'))) + chunk({ ...named(finish()), usage }) + done);
    assert.equal(relay.committed, true);
  });
}

test('a finish held for the usage has not begun the answer: a stream that breaks then can still fail over', () => {
  const relay = new ChatStreamRelay(true);
  assert.equal(relay.push(Buffer.from(chunk({ ...finish(), choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: 'content_filter' }] }))), null);
  assert.equal(relay.committed, false);
  assert.match(relay.push(Buffer.from(chunk(usageChunk)))?.toString() ?? '', /"finish_reason":"content_filter".*"usage"/);
  assert.equal(relay.committed, true);
});

test('usage spaced before its colon, on an event the relay rewrites, is seen and not given to the finish again', () => {
  // The first event lacks its role (rewritten, which re-serializes its usage as "usage":{).
  const spaced = 'data: {"id":"c","object":"chat.completion.chunk","model":"upstream","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"usage" : {"prompt_tokens":7,"completion_tokens":1,"total_tokens":8}}\n\n';
  const output = pushes(new ChatStreamRelay(true), [spaced + chunk(finish()) + chunk(usageChunk) + done]).join('');
  assert.equal(output.match(/"usage":\{/g)?.length, 1, output);
});
