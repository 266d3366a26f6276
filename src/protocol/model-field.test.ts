import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelNamer, renameFirstModel, renameWholeModel } from './model-field.ts';

/** Each event's model, renamed as the Chat relay does it: the value found, spliced. */
function renameEvents(namer: ModelNamer, events: string[]): string {
  return events
    .map((event) => {
      const bytes = Buffer.from(event);
      const value = namer.find(bytes.toString('latin1'), 0, bytes.length);
      return value === null ? event : Buffer.concat([bytes.subarray(0, value.start), namer.name, bytes.subarray(value.end)]).toString();
    })
    .join('');
}

test('stream events: the model key is found where the last event had it, or searched for, spaced or not', () => {
  const namer = new ModelNamer('groq/llama-3.3-70b-versatile');
  const event = (id: string, model: string) => `data: {"id":"${id}","model":"${model}","choices":[{"delta":{"content":"\\"model\\":\\"no\\""}}]}\n\n`;
  const events = [event('a', 'llama-3.3-70b-versatile'), event('b', 'llama-3.3-70b-versatile'), event('longer-id', 'other'), 'data: {"model": "", "choices":[]}\n\n'];
  assert.equal(
    renameEvents(namer, events),
    [event('a', 'groq/llama-3.3-70b-versatile'), event('b', 'groq/llama-3.3-70b-versatile'), event('longer-id', 'groq/llama-3.3-70b-versatile'), 'data: {"model": "groq/llama-3.3-70b-versatile", "choices":[]}\n\n'].join(''),
  );
  const named = 'data: {"model":"groq/llama-3.3-70b-versatile"}\n\n';
  assert.equal(namer.find(named, 0, named.length), null, 'already named: nothing to copy');
  assert.equal(namer.find('data: {"choices":[]}\n\n', 0, 20), null);
  const two = '{"a":1}{"model":"x"}';
  assert.equal(namer.find(two, 0, 7), null, 'a key past the event is not this event\'s');
});

test('where the last event had the key is not looked at past the end of a shorter one', () => {
  const namer = new ModelNamer('p');
  // The first event has its key 13 bytes in; 13 bytes into the second is past its end, where the
  // text goes on with another key.
  const long = '{"id":"abcd","model":"x"}';
  assert.deepEqual(namer.find(long, 0, long.length), { start: 22, end: 23 });
  const text = '{"model":"y"}"model":"z"';
  assert.deepEqual(namer.find(text, 0, 13), { start: 10, end: 11 });
});

test('a name with characters JSON escapes is written escaped', () => {
  const namer = new ModelNamer('say "hi"/m');
  assert.equal(renameEvents(namer, ['{"model":"x"}']), '{"model":"say \\"hi\\"/m"}');
  assert.equal(renameFirstModel(Buffer.from('{"message":{"model":"x"}}'), Buffer.from('"message":'), new ModelNamer('say "hi"').name).toString(), '{"message":{"model":"say \\"hi\\""}}');
});

test('events: only the model of the holder key, and only the first after it', () => {
  const rename = (event: string) => renameFirstModel(Buffer.from(event), Buffer.from('"response":'), Buffer.from('p')).toString();
  assert.equal(rename('{"type":"x","item":{"model":"a"}}'), '{"type":"x","item":{"model":"a"}}');
  assert.equal(rename('{"response":{"model":"a","metadata":{"model":"b"}}}'), '{"response":{"model":"p","metadata":{"model":"b"}}}');
});

test('whole answers: the top-level model is spliced when it occurs once, else the body is re-serialized', () => {
  const body = { id: 'c', model: 'gpt-4o-2024-08-06', choices: [] };
  const once = renameWholeModel(structuredClone(body), Buffer.from(JSON.stringify(body, null, 0)), 'openai/gpt-4o');
  assert.equal(once.toString(), '{"id":"c","model":"openai/gpt-4o","choices":[]}');
  const spaced = JSON.stringify(body, null, 2);
  assert.deepEqual(JSON.parse(renameWholeModel(JSON.parse(spaced), Buffer.from(spaced), 'openai/gpt-4o').toString()), { ...body, model: 'openai/gpt-4o' });
  const twice = { ...body, metadata: { model: 'gpt-4o-2024-08-06' } };
  assert.deepEqual(JSON.parse(renameWholeModel(structuredClone(twice), Buffer.from(JSON.stringify(twice)), 'p').toString()), { ...twice, model: 'p' });
  const same = Buffer.from('{"model":"p"}');
  assert.equal(renameWholeModel({ model: 'p' }, same, 'p'), same);
});
