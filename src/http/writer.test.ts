import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { AnswerSink, AnswerStream, StreamedAnswer } from '../engine/answer.ts';
import { upstreamFailed } from '../errors/gateway-error.ts';
import type { RequestContext } from './context.ts';
import { writeAnswer } from './writer.ts';

/** A response that records what is written, and a context whose `finish` throws `faults` times. */
function fakes(faults: number, cancelThrows = false) {
  const response = Object.assign(new EventEmitter(), {
    destroyed: false,
    writableEnded: false,
    writableFinished: false,
    written: [] as string[],
    writeHead: () => response,
    write: (bytes: unknown) => response.written.push(String(bytes)) > 0,
    end: (bytes?: unknown) => {
      if (bytes !== undefined) response.written.push(String(bytes));
      response.writableEnded = response.writableFinished = true;
    },
    destroy: () => {
      response.destroyed = true;
      response.emit('close');
    },
  });
  let left = faults;
  const finish = (last?: Buffer | string): void => {
    if (left-- > 0) throw new Error('the response could not end');
    response.end(last);
  };
  const controller = new AbortController();
  const context = { response, controller, finish, extraHeaders: {}, startedAt: process.hrtime.bigint(), streamUnreadMs: 1_000, error: null, usage: null } as unknown as RequestContext;
  let sink: AnswerSink | null = null;
  const stream = { usage: null, streamed: { events: 0, characters: 0 }, start: (given: AnswerSink) => (sink = given), pause() {}, resume() {}, cancel() {
    if (cancelThrows) throw new Error('cancel failed');
  } } as unknown as AnswerStream;
  const answer: StreamedAnswer = { kind: 'stream', metadata: { headers: {}, bytesFormat: 'openai-chat', model: 'm' } as StreamedAnswer['metadata'], stream };
  return { response, context, answer, sink: () => sink! };
}

const delivery = { format: 'openai-chat' as const, includeUsage: false };

test('a fault while a failed stream ends is tried once more, and the writer lets go of the response', async () => {
  const { response, context, answer, sink } = fakes(1);
  const written = writeAnswer(context, answer, delivery);
  sink().piece(Buffer.from('data: {}\n\n'), [], false);
  sink().fail(upstreamFailed('the provider broke off', 'upstream_stream_incomplete'), false);
  await written;
  assert.equal(response.writableEnded, true);
  assert.equal(response.destroyed, false);
  assert.deepEqual([response.listenerCount('drain'), response.listenerCount('close')], [0, 0]);
});

test('a second fault cuts the connection, and its close is not handled again', async () => {
  const { response, context, answer, sink } = fakes(2, true);
  const written = writeAnswer(context, answer, delivery);
  sink().fail(upstreamFailed('the provider broke off', 'upstream_stream_incomplete'), false);
  await written;
  assert.equal(response.destroyed, true);
  assert.deepEqual([response.listenerCount('drain'), response.listenerCount('close')], [0, 0]);
});
