// The simulator counts tokens as Anthropic does (`POST /v1/messages/count_tokens`), so a gateway in
// front of it asks the provider instead of estimating, as it would with Anthropic itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const prompt = {
  system: 'You are terse.',
  messages: [{ role: 'user', content: 'Count the tokens of this message, please.' }],
};

describe('count_tokens on the simulator', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  const json = async (response: Response): Promise<any> => response.json();
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers }, body: JSON.stringify(body) });

  it('answers {"input_tokens": N}, the count a message with the same prompt reports', async () => {
    const counted = await post(`${stack.simulator.url}/v1/messages/count_tokens`, { model: 'claude-test', ...prompt });
    assert.equal(counted.status, 200);
    const count = await json(counted);
    assert.deepEqual(Object.keys(count), ['input_tokens']);
    const message = await json(await post(`${stack.simulator.url}/v1/messages`, { model: 'claude-test', max_tokens: 10, ...prompt }));
    assert.equal(count.input_tokens, message.usage.input_tokens);
  });

  it('refuses a count without messages in Anthropic\'s error shape, and plays faults', async () => {
    const refused = await post(`${stack.simulator.url}/v1/messages/count_tokens`, { model: 'claude-test' });
    assert.equal(refused.status, 400);
    assert.equal((await json(refused)).type, 'error');
    const limited = await post(`${stack.simulator.url}/v1/messages/count_tokens`, { model: 'claude-test', ...prompt }, { 'x-sim-fault': '429' });
    assert.equal(limited.status, 429);
  });

  it('a gateway asks the simulated Anthropic provider, and says no estimate', async () => {
    const response = await post(`${stack.baseUrl}/v1/messages/count_tokens`, { model: 'claude/claude-test', ...prompt });
    const body = await json(response);
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(response.headers.get('x-modelmux-estimate'), null);
    assert.equal(response.headers.get('x-modelmux-provider'), 'claude');
    const direct = await json(await post(`${stack.simulator.url}/v1/messages/count_tokens`, { model: 'claude-test', ...prompt }));
    assert.deepEqual(body, direct);
  });
  it('a provider that answers a count with garbage is a 502 through the gateway, not a 200 relaying it', async () => {
    const answer = await post(`${stack.baseUrl}/v1/messages/count_tokens`, { model: 'claude/claude-test', ...prompt }, { 'x-sim-fault': 'malformed', 'x-sim-fault-after': '0' });
    assert.equal(answer.status, 502);
    assert.equal((await json(answer)).error.type, 'api_error');
  });
});
