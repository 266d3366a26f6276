import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { BatchedSink, createLogger } from './logger.ts';

function recording(options: { holdMs?: number; maxBytes?: number } = {}): { writes: string[]; sink: BatchedSink } {
  const writes: string[] = [];
  return { writes, sink: new BatchedSink({ write: (text: string) => writes.push(text) }, options) };
}

test('lines are held, then written together once the hold is over', async () => {
  const { writes, sink } = recording({ holdMs: 5 });
  const logger = createLogger('info', sink);
  logger.info('request', { n: 1 });
  await nextTurn();
  logger.info('request', { n: 2 });
  assert.equal(writes.length, 0);
  await delay(20);
  assert.equal(writes.length, 1);
  assert.deepEqual(writes[0].trimEnd().split('\n').map((line) => JSON.parse(line).n), [1, 2]);
  logger.info('request', { n: 3 });
  await delay(20);
  assert.equal(writes.length, 2, 'a later line is held, then written on its own');
  assert.equal(JSON.parse(writes[1]).n, 3);
});

test('lines are written at once when they reach maxBytes', () => {
  const { writes, sink } = recording({ holdMs: 60_000, maxBytes: 10 });
  sink.write('12345\n');
  assert.equal(writes.length, 0);
  sink.write('67890\n');
  assert.deepEqual(writes, ['12345\n67890\n']);
  sink.flush();
  assert.equal(writes.length, 1, 'nothing was left to write');
});

test('a warning is written at once, after the lines held before it', () => {
  const { writes, sink } = recording();
  const logger = createLogger('info', sink);
  logger.info('request', { n: 1 });
  logger.warn('provider failed', { n: 2 });
  assert.equal(writes.length, 1);
  assert.deepEqual(writes[0].trimEnd().split('\n').map((line) => JSON.parse(line).n), [1, 2]);
});

test('flush writes what is held, and nothing when nothing is', () => {
  const { writes, sink } = recording();
  sink.flush();
  assert.equal(writes.length, 0);
  sink.write('a\n');
  sink.flush();
  assert.deepEqual(writes, ['a\n']);
});

test('a line is one JSON object: the time, level and message first, then the fields as given', () => {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
  const before = Date.now();
  logger.info('request', { status: 200, path: '/v1/"x"\n', gone: undefined, model: null });
  logger.debug('no fields');
  logger.warn('empty', {});
  const [first, second, third] = lines.map((line) => {
    assert.ok(line.endsWith('}\n'));
    return JSON.parse(line);
  });
  assert.deepEqual(Object.keys(first), ['time', 'level', 'msg', 'status', 'path', 'model']);
  assert.deepEqual(first, { time: first.time, level: 'info', msg: 'request', status: 200, path: '/v1/"x"\n', model: null });
  assert.ok(Date.parse(first.time) >= before - 1 && Date.parse(first.time) <= Date.now());
  assert.deepEqual(second, { time: second.time, level: 'debug', msg: 'no fields' });
  assert.deepEqual(third, { time: third.time, level: 'warn', msg: 'empty' });
});
