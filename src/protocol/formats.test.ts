// The table of client formats: each has its facts and a codec, under the same name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { surfaceCodecs } from './codecs.ts';
import { clientFormats } from './formats.ts';

test('every client format has facts and a surface codec that names it', () => {
  assert.deepEqual(Object.keys(clientFormats).sort(), Object.keys(surfaceCodecs).sort());
  for (const [format, codec] of Object.entries(surfaceCodecs)) assert.equal(codec.format, format);
});
