// A translated answer looks like OpenAI's own: `resp_` ids, item ids of OpenAI's shapes, and the
// request's settings repeated in the response object, whole and in every streamed snapshot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsOf } from '../events.ts';
import type { ChatResponse, EncodeContext } from '../ir.ts';
import { decodeRequest, encodeRequest } from './request.ts';
import { encodeResponse } from './response.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} }, strict: false }];
const body = {
  model: 'gpt-5',
  instructions: 'Answer in French.',
  input: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Hello' }],
  temperature: 0.3,
  top_p: 0.9,
  max_output_tokens: 500,
  tools,
  tool_choice: 'required',
  parallel_tool_calls: false,
  metadata: { session: 'a' },
  text: { verbosity: 'low' },
};

/** An answer from a provider of another format: a Chat id, no item ids. */
const answer: ChatResponse = {
  id: 'chatcmpl-abc',
  model: 'claude-x',
  created: 7,
  content: [
    { type: 'reasoning', text: 'Thinking.' },
    { type: 'text', text: 'Bonjour.' },
    { type: 'tool-call', id: 'toolu_1', name: 'lookup', arguments: '{}' },
  ],
  finishReason: 'tool-calls',
  usage: { inputTokens: 5, outputTokens: 6, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
};

function context(): EncodeContext {
  return { model: 'gpt-5', includeUsage: true, request: decodeRequest(structuredClone(body)) };
}

/** The settings a client reads back, as the request stated them (instructions alone, not the developer message). */
const echoed = {
  instructions: 'Answer in French.',
  temperature: 0.3,
  top_p: 0.9,
  max_output_tokens: 500,
  tools,
  tool_choice: 'required',
  parallel_tool_calls: false,
  metadata: { session: 'a' },
  text: { format: { type: 'text' }, verbosity: 'low' },
};

function pick(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(echoed).map((key) => [key, object[key]]));
}

test('a translated answer has a resp_ id, OpenAI-shaped item ids, and repeats the request settings', () => {
  const response = encodeResponse(answer, context()) as { id: string; output: Array<Record<string, unknown>> } & Record<string, unknown>;
  assert.match(response.id, /^resp_[0-9a-f]{24}$/);
  assert.deepEqual(response.output.map((item) => String(item.id).replace(/_.*/, '_')), ['rs_', 'msg_', 'fc_']);
  assert.equal(response.output[2].call_id, 'toolu_1');
  assert.deepEqual(pick(response), echoed);
});

test('the defaults OpenAI states are given where the request named nothing', () => {
  const response = encodeResponse(answer, { model: 'm', includeUsage: true, request: decodeRequest({ model: 'm', input: 'hi' }) });
  assert.deepEqual(
    [response.instructions, response.temperature, response.top_p, response.tool_choice, response.tools, response.parallel_tool_calls, response.max_output_tokens, response.text],
    [null, 1, 1, 'auto', [], true, null, { format: { type: 'text' } }],
  );
});

test('an id OpenAI made is kept, and without the request the answer is as before', () => {
  assert.equal(encodeResponse({ ...answer, id: 'resp_0123' }, context()).id, 'resp_0123');
  const bare = encodeResponse(answer, { model: 'm', includeUsage: true });
  assert.deepEqual([bare.instructions, bare.temperature, bare.tools], [null, null, []]);
});

test('every streamed snapshot carries the resp_ id and the settings', () => {
  const encoder = new ResponsesStreamEncoder(context());
  const sse = eventsOf(answer).map((event) => encoder.push(event)).join('') + encoder.end();
  const snapshots = sse
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as { type: string; response?: Record<string, unknown> })
    .filter((event) => event.response !== undefined);
  assert.deepEqual(snapshots.map((event) => event.type), ['response.created', 'response.in_progress', 'response.completed']);
  const ids = new Set(snapshots.map((event) => event.response?.id));
  assert.equal(ids.size, 1);
  assert.match(String([...ids][0]), /^resp_/);
  for (const event of snapshots) assert.deepEqual(pick(event.response as Record<string, unknown>), echoed, event.type);
});

test('reasoning effort "max" and reasoning keys the IR has no place for are read, not refused', () => {
  const request = decodeRequest({ model: 'm', input: 'hi', reasoning: { effort: 'max', mode: 'pro', context: 'all_turns' } });
  assert.deepEqual(request.reasoning, { effort: 'xhigh' });
  assert.deepEqual(request.extra, { 'reasoning.effort': 'max', 'reasoning.mode': 'pro', 'reasoning.context': 'all_turns' });
  // An OpenAI provider gets them as they were sent.
  assert.deepEqual(encodeRequest(request, { upstreamModel: 'm', quirks: {} }).body.reasoning, { effort: 'max', mode: 'pro', context: 'all_turns' });
});
