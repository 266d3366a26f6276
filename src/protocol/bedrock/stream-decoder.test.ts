import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EncodeTarget, StreamEvent } from '../ir.ts';
import { bedrockConverseCodec } from './codec.ts';
import { encodeEventStreamMessage } from './event-stream.ts';

const target: EncodeTarget = { upstreamModel: 'anthropic.claude-3-7-sonnet-20250219-v1:0', quirks: {} };

function event(type: string, payload: unknown): Buffer {
  return encodeEventStreamMessage({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(payload));
}

function exception(type: string, message: string): Buffer {
  return encodeEventStreamMessage({ ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' }, JSON.stringify({ message }));
}

/** Every event but `start` (whose id and time vary). */
function decode(bytes: Buffer, chunkSize = bytes.length): { events: StreamEvent[]; decoder: ReturnType<typeof bedrockConverseCodec.createStreamDecoder> } {
  const decoder = bedrockConverseCodec.createStreamDecoder(target);
  const events: StreamEvent[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) events.push(...decoder.push(bytes.subarray(offset, offset + chunkSize)));
  events.push(...decoder.end());
  return { events, decoder };
}

const reasoningTextAndTool = Buffer.concat([
  event('messageStart', { role: 'assistant', p: 'abcd' }),
  event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Let me ' } }, p: 'abcdefgh' }),
  event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'think.' } } }),
  event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'EqQBCkgIARABGAIi' } } }),
  event('contentBlockStop', { contentBlockIndex: 0 }),
  event('contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'Checking' } }),
  event('contentBlockDelta', { contentBlockIndex: 1, delta: { text: ' now.' } }),
  event('contentBlockStop', { contentBlockIndex: 1 }),
  event('contentBlockStart', { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather' } } }),
  event('contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '{"city":' } } }),
  event('contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '"Paris"}' } } }),
  event('contentBlockStop', { contentBlockIndex: 2 }),
  event('messageStop', { stopReason: 'tool_use' }),
  event('metadata', { usage: { inputTokens: 10, outputTokens: 20, totalTokens: 130, cacheReadInputTokens: 100 }, metrics: { latencyMs: 400 } }),
]);

const expectedEvents: StreamEvent[] = [
  { type: 'reasoning-delta', text: 'Let me ' },
  { type: 'reasoning-delta', text: 'think.' },
  { type: 'reasoning-signature', signature: 'EqQBCkgIARABGAIi' },
  { type: 'reasoning-end' },
  { type: 'text-delta', text: 'Checking' },
  { type: 'text-delta', text: ' now.' },
  { type: 'text-end' },
  { type: 'tool-call-start', index: 0, id: 'tooluse_1', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, arguments: '{"city":' },
  { type: 'tool-call-delta', index: 0, arguments: '"Paris"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'usage', usage: { inputTokens: 110, outputTokens: 20, cachedInputTokens: 100, cacheWriteTokens: 0, reasoningTokens: 0 } },
  { type: 'finish', finishReason: 'tool-calls', stopSequence: null },
];

describe('the Converse stream decoder', () => {
  test('reasoning, text and a tool call, in whole and in 7-byte chunks', () => {
    for (const size of [reasoningTextAndTool.length, 7]) {
      const { events, decoder } = decode(reasoningTextAndTool, size);
      const [start, ...rest] = events;
      assert.equal(start.type, 'start');
      assert.ok(start.type === 'start' && /^msg_bdrk_/.test(start.id) && start.model === target.upstreamModel);
      assert.deepEqual(rest, expectedEvents);
      assert.equal(decoder.malformed, null);
      assert.equal(decoder.failure, null);
    }
  });

  test('finish waits for the metadata that follows messageStop, or for the end of the stream', () => {
    const decoder = bedrockConverseCodec.createStreamDecoder(target);
    decoder.push(event('messageStart', { role: 'assistant' }));
    decoder.push(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }));
    assert.deepEqual(decoder.push(event('messageStop', { stopReason: 'max_tokens' })), []);
    assert.deepEqual(decoder.end(), [{ type: 'text-end' }, { type: 'finish', finishReason: 'length', stopSequence: null }]);
  });

  test('redacted reasoning', () => {
    const { events } = decode(Buffer.concat([
      event('messageStart', { role: 'assistant' }),
      event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { redactedContent: 'b3BhcXVl' } } }),
      event('contentBlockStop', { contentBlockIndex: 0 }),
      event('messageStop', { stopReason: 'end_turn' }),
      event('metadata', { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } }),
    ]));
    assert.deepEqual(events.slice(1, 2), [{ type: 'redacted-reasoning', data: 'b3BhcXVl' }]);
    assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'stop', stopSequence: null });
  });

  test('exception frames become failures with the status of the exception', () => {
    const cases: Array<[string, number]> = [
      ['throttlingException', 429],
      ['serviceUnavailableException', 503],
      ['validationException', 400],
      ['internalServerException', 500],
      ['modelStreamErrorException', 502],
    ];
    for (const [type, status] of cases) {
      const { events, decoder } = decode(Buffer.concat([
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
        exception(type, `simulated ${type}`),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'ignored' } }),
      ]));
      assert.deepEqual(events.slice(1), [{ type: 'text-delta', text: 'Hi' }]);
      assert.equal(decoder.failure?.status, status);
      assert.equal(decoder.failure?.code, type);
      assert.equal(decoder.failure?.message, `simulated ${type}`);
      assert.equal(decoder.malformed, null);
    }
  });

  test('a corrupted frame or a stream cut inside a frame is malformed', () => {
    const corrupted = Buffer.from(reasoningTextAndTool);
    corrupted[60] ^= 0x01;
    assert.match(decode(corrupted).decoder.malformed ?? '', /checksum/);
    const cut = decode(reasoningTextAndTool.subarray(0, reasoningTextAndTool.length - 5));
    assert.match(cut.decoder.malformed ?? '', /ended inside a message/);
    assert.equal(cut.events.some((item) => item.type === 'finish'), false);
  });

  test('an event whose payload is not JSON is malformed', () => {
    const bytes = encodeEventStreamMessage({ ':event-type': 'contentBlockDelta', ':message-type': 'event' }, 'not json');
    assert.match(decode(bytes).decoder.malformed ?? '', /not a JSON object/);
  });
});
