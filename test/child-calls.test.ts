// The calls a fusion or a comparison makes on a caller's behalf end with their caller, and let go of
// it once they are over: a long fusion's settled calls leave no listener on the caller's signal (no
// MaxListenersExceeded warning, nothing of theirs kept reachable from it).
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { openAccount } from '../src/accounts/auth.ts';
import { newCallContext } from '../src/engine/call.ts';
import { callModel } from '../src/engine/model-client.ts';
import { clientClosed } from '../src/errors/gateway-error.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

describe("a caller's child calls", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack.close();
  });

  const caller = () => newCallContext({ requestId: 'caller', headers: {}, account: openAccount, controller: new AbortController(), stream: true, ledger: null });

  test('are aborted with their caller while they run', () => {
    const parent = caller();
    const child = stack.gateway.runner.child(parent, 'fus_child');
    parent.controller.abort(clientClosed());
    assert.equal(child.controller.signal.aborted, true);
  });

  test('leave no listener on the caller once settled', async () => {
    const parent = caller();
    const warnings: Error[] = [];
    const warned = (warning: Error): void => void warnings.push(warning);
    process.on('warning', warned);
    try {
      for (let index = 0; index < 30; index++) {
        const child = stack.gateway.runner.child(parent, 'fus_child');
        await stack.gateway.runner.settle(child, { status: 200, error: null });
      }
      const answer = await callModel({ runner: stack.gateway.runner, parent, groupId: 'fus_child', provider: null, allowFusion: false }, { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(answer.ok, true, answer.error ?? '');
      assert.equal(getEventListeners(parent.controller.signal, 'abort').length, 0);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning'), []);
    } finally {
      process.off('warning', warned);
    }
  });
});
