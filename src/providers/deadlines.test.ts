import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ExchangeDeadlines } from './deadlines.ts';
import type { DeadlineKind } from './deadlines.ts';

function watched(timeouts: { firstByteMs: number; idleMs: number; totalMs: number }): { deadlines: ExchangeDeadlines; expired: [DeadlineKind, number][] } {
  const expired: [DeadlineKind, number][] = [];
  const deadlines = new ExchangeDeadlines({ connectMs: 1_000, ...timeouts }, (kind, milliseconds) => expired.push([kind, milliseconds]));
  return { deadlines, expired };
}

/** Waits, 10 ms at a time (a loaded machine runs timers late), until something expired. */
async function expiry(expired: unknown[]): Promise<void> {
  for (let waited = 0; expired.length === 0 && waited < 2_000; waited += 10) await delay(10);
}

test('no byte in time: the first-byte deadline ends the exchange, once', async () => {
  const { deadlines, expired } = watched({ firstByteMs: 10, idleMs: 1_000, totalMs: 1_000 });
  await expiry(expired);
  await delay(20);
  assert.deepEqual(expired, [['first byte', 10]]);
  deadlines.stop();
});

test('a first-byte deadline longer than the idle one is still the one that applies before any data', async () => {
  const { deadlines, expired } = watched({ firstByteMs: 30, idleMs: 5, totalMs: 1_000 });
  const started = performance.now();
  await expiry(expired);
  assert.deepEqual(expired, [['first byte', 30]], 'the timer set for the shorter idle timeout looked, and waited on');
  assert.ok(performance.now() - started >= 29);
  deadlines.stop();
});

test('after the first chunk, silence ends it as idle; each chunk restarts that clock', async () => {
  const { deadlines, expired } = watched({ firstByteMs: 1_000, idleMs: 40, totalMs: 1_000 });
  let sawAt = 0;
  let longestGap = 0;
  for (let chunk = 0; chunk < 8; chunk++) {
    if (sawAt !== 0) longestGap = Math.max(longestGap, performance.now() - sawAt);
    sawAt = performance.now();
    deadlines.sawData();
    await delay(5);
  }
  // A machine too loaded to run a 5 ms timer within 35 ms cannot tell anything here.
  if (longestGap >= 35) return deadlines.stop();
  assert.deepEqual(expired, [], 'chunks 5 ms apart for 40 ms, under a 40 ms idle timeout');
  await expiry(expired);
  assert.deepEqual(expired, [['idle', 40]]);
  assert.ok(performance.now() - sawAt >= 39, 'counted from the last chunk');
  deadlines.stop();
});

test('the total deadline applies however busy the body is', async () => {
  const { deadlines, expired } = watched({ firstByteMs: 1_000, idleMs: 1_000, totalMs: 15 });
  for (let chunk = 0; chunk < 6; chunk++) {
    deadlines.sawData();
    await delay(6);
  }
  await expiry(expired);
  assert.deepEqual(expired, [['total', 15]]);
  deadlines.stop();
});

test('while the idle clock is held nothing expires; released, it starts again', async () => {
  const { deadlines, expired } = watched({ firstByteMs: 1_000, idleMs: 10, totalMs: 1_000 });
  deadlines.sawData();
  deadlines.holdIdle();
  await delay(40);
  assert.deepEqual(expired, []);
  deadlines.releaseIdle();
  await expiry(expired);
  assert.deepEqual(expired, [['idle', 10]]);
  deadlines.stop();
});

test('stopped, nothing fires, and a late chunk sets no timer again', async () => {
  const { deadlines, expired } = watched({ firstByteMs: 5, idleMs: 5, totalMs: 5 });
  deadlines.stop();
  deadlines.sawData();
  deadlines.releaseIdle();
  await delay(30);
  assert.deepEqual(expired, []);
});

test('the longest timeouts setTimeout takes are set without an overflow warning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    const longest = 2 ** 31 - 1;
    for (let exchange = 0; exchange < 50; exchange++) {
      const { deadlines } = watched({ firstByteMs: longest, idleMs: longest, totalMs: longest });
      deadlines.sawData();
      deadlines.holdIdle();
      deadlines.releaseIdle();
      deadlines.stop();
    }
    await delay(5);
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});
