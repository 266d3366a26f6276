import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ChatStreamRelay } from './stream-relay.ts';

const chunk = (payload: object | string): string => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
// Every delta names its role, as Perplexity's do: these streams need no repair.
const content = (text: string) => ({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }], usage: null });
const finish = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null };
const usageChunk = { id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, prompt_tokens_details: { cached_tokens: 2 } } };

function relayAll(relay: ChatStreamRelay, pieces: (string | Buffer)[]): string {
  let output = '';
  for (const piece of pieces) {
    const out = relay.push(Buffer.isBuffer(piece) ? piece : Buffer.from(piece));
    if (out) output += out.toString();
    if (relay.malformed) break;
  }
  const rest = relay.malformed ? null : relay.flush();
  if (rest) output += rest.toString();
  return output;
}

test('complete events pass through byte for byte, the same buffer when nothing changes', () => {
  const relay = new ChatStreamRelay(false);
  const input = Buffer.from(chunk(content('Hi')) + chunk(content(' there')));
  assert.equal(relay.push(input), input);
});

test('the usage chunk is read; a client that did not ask gets the usage on the finish chunk instead', () => {
  const stream = chunk(content('Hi')) + chunk(finish) + chunk(usageChunk) + chunk('[DONE]');
  const moved = new ChatStreamRelay(true);
  const output = relayAll(moved, [stream]);
  assert.equal(output, chunk(content('Hi')) + chunk({ ...finish, usage: usageChunk.usage }) + chunk('[DONE]'));
  assert.deepEqual(moved.usage, { inputTokens: 7, outputTokens: 3, cachedInputTokens: 2, cacheWriteTokens: 0, reasoningTokens: 0 });
  assert.equal(moved.complete, true);

  const kept = new ChatStreamRelay(false);
  assert.equal(relayAll(kept, [stream]), stream);
  assert.equal(kept.usage?.outputTokens, 3);
});

test('events split across chunks at every byte position come out whole and in order', () => {
  const stream = chunk(content('a "quoted" \\u00e9')) + chunk(finish) + chunk(usageChunk) + chunk('[DONE]');
  const expected = chunk(content('a "quoted" \\u00e9')) + chunk({ ...finish, usage: usageChunk.usage }) + chunk('[DONE]');
  const bytes = Buffer.from(stream);
  for (let cut = 1; cut < bytes.length; cut++) {
    const relay = new ChatStreamRelay(true);
    assert.equal(relayAll(relay, [bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at ${cut}`);
    assert.equal(relay.usage?.inputTokens, 7);
  }
});

test('CRLF framing and comment lines are understood', () => {
  const stream = ': keep-alive\r\n\r\n' + `data: ${JSON.stringify(content('x'))}\r\n\r\n` + `data: ${JSON.stringify(usageChunk)}\r\n\r\n` + 'data: [DONE]\r\n\r\n';
  const relay = new ChatStreamRelay(true);
  const output = relayAll(relay, [stream]);
  assert.equal(output, ': keep-alive\r\n\r\n' + `data: ${JSON.stringify(content('x'))}\r\n\r\n` + 'data: [DONE]\r\n\r\n');
  assert.equal(relay.sawDone, true);
});

test('a truncated event is caught as malformed, and what came before it is still relayed', () => {
  const relay = new ChatStreamRelay(true);
  const output = relayAll(relay, [chunk(content('ok')) + 'data: {"id":"c","choices":[{"delta":{"content":"hel\n\n' + chunk(finish)]);
  assert.equal(output, chunk(content('ok')));
  assert.match(relay.malformed ?? '', /malformed/);
});

test('a stream that stops without finish_reason or [DONE] is not complete; one with finish_reason is', () => {
  const cut = new ChatStreamRelay(true);
  relayAll(cut, [chunk(content('partial'))]);
  assert.equal(cut.complete, false);
  const noDone = new ChatStreamRelay(true);
  relayAll(noDone, [chunk(content('x')) + chunk(finish)]);
  assert.equal(noDone.complete, true);
  assert.equal(noDone.sawDone, false);
});

test('with several choices the stream is complete once each has finished, or at the usage chunk or [DONE]', () => {
  const finishOf = (index: number) => ({ ...finish, choices: [{ index, delta: {}, finish_reason: 'stop' }] });
  const two = new ChatStreamRelay(true, { choices: 2 });
  relayAll(two, [chunk(content('a')) + chunk(finishOf(0)) + chunk(finishOf(0))]);
  assert.equal(two.complete, false, 'one choice finished (twice) of two');
  relayAll(two, [chunk(finishOf(1))]);
  assert.equal(two.complete, true);
  const ignoredN = new ChatStreamRelay(true, { choices: 2 });
  relayAll(ignoredN, [chunk(content('a')) + chunk(finishOf(0))]);
  assert.equal(ignoredN.complete, false);
  relayAll(ignoredN, [chunk(usageChunk)]);
  assert.equal(ignoredN.complete, true);
});

test('an unterminated final event is flushed at the end', () => {
  const relay = new ChatStreamRelay(false);
  assert.equal(relayAll(relay, [chunk(content('')) + chunk(finish) + 'data: [DONE]']), chunk(content('')) + chunk(finish) + 'data: [DONE]\n\n');
  assert.equal(relay.sawDone, true);
});

test('recorded provider streams relay unchanged and yield their usage', () => {
  const root = new URL('../../../test/fixtures/recorded/', import.meta.url);
  for (const name of ['openai-chat/openai-text', 'groq/groq-text', 'deepseek/deepseek-reasoning', 'xai/xai-tool-call', 'perplexity/perplexity-text']) {
    const lines = readFileSync(new URL(`${name}.chunks.txt`, root), 'utf8').split('\n').filter((line) => line.trim() !== '');
    const stream = lines.map((line) => `data: ${line}\n\n`).join('') + 'data: [DONE]\n\n';
    const relay = new ChatStreamRelay(false);
    assert.equal(relayAll(relay, [stream]), stream, name);
    assert.equal(relay.malformed, null, name);
    assert.ok(relay.usage === null || relay.usage.outputTokens > 0, name);
    assert.equal(relay.complete, true, name);
  }
});

test("Mistral's tool-call deltas, which have no index, are given one (and type) so clients can assemble them", () => {
  const root = new URL('../../../test/fixtures/recorded/', import.meta.url);
  const lines = readFileSync(new URL('mistral/mistral-tool-call.chunks.txt', root), 'utf8').split('\n').filter((line) => line.trim() !== '');
  const relay = new ChatStreamRelay(false);
  const out = relayAll(relay, [lines.map((line) => `data: ${line}\n\n`).join('')]);
  const events = out.split('\n\n').filter((event) => event.startsWith('data: {')).map((event) => JSON.parse(event.slice(6)));
  const calls = events.flatMap((event) => event.choices?.[0]?.delta?.tool_calls ?? []);
  assert.deepEqual(calls.map((call: { index: number; type: string; id: string }) => [call.index, call.type, call.id]), [[0, 'function', 'gSIMJiOkT']]);
  assert.equal(events.length, lines.length, 'every event is still there');
  assert.ok(relay.usage && relay.usage.inputTokens === 124);
  assert.equal(relay.complete, true);
});

test('"data: [DONE]" inside a delta is content, not the end of the stream', () => {
  const relay = new ChatStreamRelay(false);
  relayAll(relay, [chunk(content('data: [DONE]')) + chunk(content('more'))]);
  assert.equal(relay.sawDone, false);
  assert.equal(relay.complete, false);
});

test('an event arriving a few bytes at a time, boundary split too, comes out whole once', () => {
  const big = chunk(content('z'.repeat(200_000)));
  const stream = Buffer.from(big + chunk(finish) + chunk('[DONE]'));
  const relay = new ChatStreamRelay(false);
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += 7) pieces.push(stream.subarray(offset, offset + 7));
  let outputs = 0;
  let output = '';
  for (const piece of pieces) {
    const out = relay.push(piece);
    if (out) {
      outputs++;
      output += out.toString();
    }
  }
  assert.equal(output, stream.toString());
  assert.ok(outputs >= 3, 'each event goes out as soon as it is complete');
  assert.equal(relay.sawDone, true);
});

test('a first delta without role is given one; every later event passes as it came', () => {
  const bare = (text: string) => ({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
  const relay = new ChatStreamRelay(false);
  const first = relay.push(Buffer.from(chunk(bare('Hel'))));
  assert.deepEqual(JSON.parse(first!.toString().slice(6)).choices[0].delta, { role: 'assistant', content: 'Hel' });
  const later = Buffer.from(chunk(bare('lo')) + chunk(finish));
  assert.equal(relay.push(later), later);
});

test('content as typed parts becomes text, and its thinking reasoning_content; usage on the same event is still priced', () => {
  const parts = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Hmm.' }] }, { type: 'text', text: 'Yes' }] }, finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } };
  const relay = new ChatStreamRelay(false);
  relay.priceUsage = () => 0.5;
  const event = JSON.parse(relayAll(relay, [chunk(parts)]).slice(6));
  assert.deepEqual(event.choices[0].delta, { role: 'assistant', content: 'Yes', reasoning_content: 'Hmm.' });
  assert.equal(event.usage.cost, 0.5);
  assert.equal(relay.committed, true);
});

test('the usage chunk is priced in place: its bytes as they came, the cost first in its usage, the model renamed', () => {
  const usage = '{"id":"c","model":"upstream","choices":[],"usage": {"prompt_tokens":7, "completion_tokens":3,"total_tokens":10}}';
  const empty = '{"id":"c","choices":[],"usage":{ },"model":"upstream"}';
  const expected = [
    'data: {"id":"c","model":"sim/fast","choices":[],"usage": {"cost":0.5,"prompt_tokens":7, "completion_tokens":3,"total_tokens":10}}\n\n',
    'data: {"id":"c","choices":[],"usage":{"cost":0.5 },"model":"sim/fast"}\n\n',
  ];
  for (const [index, event] of [usage, empty].entries()) {
    const relay = new ChatStreamRelay(false, { model: 'sim/fast' });
    relay.priceUsage = () => 0.5;
    assert.equal(relayAll(relay, [chunk(event)]), expected[index]);
  }
  const relay = new ChatStreamRelay(false, { model: 'sim/fast' });
  relay.priceUsage = () => 0.5;
  relayAll(relay, [chunk(usage)]);
  assert.deepEqual(relay.usage, { inputTokens: 7, outputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
  assert.equal(relay.complete, false);
});

test('a usage event whose bytes could mislead a splice is re-serialized: data on two lines, a spaced model key, an escaped key', () => {
  const events = [
    'data: {"id":"c","model":"upstream","choices":[],"usage":{\ndata: }}\n\n',
    'data: {"id":"c","model" :"upstream","choices":[],"usage":{"prompt_tokens":1}}\n\n',
    'data: {"id":"c","model":"upstream","choices":[],"\\u0075sage":{"prompt_tokens":5},"x_groq":{"usage":{"prompt_tokens":9}}}\n\n',
  ];
  for (const event of events) {
    const relay = new ChatStreamRelay(false, { model: 'sim/fast' });
    relay.priceUsage = () => 0.5;
    const out = JSON.parse(relayAll(relay, [event]).slice(6));
    assert.equal(out.model, 'sim/fast', event);
    assert.equal(out.usage.cost, 0.5, event);
    assert.equal(out.x_groq?.usage.cost, undefined, event);
  }
});

test('each event names the model the client asked for, however the events are split', () => {
  const named = (model: string) => ({ ...content('Hi'), model });
  const stream = chunk(named('upstream')) + chunk({ ...finish, model: 'upstream' }) + chunk('[DONE]');
  const expected = chunk(named('sim/fast')) + chunk({ ...finish, model: 'sim/fast' }) + chunk('[DONE]');
  const bytes = Buffer.from(stream);
  for (let cut = 1; cut < bytes.length; cut++) {
    const relay = new ChatStreamRelay(false, { model: 'sim/fast' });
    assert.equal(relayAll(relay, [bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at ${cut}`);
  }
});

test('bytes outside ASCII are searched as they came and relayed unchanged, split anywhere, the model renamed', () => {
  // Searched as latin1 text (a character per byte): a multi-byte character cut between chunks, and
  // a name outside ASCII, must come out as the same UTF-8 bytes.
  const event = (model: string, text: string) => chunk({ id: 'c', model, choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }] });
  const usage = chunk({ id: 'c', model: 'up', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
  const input = Buffer.from(event('up', 'héllo 日本語 🙂') + chunk({ ...finish, model: 'up', content: 'ß' }) + usage + chunk('[DONE]'));
  const pieces = [input.subarray(0, 60), input.subarray(60, 61), input.subarray(61, 62), input.subarray(62)];
  const relay = new ChatStreamRelay(false, { model: 'modèle/日本' });
  const output = relayAll(relay, pieces);
  assert.equal(output, Buffer.from(input.toString().replaceAll('"model":"up"', '"model":"modèle/日本"')).toString());
  assert.equal(relay.usage?.outputTokens, 2);
  assert.equal(relay.complete, true);
  // Already the public name: left as it came.
  const named = new ChatStreamRelay(false, { model: 'modèle/日本' });
  const same = Buffer.from(event('modèle/日本', 'ü'));
  assert.equal(named.push(same), same);
});

test('a provider or public model named "tool_calls" does not commit a stream that has not begun', () => {
  const opening = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null };
  for (const [upstream, asked] of [['tool_calls', 'sim/fast'], ['upstream', 'tool_calls']]) {
    const relay = new ChatStreamRelay(false, { model: asked });
    const out = relay.push(Buffer.from(chunk({ ...opening, model: upstream })));
    assert.equal(JSON.parse(out!.toString().slice(6)).model, asked);
    assert.equal(relay.committed, false, `${upstream} -> ${asked}`);
    relay.push(Buffer.from(chunk({ ...content('Hi'), model: upstream })));
    assert.equal(relay.committed, true);
  }
});
