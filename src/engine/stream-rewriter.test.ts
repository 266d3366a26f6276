import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Usage } from '../protocol/ir.ts';
import { createStreamRewriter } from './stream-rewriter.ts';

const anthropicStream = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","usage":{"input_tokens":100,"cache_read_input_tokens":50,"output_tokens":1}}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo — ünïcode"}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":20}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
].join('');

test('every event passes through unchanged but the final usage, which gains the cost, however the bytes are split', () => {
  const bytes = Buffer.from(anthropicStream);
  for (const size of [1, 2, 3, 7, 64, bytes.length]) {
    const seen: number[] = [];
    const price = (usage: Usage): number => {
      seen.push(usage.inputTokens, usage.cachedInputTokens, usage.outputTokens);
      return 0.0123;
    };
    const injector = createStreamRewriter('anthropic', { model: null, price });
    let out = '';
    for (let offset = 0; offset < bytes.length; offset += size) out += injector.push(bytes.subarray(offset, offset + size));
    out += injector.flush();
    assert.equal(out, anthropicStream.replace('"usage":{"output_tokens":20}', '"usage":{"output_tokens":20,"cost":0.0123}'), `split every ${size} bytes`);
    assert.deepEqual(seen, [150, 50, 20], 'input from message_start, output from message_delta');
  }
});

test('Responses: response.completed gains usage.cost; CRLF framing is kept', () => {
  const stream =
    'event: response.output_text.delta\r\ndata: {"type":"response.output_text.delta","delta":"hi"}\r\n\r\n' +
    'event: response.completed\r\ndata: {"type":"response.completed","response":{"id":"resp_1","usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}}\r\n\r\n';
  const bytes = Buffer.from(stream);
  for (const size of [1, 2, 3, 5, bytes.length]) {
    const injector = createStreamRewriter('openai-responses', { model: null, price: (usage) => usage.inputTokens + usage.outputTokens });
    const pieces: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; offset += size) pieces.push(injector.push(bytes.subarray(offset, offset + size)));
    pieces.push(injector.flush());
    assert.equal(Buffer.concat(pieces).toString(), stream.replace('"total_tokens":15}', '"total_tokens":15,"cost":15}'), `split every ${size} bytes`);
  }
});

test('the model is named as the client asked in the events that carry the answer\'s, and nowhere else, however the bytes are split', () => {
  const responses =
    'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1","instructions":"say \\"model\\":\\"x\\"","model":"gpt-4o-2024-08-06","output":[],"metadata":{"model":"mine"}}}\n\n' +
    'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"\\"model\\": \\"y\\""}\n\n' +
    'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_1","model":"gpt-4o-2024-08-06","usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2}}}\n\n';
  const expected = responses.replaceAll('"model":"gpt-4o-2024-08-06"', '"model":"openai/gpt-4o"');
  const bytes = Buffer.from(responses);
  for (const size of [1, 5, 64, bytes.length]) {
    const rewriter = createStreamRewriter('openai-responses', { model: 'openai/gpt-4o', price: null });
    let out = '';
    for (let offset = 0; offset < bytes.length; offset += size) out += rewriter.push(bytes.subarray(offset, offset + size));
    assert.equal(out + rewriter.flush(), expected, `split every ${size} bytes`);
  }
  const renamed = createStreamRewriter('anthropic', { model: 'claude-haiku-4-5', price: null });
  const out = Buffer.concat([renamed.push(Buffer.from(anthropicStream)), renamed.flush()]).toString();
  assert.equal(out, anthropicStream.replace('"model":"claude"', '"model":"claude-haiku-4-5"'));
});
