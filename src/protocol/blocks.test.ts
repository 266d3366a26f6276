import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockSequencer } from './blocks.ts';
import type { Block } from './blocks.ts';
import type { StreamEvent } from './ir.ts';

function run(events: StreamEvent[]): string[] {
  const log: string[] = [];
  const name = (block: Block): string => (block.kind === 'tool-call' ? `tool${block.index}` : block.kind);
  const sequencer = new BlockSequencer({
    open: (block) => log.push(`open ${name(block)}`),
    delta: (block, text) => log.push(`delta ${name(block)} ${text}`),
    close: (block, whole, signature) => log.push(`close ${name(block)} ${whole}${signature ? ` sig=${signature}` : ''}`),
  });
  for (const event of events) sequencer.push(event);
  sequencer.finish();
  return log;
}

test('sequential parts stream live and close when the next begins', () => {
  assert.deepEqual(
    run([
      { type: 'reasoning-delta', text: 'think' },
      { type: 'reasoning-signature', signature: 'S' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'tool-call-start', index: 0, id: 'a', name: 'f' },
      { type: 'tool-call-delta', index: 0, arguments: '{"x":1}' },
      { type: 'tool-call-start', index: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', index: 1, arguments: '{}' },
    ]),
    ['open reasoning', 'delta reasoning think', 'close reasoning think sig=S', 'open text', 'delta text Hi', 'close text Hi', 'open tool0', 'delta tool0 {"x":1}', 'close tool0 {"x":1}', 'open tool1', 'delta tool1 {}', 'close tool1 {}'],
  );
});

test('interleaved tool calls come out one after the other, nothing lost', () => {
  assert.deepEqual(
    run([
      { type: 'tool-call-start', index: 0, id: 'a', name: 'f' },
      { type: 'tool-call-delta', index: 0, arguments: '{"x":' },
      { type: 'tool-call-start', index: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', index: 1, arguments: '{"y":' },
      { type: 'tool-call-delta', index: 0, arguments: '1}' },
      { type: 'tool-call-delta', index: 1, arguments: '2}' },
    ]),
    ['open tool0', 'delta tool0 {"x":', 'delta tool0 1}', 'close tool0 {"x":1}', 'open tool1', 'delta tool1 {"y":', 'delta tool1 2}', 'close tool1 {"y":2}'],
  );
});

test('a tool call with no arguments holds the next until the end, then both close in order', () => {
  assert.deepEqual(
    run([
      { type: 'tool-call-start', index: 0, id: 'a', name: 'f' },
      { type: 'tool-call-start', index: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', index: 1, arguments: '{}' },
      { type: 'tool-call-end', index: 1 },
      { type: 'redacted-reasoning', data: 'R' },
    ]),
    ['open tool0', 'close tool0 ', 'open tool1', 'delta tool1 {}', 'close tool1 {}', 'open redacted-reasoning', 'close redacted-reasoning '],
  );
});
