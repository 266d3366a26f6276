// A Responses client answered by a provider of another format refers to what the gateway answered it
// (`previous_response_id`, `item_reference` to the ids the gateway minted), as it would at OpenAI:
// the gateway keeps those answers for the caller who got them, and for nobody else.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

describe('Responses items the gateway minted', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  /** What the provider (the simulator) was sent last, as JSON text. */
  const lastSent = (): string => JSON.stringify(stack.simulator.requests.at(-1)?.body);
  /** `text` as it appears in JSON. */
  const json = (text: string): string => JSON.stringify(text).slice(1, -1);
  const stranger = (): OpenAI => new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'another-callers-key', maxRetries: 0 });
  /** The text of a response's messages (a streamed `response` has no `output_text`). */
  const textOf = (response: OpenAI.Responses.Response): string =>
    response.output.flatMap((item) => (item.type === 'message' ? item.content.flatMap((part) => (part.type === 'output_text' ? [part.text] : [])) : [])).join('');
  const refusal = async (request: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> => {
    const error = await request.then(
      () => assert.fail('expected a 400'),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof OpenAI.APIError && error.status === 400, String(error));
    return error;
  };

  test('previous_response_id continues a conversation on a Chat provider, turn after turn, whole and streamed', async () => {
    const first = await stack.client.responses.create({ model: 'chat/sim-model', input: 'My name is Ada.' });
    const stream = await stack.client.responses.create({ model: 'chat/sim-model', input: 'I live in Paris.', previous_response_id: first.id, stream: true });
    let second: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === 'response.completed') second = event.response;
    assert.ok(second);
    assert.ok(lastSent().includes('My name is Ada.') && lastSent().includes(json(first.output_text)), `the first turn reached the provider: ${lastSent()}`);
    const third = await stack.client.responses.create({ model: 'claude/sim-model', input: 'Where do I live?', previous_response_id: second.id });
    const sent = lastSent();
    for (const earlier of ['My name is Ada.', first.output_text, 'I live in Paris.', textOf(second), 'Where do I live?']) assert.ok(sent.includes(json(earlier)), `${earlier} reached the provider: ${sent}`);
    assert.ok(sent.indexOf('My name is Ada.') < sent.indexOf('I live in Paris.') && sent.indexOf('I live in Paris.') < sent.indexOf('Where do I live?'), 'in order');
    assert.ok(third.output_text.length > 0);
  });

  test('the answer repeats the previous_response_id and store the request gave, as OpenAI\'s does, whole and streamed', async () => {
    const first = await stack.client.responses.create({ model: 'chat/sim-model', input: 'My name is Ada.' });
    assert.equal(first.previous_response_id, null);
    // `store` is in OpenAI's answers (see the recordings), not in the SDK's type.
    const stored = (response: OpenAI.Responses.Response): unknown => (response as unknown as { store: unknown }).store;
    assert.equal(stored(first), true, 'the gateway keeps it, as OpenAI would');
    const stream = await stack.client.responses.create({ model: 'claude/sim-model', input: 'Hello again.', previous_response_id: first.id, stream: true });
    const snapshots: OpenAI.Responses.Response[] = [];
    for await (const event of stream) if (event.type === 'response.created' || event.type === 'response.completed') snapshots.push(event.response);
    assert.deepEqual(snapshots.map((snapshot) => snapshot.previous_response_id), [first.id, first.id]);
    const third = await stack.client.responses.create({ model: 'google/sim-model', input: 'Bye.', previous_response_id: snapshots[1].id, store: false });
    assert.equal(third.previous_response_id, snapshots[1].id);
    assert.equal(stored(third), false);
  });

  test('an item_reference to an output item becomes the item', async () => {
    const first = await stack.client.responses.create({ model: 'google/sim-model', input: 'Say something.' });
    const message = first.output.find((item) => item.type === 'message');
    assert.ok(message?.id);
    await stack.client.responses.create({ model: 'aws/sim-model', input: [{ role: 'user', content: 'Say something.' }, { type: 'item_reference', id: message.id }, { role: 'user', content: 'Again.' }] });
    assert.ok(lastSent().includes(json(first.output_text)), `the referenced answer reached the provider: ${lastSent()}`);
  });

  test('a relayed request to a Responses provider gets the items too, not a reference it cannot know', async () => {
    const first = await stack.client.responses.create({ model: 'chat/sim-model', input: 'Remember 7.' });
    await stack.client.responses.create({ model: 'responses/sim-model', input: 'Which number?', previous_response_id: first.id });
    const body = stack.simulator.requests.at(-1)?.body as Record<string, unknown>;
    assert.equal(body.previous_response_id, undefined);
    assert.ok(JSON.stringify(body.input).includes('Remember 7.') && JSON.stringify(body.input).includes(json(first.output_text)));
  });

  test('another caller cannot refer to them: a clear 400, as for an id the gateway never made', async () => {
    const first = await stack.client.responses.create({ model: 'chat/sim-model', input: 'Mine.' });
    const message = first.output.find((item) => item.type === 'message');
    const byPrevious = await refusal(stranger().responses.create({ model: 'chat/sim-model', input: 'Yours?', previous_response_id: first.id }));
    assert.equal(byPrevious.code, 'previous_response_not_found');
    assert.match(byPrevious.message, /not held by this gateway: it expired/);
    const byItem = await refusal(stranger().responses.create({ model: 'chat/sim-model', input: [{ type: 'item_reference', id: message!.id! }] }));
    assert.equal(byItem.code, 'item_not_found');
    assert.equal(byItem.param, 'input[0]');
    const unknown = await refusal(stack.client.responses.create({ model: 'claude/sim-model', input: 'Hi', previous_response_id: 'resp_never_made' }));
    assert.equal(unknown.param, 'previous_response_id');
  });

  test('store: false keeps nothing; store is honoured, not named as dropped', async () => {
    const { data: first, response } = await stack.client.responses.create({ model: 'chat/sim-model', input: 'Forget this.', store: false }).withResponse();
    assert.doesNotMatch(response.headers.get('x-modelmux-dropped-params') ?? '', /store/);
    await refusal(stack.client.responses.create({ model: 'chat/sim-model', input: 'What did I say?', previous_response_id: first.id }));
  });
});
