// Event-stream framing checked against the AWS SDK for JavaScript's own test vectors
// (aws-sdk-js-v3, packages/eventstream-marshaller/src/TestVectors.fixture.ts), then split at every
// byte, and corrupted in each place a checksum guards.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { EventStreamReader, encodeEventStreamMessage } from './event-stream.ts';

const fooBar = Uint8Array.from([123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125]);

const vectors = {
  emptyMessage: Uint8Array.from([0, 0, 0, 16, 0, 0, 0, 0, 5, 194, 72, 235, 125, 152, 200, 255]),
  int32Header: Uint8Array.from([0, 0, 0, 43, 0, 0, 0, 14, 52, 139, 236, 123, 8, 101, 118, 101, 110, 116, 45, 105, 100, 4, 0, 0, 160, 12, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 211, 137, 2, 133]),
  payloadNoHeaders: Uint8Array.from([0, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 195, 101, 57, 54]),
  payloadOneStringHeader: Uint8Array.from([0, 0, 0, 61, 0, 0, 0, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116, 121, 112, 101, 7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177]),
  corruptedHeaders: Uint8Array.from([0, 0, 0, 61, 0, 0, 0, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 43, 116, 121, 112, 101, 7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177]),
  corruptedHeaderLength: Uint8Array.from([0, 0, 0, 61, 0, 0, 1, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116, 121, 112, 101, 7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177]),
  corruptedLength: Uint8Array.from([1, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 195, 101, 57, 54]),
  corruptedPayload: Uint8Array.from([0, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 141, 195, 101, 57, 54]),
};

describe('EventStreamReader with the AWS SDK vectors', () => {
  test('an empty message', () => {
    const reader = new EventStreamReader();
    assert.deepEqual(reader.push(vectors.emptyMessage), [{ headers: {}, payload: new Uint8Array(0) }]);
    assert.equal(reader.end(), null);
  });

  test('a payload without headers', () => {
    assert.deepEqual(new EventStreamReader().push(vectors.payloadNoHeaders), [{ headers: {}, payload: fooBar }]);
  });

  test('a string header', () => {
    assert.deepEqual(new EventStreamReader().push(vectors.payloadOneStringHeader), [{ headers: { 'content-type': 'application/json' }, payload: fooBar }]);
  });

  test('an integer header is read by its own layout, not mistaken for a string', () => {
    assert.deepEqual(new EventStreamReader().push(vectors.int32Header), [{ headers: { 'event-id': 0xa00c }, payload: fooBar }]);
  });

  for (const name of ['corruptedHeaders', 'corruptedHeaderLength', 'corruptedLength', 'corruptedPayload'] as const) {
    test(`${name} is refused`, () => {
      const reader = new EventStreamReader();
      assert.deepEqual(reader.push(vectors[name]), []);
      assert.match(reader.failure ?? '', /checksum mismatch/);
      assert.deepEqual(reader.push(vectors.payloadNoHeaders), [], 'nothing is read after a corruption');
    });
  }
});

describe('encodeEventStreamMessage', () => {
  test('produces the AWS vectors byte for byte', () => {
    assert.deepEqual(new Uint8Array(encodeEventStreamMessage({}, new Uint8Array(0))), vectors.emptyMessage);
    assert.deepEqual(new Uint8Array(encodeEventStreamMessage({}, fooBar)), vectors.payloadNoHeaders);
    assert.deepEqual(new Uint8Array(encodeEventStreamMessage({ 'content-type': 'application/json' }, fooBar)), vectors.payloadOneStringHeader);
  });

  test('messages split at every byte boundary come back whole and in order', () => {
    const first = encodeEventStreamMessage({ ':message-type': 'event', ':event-type': 'contentBlockDelta' }, '{"delta":{"text":"héllo ✓"}}');
    const second = encodeEventStreamMessage({ ':message-type': 'event', ':event-type': 'messageStop' }, '{"stopReason":"end_turn"}');
    const stream = Buffer.concat([first, second, Buffer.from(vectors.int32Header)]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const reader = new EventStreamReader();
      const messages = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      assert.equal(reader.end(), null);
      assert.deepEqual(messages.map((message) => message.headers[':event-type'] ?? message.headers['event-id']), ['contentBlockDelta', 'messageStop', 0xa00c]);
      assert.equal(Buffer.from(messages[0].payload).toString('utf8'), '{"delta":{"text":"héllo ✓"}}');
    }
  });

  test('one byte at a time', () => {
    const stream = encodeEventStreamMessage({ a: 'b' }, 'payload');
    const reader = new EventStreamReader();
    const messages = [...stream].flatMap((byte) => reader.push(Uint8Array.of(byte)));
    assert.equal(messages.length, 1);
    assert.deepEqual(messages[0].headers, { a: 'b' });
  });
});

describe('EventStreamReader at the end of the stream', () => {
  test('a message cut short is reported', () => {
    const message = encodeEventStreamMessage({ ':event-type': 'messageStop' }, '{}');
    const reader = new EventStreamReader();
    assert.deepEqual(reader.push(message.subarray(0, message.length - 3)), []);
    assert.match(reader.end() ?? '', /ended inside a message/);
  });

  test('the messages before a corrupted one are still returned', () => {
    const good = encodeEventStreamMessage({ ':event-type': 'one' }, '{}');
    const bad = Buffer.from(encodeEventStreamMessage({ ':event-type': 'two' }, '{"x":1}'));
    bad[bad.length - 6] ^= 0xff;
    const reader = new EventStreamReader();
    const messages = reader.push(Buffer.concat([good, bad]));
    assert.deepEqual(messages.map((message) => message.headers[':event-type']), ['one']);
    assert.equal(reader.failure, 'event stream message checksum mismatch');
  });

  test('every header type is read and skipped by its size', () => {
    const typed = Buffer.concat([
      header('t', 0, Buffer.alloc(0)),
      header('f', 1, Buffer.alloc(0)),
      header('b', 2, Buffer.from([0xff])),
      header('s', 3, Buffer.from([0x01, 0x00])),
      header('l', 5, Buffer.from([0, 0, 0, 0, 0, 0, 0, 7])),
      header('a', 6, Buffer.from([0, 2, 9, 8])),
      header('d', 8, Buffer.from([0, 0, 0, 0, 0, 0, 0x03, 0xe8])),
      header('u', 9, Buffer.from('00112233445566778899aabbccddeeff', 'hex')),
      header('z', 7, Buffer.from([0, 2, 0x6f, 0x6b])),
    ]);
    const reader = new EventStreamReader();
    const [message] = reader.push(frame(typed, Buffer.from('{}')));
    assert.equal(reader.failure, null);
    assert.deepEqual(message.headers, {
      t: true,
      f: false,
      b: -1,
      s: 256,
      l: 7n,
      a: Uint8Array.of(9, 8),
      d: new Date(1000),
      u: '00112233-4455-6677-8899-aabbccddeeff',
      z: 'ok',
    });
  });
});

function header(name: string, type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([name.length]), Buffer.from(name), Buffer.from([type]), value]);
}

/** A frame around raw header bytes, with the lengths and checksums the format wants. */
function frame(headerBytes: Buffer, payload: Buffer): Buffer {
  const total = 16 + headerBytes.length + payload.length;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  Buffer.concat([headerBytes, payload]).copy(message, 12);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}
