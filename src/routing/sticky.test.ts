// Sticky routing: the route table's expiry, refresh and bound (on a fake clock), and conversation
// keys that stay the same from turn to turn, differ between callers and conversations, and cost
// little even for a huge message.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StickyRoutes, stickyCaller, stickyKey } from './sticky.ts';

function setup(options: { ttlMs?: number; maxEntries?: number } = {}): { routes: StickyRoutes; advance: (ms: number) => void } {
  let time = 7_000_000;
  return { routes: new StickyRoutes({ now: () => time, ...options }), advance: (ms) => { time += ms; } };
}

describe('StickyRoutes', () => {
  test('remembers a conversation until the TTL passes', () => {
    const { routes, advance } = setup({ ttlMs: 1_000 });
    assert.equal(routes.get('c1'), null);
    routes.set('c1', 'openai/gpt');
    advance(999);
    assert.equal(routes.get('c1'), 'openai/gpt');
    advance(1_000);
    assert.equal(routes.get('c1'), null);
    assert.equal(routes.size, 0);
  });

  test('reading refreshes the TTL; so does setting again', () => {
    const { routes, advance } = setup({ ttlMs: 1_000 });
    routes.set('c1', 'a');
    for (let turn = 0; turn < 5; turn++) {
      advance(800);
      assert.equal(routes.get('c1'), 'a');
    }
    routes.set('c1', 'b');
    advance(800);
    assert.equal(routes.get('c1'), 'b');
  });

  test('delete forgets a conversation at once', () => {
    const { routes } = setup();
    routes.set('c1', 'a');
    routes.delete('c1');
    assert.equal(routes.get('c1'), null);
    routes.delete('never-set');
    assert.equal(routes.size, 0);
  });

  test('bounded: the least recently used conversation is evicted first', () => {
    const { routes } = setup({ maxEntries: 3 });
    for (const key of ['c1', 'c2', 'c3']) routes.set(key, key + '-route');
    assert.equal(routes.get('c1'), 'c1-route');
    routes.set('c4', 'c4-route');
    assert.equal(routes.size, 3);
    assert.equal(routes.get('c2'), null, 'c2 was used least recently');
    for (const key of ['c1', 'c3', 'c4']) assert.equal(routes.get(key), key + '-route');
  });

  test('expired entries do not count towards the size or crowd out fresh ones', () => {
    const { routes, advance } = setup({ ttlMs: 1_000, maxEntries: 3 });
    routes.set('old1', 'x');
    routes.set('old2', 'x');
    advance(1_000);
    routes.set('fresh1', 'y');
    assert.equal(routes.size, 1);
    routes.set('fresh2', 'y');
    routes.set('fresh3', 'y');
    for (const key of ['fresh1', 'fresh2', 'fresh3']) assert.equal(routes.get(key), 'y');
  });
});

const system = { role: 'system', content: 'You are a careful assistant.' };
const firstUser = { role: 'user', content: 'Summarise the attached report.' };

// Long only as a suite: the block groups short tests, each a function of its own.
describe('stickyKey', () => {
  test('openai-chat: the same for two turns of one conversation', () => {
    const turn1 = { model: 'm', messages: [system, firstUser] };
    const turn2 = { model: 'm', messages: [system, firstUser, { role: 'assistant', content: 'Sure.' }, { role: 'user', content: 'Shorter.' }] };
    const key = stickyKey('openai-chat', turn1, 'key-123', null);
    assert.match(key!, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(stickyKey('openai-chat', turn2, 'key-123', null), key);
  });

  test('openai-chat: differs for another caller, another system prompt, another first question', () => {
    const body = { messages: [system, firstUser] };
    const key = stickyKey('openai-chat', body, 'key-123', null);
    assert.notEqual(stickyKey('openai-chat', body, 'key-456', null), key);
    assert.notEqual(stickyKey('openai-chat', { messages: [{ role: 'system', content: 'Be terse.' }, firstUser] }, 'key-123', null), key);
    assert.notEqual(stickyKey('openai-chat', { messages: [system, { role: 'user', content: 'Hello' }] }, 'key-123', null), key);
  });

  test('anthropic: system plus the first message, whichever message carries the cache marker', () => {
    const marked = { role: 'user', content: [{ type: 'text', text: 'Read this.', cache_control: { type: 'ephemeral' } }] };
    const plain = { role: 'user', content: [{ type: 'text', text: 'Read this.' }] };
    const turn1 = { system: [{ type: 'text', text: 'Long policy.' }], messages: [marked] };
    const turn2 = { system: [{ type: 'text', text: 'Long policy.' }], messages: [plain, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'Next.' }] };
    const key = stickyKey('anthropic', turn1, 'caller', null);
    assert.notEqual(key, null);
    assert.equal(stickyKey('anthropic', turn2, 'caller', null), key);
    assert.notEqual(stickyKey('anthropic', { ...turn1, system: 'Other policy.' }, 'caller', null), key);
  });

  test('openai-responses: instructions plus the input string, or the items up to the first user item', () => {
    const asString = stickyKey('openai-responses', { instructions: 'Be brief.', input: 'Hi there' }, 'caller', null);
    assert.notEqual(asString, null);
    assert.notEqual(stickyKey('openai-responses', { instructions: 'Be long.', input: 'Hi there' }, 'caller', null), asString);
    const opening = [{ role: 'developer', content: 'Rules.' }, { role: 'user', content: 'Question' }];
    const turn1 = stickyKey('openai-responses', { input: opening }, 'caller', null);
    const turn2 = stickyKey('openai-responses', {
      input: [...opening, { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: '42' }],
    }, 'caller', null);
    assert.equal(turn2, turn1);
  });

  test('a session id wins over the conversation, and is still per caller', () => {
    const one = stickyKey('openai-chat', { messages: [system, firstUser] }, 'caller', 'session-9');
    const other = stickyKey('openai-chat', { messages: [{ role: 'user', content: 'Different' }] }, 'caller', 'session-9');
    assert.equal(one, other);
    assert.notEqual(stickyKey('openai-chat', {}, 'caller', 'session-9'), null);
    assert.notEqual(stickyKey('openai-chat', {}, 'another', 'session-9'), one);
    assert.notEqual(one, stickyKey('openai-chat', { messages: [system, firstUser] }, 'caller', null));
  });

  test('null when there is nothing to identify the conversation by', () => {
    for (const format of ['openai-chat', 'openai-responses', 'anthropic'] as const) {
      assert.equal(stickyKey(format, {}, 'caller', null), null, format);
      assert.equal(stickyKey(format, {}, 'caller', ''), null, `${format}, empty session id`);
    }
    assert.equal(stickyKey('openai-chat', { messages: [] }, 'caller', null), null);
    assert.equal(stickyKey('anthropic', { messages: 'not a list' }, 'caller', null), null);
  });

  test('the caller never appears in the key', () => {
    const caller = 'sk-live-secret';
    const key = stickyKey('openai-chat', { messages: [firstUser] }, caller, null)!;
    assert.equal(key.length, 22);
    assert.ok(!key.includes(caller));
  });

  test('strings are framed: moving text between parts changes the key', () => {
    const split = (first: string, second: string) => stickyKey('openai-chat', { messages: [{ role: 'system', content: first }, { role: 'user', content: second }] }, 'c', null);
    assert.notEqual(split('ab', 'c'), split('a', 'bc'));
  });

  test('a 4 MB message, or one deeply nested, is read in bounded pieces', () => {
    const huge = 'x'.repeat(4 * 1024 * 1024);
    const key = stickyKey('openai-chat', { messages: [{ role: 'user', content: huge }] }, 'c', null);
    assert.notEqual(key, null);
    // Text past the budget still counts through its total length.
    assert.notEqual(stickyKey('openai-chat', { messages: [{ role: 'user', content: huge + 'y' }] }, 'c', null), key);
    const parts = Array.from({ length: 200_000 }, (_, index) => ({ type: 'text', text: String(index) }));
    assert.notEqual(stickyKey('anthropic', { messages: [{ role: 'user', content: parts }] }, 'c', null), null);
    let nested: unknown = 'deep';
    for (let depth = 0; depth < 100_000; depth++) nested = [nested];
    assert.notEqual(stickyKey('openai-chat', { messages: [{ role: 'user', content: nested }] }, 'c', null), null);
  });
});

test('a caller is its key, whichever header carries it', () => {
  assert.equal(stickyCaller({ authorization: 'Bearer sk-1' }), 'sk-1');
  assert.equal(stickyCaller({ 'x-api-key': 'sk-1' }), 'sk-1');
  assert.equal(stickyCaller({ authorization: '', 'x-api-key': 'sk-2' }), 'sk-2');
  assert.equal(stickyCaller({}), '');
});
