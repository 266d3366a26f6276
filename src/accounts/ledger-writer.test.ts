import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Settlement, Store } from '../store/store.ts';
import { requestRows } from '../store/test-fixtures.ts';
import { LedgerWriter } from './ledger-writer.ts';

/** A store whose settleAll fails for the request ids in `refuse` (a whole batch fails if any is in it). */
function fakeStore(refuse: Set<string>): { store: Store; written: string[] } {
  const written: string[] = [];
  const store = {
    settleAll(settlements: Settlement[]) {
      if (settlements.some((settlement) => refuse.has(settlement.rows[0].requestId))) throw new Error('disk full');
      for (const settlement of settlements) written.push(settlement.rows[0].requestId);
    },
  } as unknown as Store;
  return { store, written };
}

const settlement = (requestId: string): Settlement => ({ reservationId: null, rows: requestRows({ requestId }) });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('one turn of settlements is one batch; each response ends only after the commit', async () => {
  const { store, written } = fakeStore(new Set());
  const writer = new LedgerWriter(store, () => assert.fail('no error expected'));
  const ended: string[] = [];
  for (const id of ['a', 'b', 'c']) writer.write(settlement(id), () => ended.push(`${id} after ${written.length}`));
  assert.deepEqual(ended, [], 'nothing ends before the commit');
  await turn();
  assert.deepEqual(ended, ['a after 3', 'b after 3', 'c after 3']);
});

test('a settlement that cannot be written sinks only itself, is logged, and is tried again later', async () => {
  const refuse = new Set(['bad']);
  const { store, written } = fakeStore(refuse);
  const errors: string[][] = [];
  const writer = new LedgerWriter(store, (_error, ids) => errors.push(ids));
  const ended: string[] = [];
  for (const id of ['a', 'bad', 'b']) writer.write(settlement(id), () => ended.push(id));
  await turn();
  assert.deepEqual(written, ['a', 'b']);
  assert.deepEqual(ended, ['a', 'bad', 'b'], 'every answer still goes out');
  assert.deepEqual(errors, [['bad']]);
  refuse.clear();
  writer.drain();
  assert.deepEqual(written, ['a', 'b', 'bad'], 'kept and written once the store takes it');
});

test('without a store the response ends at once', () => {
  const writer = new LedgerWriter(null, () => {});
  let ended = false;
  writer.write(settlement('a'), () => (ended = true));
  assert.equal(ended, true);
});
