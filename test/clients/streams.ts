// Readers for the two streams the agent CLIs consume, Anthropic Messages and OpenAI Responses, that
// fail on anything a strict client would choke on: events out of order, a delta for a block that is
// not open, arguments that do not add up, a stream that ends without its final event.
import assert from 'node:assert/strict';

export interface Reading {
  text: string;
  toolCalls: Array<{ name: string; input: unknown }>;
  inputTokens: number;
  outputTokens: number;
}

interface Event {
  name: string | undefined;
  data: any;
}

export function sseEvents(body: string): Event[] {
  return body.split(/\r?\n\r?\n/).filter((block) => block.trim() !== '').map((block) => {
    const lines = block.split(/\r?\n/);
    const name = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
    return { name, data: JSON.parse(data) };
  });
}

/** An Anthropic Messages stream, checked event by event as the SDK's MessageStream reads it. */
export function readAnthropicStream(body: string): Reading {
  const events = sseEvents(body);
  const reading: Reading = { text: '', toolCalls: [], inputTokens: 0, outputTokens: 0 };
  assert.equal(events[0]?.data.type, 'message_start', 'the stream opens with message_start');
  const message = events[0].data.message;
  assert.equal(message.role, 'assistant');
  assert.equal(typeof message.id, 'string');
  reading.inputTokens = message.usage.input_tokens;
  const blocks: Array<{ type: string; name?: string; json: string; open: boolean }> = [];
  let stopReason: string | null = null;
  for (const { name, data } of events.slice(1)) {
    assert.equal(name, data.type, 'each event is named after its type');
    assert.notEqual(data.type, 'error', JSON.stringify(data));
    if (data.type === 'content_block_start') {
      assert.equal(data.index, blocks.length, 'blocks start in order');
      blocks.push({ type: data.content_block.type, name: data.content_block.name, json: '', open: true });
      if (data.content_block.type === 'text') reading.text += data.content_block.text;
    } else if (data.type === 'content_block_delta') {
      const block = blocks[data.index];
      assert.ok(block?.open, `a delta for open block ${data.index}`);
      if (data.delta.type === 'text_delta') reading.text += data.delta.text;
      else if (data.delta.type === 'input_json_delta') block.json += data.delta.partial_json;
      const expected = { text_delta: 'text', input_json_delta: 'tool_use', thinking_delta: 'thinking', signature_delta: 'thinking' }[data.delta.type as string];
      assert.equal(block.type, expected, `${data.delta.type} in a ${block.type} block`);
    } else if (data.type === 'content_block_stop') {
      const block = blocks[data.index];
      assert.ok(block?.open, `block ${data.index} stops once`);
      block.open = false;
      if (block.type === 'tool_use') reading.toolCalls.push({ name: block.name ?? '', input: JSON.parse(block.json || '{}') });
    } else if (data.type === 'message_delta') {
      stopReason = data.delta.stop_reason;
      reading.outputTokens = data.usage.output_tokens;
      if (typeof data.usage.input_tokens === 'number') reading.inputTokens = data.usage.input_tokens;
    } else {
      assert.ok(['ping', 'message_stop'].includes(data.type), `unexpected event ${data.type}`);
    }
  }
  assert.equal(events.at(-1)?.data.type, 'message_stop', 'the stream ends with message_stop');
  assert.ok(blocks.every((block) => !block.open), 'every block was stopped');
  assert.equal(stopReason, reading.toolCalls.length > 0 ? 'tool_use' : 'end_turn');
  return reading;
}

/** An OpenAI Responses stream, checked as Codex reads it: typed events in sequence, items added
 * then done, deltas that add up to the done values, and a final response.completed with usage. */
export function readResponsesStream(body: string): Reading {
  const events = sseEvents(body);
  const reading: Reading = { text: '', toolCalls: [], inputTokens: 0, outputTokens: 0 };
  assert.equal(events[0]?.data.type, 'response.created', 'the stream opens with response.created');
  const items = new Map<number, { type: string; text: string; arguments: string; done: boolean }>();
  let sequence = -1;
  for (const { name, data } of events) {
    assert.equal(name, data.type, 'each event is named after its type');
    assert.ok(data.sequence_number > sequence, `sequence numbers increase (${data.type})`);
    sequence = data.sequence_number;
    assert.ok(!['error', 'response.failed'].includes(data.type), JSON.stringify(data));
    const item = items.get(data.output_index);
    if (data.type === 'response.output_item.added') {
      assert.equal(item, undefined, `item ${data.output_index} is added once`);
      items.set(data.output_index, { type: data.item.type, text: '', arguments: '', done: false });
    } else if (data.type === 'response.output_text.delta') {
      assert.ok(item && !item.done && item.type === 'message', 'text deltas belong to an open message');
      item.text += data.delta;
    } else if (data.type === 'response.output_text.done') {
      assert.equal(data.text, item?.text, 'the text deltas add up to the done text');
    } else if (data.type === 'response.function_call_arguments.delta') {
      assert.ok(item && !item.done && item.type === 'function_call', 'argument deltas belong to an open function call');
      item.arguments += data.delta;
    } else if (data.type === 'response.custom_tool_call_input.delta') {
      assert.ok(item && !item.done && item.type === 'custom_tool_call', 'input deltas belong to an open custom tool call');
      item.arguments += data.delta;
    } else if (data.type === 'response.custom_tool_call_input.done') {
      assert.equal(data.input, item?.arguments, 'the input deltas add up to the done input');
    } else if (data.type === 'response.output_item.done') {
      assert.ok(item && !item.done, `item ${data.output_index} was added and is done once`);
      item.done = true;
      if (data.item.type === 'message') reading.text += data.item.content.map((part: any) => part.text ?? '').join('');
      if (data.item.type === 'function_call') {
        if (item.arguments !== '') assert.equal(data.item.arguments, item.arguments, 'the argument deltas add up to the arguments');
        reading.toolCalls.push({ name: data.item.name, input: JSON.parse(data.item.arguments) });
      }
      if (data.item.type === 'custom_tool_call') {
        assert.equal(data.item.input, item.arguments, 'the input deltas add up to the input');
        reading.toolCalls.push({ name: data.item.name, input: data.item.input });
      }
    }
  }
  const last = events.at(-1)?.data;
  assert.equal(last?.type, 'response.completed', 'the stream ends with response.completed');
  assert.ok([...items.values()].every((item) => item.done), 'every item was done');
  assert.equal(last.response.output.length, items.size, 'the completed response holds every item');
  reading.inputTokens = last.response.usage.input_tokens;
  reading.outputTokens = last.response.usage.output_tokens;
  return reading;
}
