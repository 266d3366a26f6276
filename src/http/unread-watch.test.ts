import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleClock } from './unread-watch.ts';

/** A clock of limit 400 s (its own timer never fires in a test), looked at by hand on a fake time. */
function watched(progress: boolean[]): { clock: IdleClock; expired: () => boolean; advance: (ms: number) => void } {
  let time = 0;
  let expired = false;
  const clock = new IdleClock(400_000, () => progress.shift() ?? false, () => (expired = true), () => time);
  clock.start();
  return { clock, expired: () => expired, advance: (ms) => (time += ms) };
}

test('a client that takes nothing for four looks in a row, each on time, is let go', () => {
  const { clock, expired, advance } = watched([]);
  for (let look = 0; look < 3; look++) {
    advance(100_000);
    clock.look();
  }
  assert.equal(expired(), false);
  advance(100_000);
  clock.look();
  assert.equal(expired(), true);
});

test('any progress starts the count again', () => {
  const { clock, expired, advance } = watched([false, false, false, true, false, false, false]);
  for (let look = 0; look < 7; look++) {
    advance(100_000);
    clock.look();
  }
  assert.equal(expired(), false);
  advance(100_000);
  clock.look();
  assert.equal(expired(), true);
  clock.stop();
});

test('a late look (the process could not run) does not count against the client', () => {
  const { clock, expired, advance } = watched([]);
  // Ten looks, each two and a half intervals after the last: the process was held each time.
  for (let look = 0; look < 10; look++) {
    advance(250_000);
    clock.look();
  }
  assert.equal(expired(), false);
  // Back on time, the count starts from where the on-time looks left it.
  for (let look = 0; look < 4; look++) {
    advance(100_000);
    clock.look();
  }
  assert.equal(expired(), true);
});
