// A Responses client served by a provider of another format gets answers shaped as OpenAI's own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

describe('Responses answers from providers of other formats', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  for (const provider of ['chat', 'claude', 'google', 'aws']) {
    test(`ids are resp_ and msg_ ones, whole and streamed (${provider})`, async () => {
      const whole = await stack.client.responses.create({ model: `${provider}/sim-model`, input: 'hello' });
      assert.match(whole.id, /^resp_/);
      assert.ok(whole.output.every((item) => item.id?.startsWith(item.type === 'message' ? 'msg_' : item.type === 'reasoning' ? 'rs_' : 'fc_')), JSON.stringify(whole.output));

      const stream = stack.client.responses.stream({ model: `${provider}/sim-model`, input: 'hello' });
      const ids = new Set<string>();
      for await (const event of stream) if ('response' in event) ids.add(event.response.id);
      assert.equal(ids.size, 1);
      assert.match([...ids][0], /^resp_/);
    });
  }
});
