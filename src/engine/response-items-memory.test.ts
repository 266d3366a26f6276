import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openAccount } from '../accounts/auth.ts';
import type { KeyRecord } from '../store/store.ts';
import type { CallContext } from './call.ts';
import { MemoryResponseItems } from './response-items-memory.ts';
import { callerScope } from './response-items.ts';
import type { StoredResponse } from './response-items.ts';

const hour = 60 * 60 * 1000;

function answer(id: string, previousId: string | null = null, text = `answer ${id}`): StoredResponse {
  return { id, previousId, input: [{ role: 'user', content: `question ${id}` }], output: [{ id: `msg_${id}`, type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }] };
}

function store(maxBytes = 1024 * 1024): { items: MemoryResponseItems; clock: { now: number } } {
  const clock = { now: 1_000 };
  return { items: new MemoryResponseItems({ ttlMs: hour, maxBytes, now: () => clock.now }), clock };
}

test('output items are found by id, within their scope only, as fresh copies', async () => {
  const { items } = store();
  await items.keep('alice', answer('1'));
  const found = await items.items('alice', ['msg_1', 'msg_unknown']);
  assert.deepEqual([...found.keys()], ['msg_1']);
  (found.get('msg_1')!.content as unknown[]).length = 0;
  assert.equal(((await items.items('alice', ['msg_1'])).get('msg_1')!.content as unknown[]).length, 1, 'a change to what was returned does not reach the store');
  assert.equal((await items.items('bob', ['msg_1'])).size, 0);
  assert.equal(await items.conversation('bob', '1'), null);
});

test('a conversation is every input and output along the chain, oldest first', async () => {
  const { items } = store();
  await items.keep('alice', answer('1'));
  await items.keep('alice', answer('2', '1'));
  await items.keep('alice', answer('3', '2'));
  const texts = (await items.conversation('alice', '3'))!.map((item) => JSON.stringify(item).match(/(question|answer) \d/)![0]);
  assert.deepEqual(texts, ['question 1', 'answer 1', 'question 2', 'answer 2', 'question 3', 'answer 3']);
});

test('entries expire an hour after their last use, and use renews them', async () => {
  const { items, clock } = store();
  await items.keep('alice', answer('1'));
  await items.keep('alice', answer('2'));
  clock.now += hour - 1;
  assert.equal((await items.items('alice', ['msg_1'])).size, 1, 'still held, and now renewed');
  clock.now += 2;
  assert.equal(await items.conversation('alice', '2'), null, 'not used for an hour: expired');
  assert.notEqual(await items.conversation('alice', '1'), null);
  clock.now += hour;
  assert.equal(await items.conversation('alice', '1'), null);
  assert.equal(items.bytes, 0);
});

test('past the memory cap the least recently used go first; a continued response whose start went is gone too', async () => {
  const { items } = store(5_000);
  const long = (id: string, previousId: string | null = null) => answer(id, previousId, 'x'.repeat(1_000));
  await items.keep('alice', long('1'));
  await items.keep('alice', long('2', '1'));
  await items.keep('alice', long('3'));
  await items.items('alice', ['msg_1']);
  await items.keep('alice', long('4'));
  assert.ok(items.bytes <= 5_000, `${items.bytes} bytes held`);
  assert.equal((await items.items('alice', ['msg_2'])).size, 0, 'the least recently used went');
  assert.equal((await items.items('alice', ['msg_1'])).size, 1, 'used since: kept');
  await items.keep('alice', long('5', '2'));
  assert.equal(await items.conversation('alice', '5'), null, 'its start is gone, so is the conversation');
});

test('a cap of 0, or an entry larger than the cap, keeps nothing', async () => {
  const none = store(0).items;
  await none.keep('alice', answer('1'));
  assert.equal(none.bytes, 0);
  const small = store(100).items;
  await small.keep('alice', answer('1'));
  assert.equal((await small.items('alice', ['msg_1'])).size, 0);
});

test('the scope is the virtual key, the admin, or a hash of an open caller\'s credential', () => {
  const context = (headers: Record<string, string>, account = openAccount) => ({ headers, account }) as unknown as CallContext;
  const key = { id: 'key_1' } as KeyRecord;
  assert.equal(callerScope(context({}, { key, admin: false })), 'key:key_1');
  assert.equal(callerScope(context({}, { key: null, admin: true })), 'admin');
  const alice = callerScope(context({ authorization: 'Bearer alice-secret' }));
  assert.equal(callerScope(context({ 'x-api-key': 'alice-secret' })), alice);
  assert.notEqual(callerScope(context({ authorization: 'Bearer bob-secret' })), alice);
  assert.ok(!alice.includes('alice-secret'));
});
