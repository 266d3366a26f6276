// The `application/vnd.amazon.eventstream` framing AWS streams its answers in (Bedrock
// ConverseStream among them): binary messages, each a prelude (total length, headers length, CRC32
// of those 8 bytes), typed headers, a payload and a CRC32 of everything before it. Both checksums
// are verified: a stream whose bytes were mangled must stop, never be read as something else.
// Spec: smithy `amazon-eventstream` (smithy-lang/smithy, docs/source-2.0/aws/amazon-eventstream.rst).
import { crc32 } from 'node:zlib';

export type EventStreamHeaderValue = string | number | boolean | bigint | Uint8Array | Date;

export interface EventStreamMessage {
  headers: Record<string, EventStreamHeaderValue>;
  payload: Uint8Array;
}

/** Reads messages out of arbitrary chunks of an event stream. */
export class EventStreamReader {
  /** Why the bytes cannot be read; once set, nothing more is decoded. */
  failure: string | null = null;
  /** Applied to each payload, once its message's checksums are verified (see StreamDecoderOptions). */
  private readonly payloads: ((payload: Buffer) => Buffer) | null;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: Buffer[] = [];
  private waitingLength = 0;
  /** Bytes the buffer must hold before the next message can be read (0: unknown). */
  private needed = 0;

  constructor(payloads?: (payload: Buffer) => Buffer) {
    this.payloads = payloads ?? null;
  }

  /** The messages completed by this chunk, in order; those before a corruption are still returned. */
  push(chunk: Uint8Array): EventStreamMessage[] {
    if (this.failure !== null) return [];
    const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // A large message arrives in many chunks: join them only once enough bytes are there, so the
    // cost stays linear in the message size.
    this.waiting.push(incoming);
    this.waitingLength += incoming.length;
    const have = this.buffered.length + this.waitingLength;
    if (this.needed > have) return [];
    this.buffered = this.buffered.length === 0 && this.waiting.length === 1 ? incoming : Buffer.concat([this.buffered, ...this.waiting], have);
    this.waiting = [];
    this.waitingLength = 0;
    this.needed = 0;
    const messages: EventStreamMessage[] = [];
    let offset = 0;
    while (this.buffered.length - offset >= preludeLength) {
      const totalLength = this.buffered.readUInt32BE(offset);
      const headersLength = this.buffered.readUInt32BE(offset + 4);
      const preludeChecksum = this.buffered.readUInt32BE(offset + 8);
      // The prelude is checked before its lengths are trusted: a corrupted length must not make the
      // reader wait for gigabytes that will never come.
      if (crc32(this.buffered.subarray(offset, offset + 8)) !== preludeChecksum) {
        this.failure = 'event stream prelude checksum mismatch';
        break;
      }
      if (totalLength < overheadLength || headersLength > totalLength - overheadLength) {
        this.failure = `event stream message lengths are inconsistent (total ${totalLength}, headers ${headersLength})`;
        break;
      }
      if (this.buffered.length - offset < totalLength) {
        this.needed = totalLength;
        break;
      }
      const message = this.buffered.subarray(offset, offset + totalLength);
      const messageChecksum = message.readUInt32BE(totalLength - 4);
      if (crc32(message.subarray(0, totalLength - 4)) !== messageChecksum) {
        this.failure = 'event stream message checksum mismatch';
        break;
      }
      const headers = readHeaders(message.subarray(preludeLength, preludeLength + headersLength));
      if (typeof headers === 'string') {
        this.failure = headers;
        break;
      }
      const payload = message.subarray(preludeLength + headersLength, totalLength - 4);
      // A copy, so that the payload does not pin the whole network buffer it came in.
      messages.push({ headers, payload: new Uint8Array(this.payloads === null ? payload : this.payloads(payload)) });
      offset += totalLength;
    }
    // What is left is copied: the caller may reuse the memory of the chunk it gave.
    this.buffered = this.failure !== null || offset === this.buffered.length ? Buffer.alloc(0) : Buffer.from(this.buffered.subarray(offset));
    return messages;
  }

  /** The stream ended: a failure message when bytes of an unfinished message are left over. */
  end(): string | null {
    const left = this.buffered.length + this.waitingLength;
    if (this.failure === null && left > 0) {
      this.failure = `event stream ended inside a message (${left} bytes left over)`;
    }
    return this.failure;
  }
}

/** One framed message with string headers (the only kind AWS services send on responses). */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const headerBytes = Buffer.concat(Object.entries(headers).map(([name, value]) => stringHeader(name, value)));
  const totalLength = overheadLength + headerBytes.length + body.byteLength;
  const message = Buffer.alloc(totalLength);
  message.writeUInt32BE(totalLength, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, preludeLength);
  message.set(body, preludeLength + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, totalLength - 4)), totalLength - 4);
  return message;
}

/** Total length, headers length and their checksum. */
const preludeLength = 12;
/** Prelude plus the trailing message checksum. */
const overheadLength = 16;

const headerTypes = {
  booleanTrue: 0,
  booleanFalse: 1,
  byte: 2,
  short: 3,
  integer: 4,
  long: 5,
  byteArray: 6,
  string: 7,
  timestamp: 8,
  uuid: 9,
} as const;

function stringHeader(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const valueBytes = Buffer.from(value, 'utf8');
  if (nameBytes.length === 0 || nameBytes.length > 255) throw new RangeError(`event stream header name must be 1 to 255 bytes: "${name}"`);
  if (valueBytes.length > 32767) throw new RangeError(`event stream header "${name}" is longer than 32767 bytes`);
  const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
  header.writeUInt8(nameBytes.length, 0);
  nameBytes.copy(header, 1);
  header.writeUInt8(headerTypes.string, 1 + nameBytes.length);
  header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
  valueBytes.copy(header, 4 + nameBytes.length);
  return header;
}

/** Every header, whatever its type (each type has its own value layout, so none can be skipped
 * without reading it); an error message when the bytes do not add up. */
function readHeaders(bytes: Buffer): Record<string, EventStreamHeaderValue> | string {
  const headers: Record<string, EventStreamHeaderValue> = {};
  let offset = 0;
  const need = (count: number): boolean => offset + count <= bytes.length;
  while (offset < bytes.length) {
    const nameLength = bytes.readUInt8(offset);
    offset += 1;
    if (nameLength === 0 || !need(nameLength + 1)) return 'event stream header is truncated';
    const name = bytes.toString('utf8', offset, offset + nameLength);
    offset += nameLength;
    const type = bytes.readUInt8(offset);
    offset += 1;
    const fixedLength = fixedValueLength(type);
    if (fixedLength === null) return `event stream header "${name}" has unknown type ${type}`;
    if (!need(fixedLength)) return `event stream header "${name}" is truncated`;
    switch (type) {
      case headerTypes.booleanTrue:
        headers[name] = true;
        break;
      case headerTypes.booleanFalse:
        headers[name] = false;
        break;
      case headerTypes.byte:
        headers[name] = bytes.readInt8(offset);
        break;
      case headerTypes.short:
        headers[name] = bytes.readInt16BE(offset);
        break;
      case headerTypes.integer:
        headers[name] = bytes.readInt32BE(offset);
        break;
      case headerTypes.long:
        headers[name] = bytes.readBigInt64BE(offset);
        break;
      case headerTypes.timestamp:
        headers[name] = new Date(Number(bytes.readBigInt64BE(offset)));
        break;
      case headerTypes.uuid:
        headers[name] = formatUuid(bytes.toString('hex', offset, offset + 16));
        break;
      default: {
        // byte_array and string: a two-byte length, then the value.
        const valueLength = bytes.readUInt16BE(offset);
        offset += 2;
        if (!need(valueLength)) return `event stream header "${name}" is truncated`;
        headers[name] = type === headerTypes.string
          ? bytes.toString('utf8', offset, offset + valueLength)
          : new Uint8Array(bytes.subarray(offset, offset + valueLength));
        offset += valueLength;
        continue;
      }
    }
    offset += fixedLength;
  }
  return headers;
}

/** Bytes after the type byte for fixed-size types; 2 (the length prefix) for variable ones. */
function fixedValueLength(type: number): number | null {
  switch (type) {
    case headerTypes.booleanTrue:
    case headerTypes.booleanFalse:
      return 0;
    case headerTypes.byte:
      return 1;
    case headerTypes.short:
      return 2;
    case headerTypes.integer:
      return 4;
    case headerTypes.long:
    case headerTypes.timestamp:
      return 8;
    case headerTypes.uuid:
      return 16;
    case headerTypes.byteArray:
    case headerTypes.string:
      return 2;
    default:
      return null;
  }
}

function formatUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
