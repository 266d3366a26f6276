import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { expandReferences, referencesIn, unresolvedReference } from './references.ts';

const held = { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Earlier.' }] };

test('references are the item_reference ids and previous_response_id; a plain request has none', () => {
  assert.deepEqual(referencesIn({ input: 'Hi' }), { itemIds: [], previousResponseId: null });
  assert.deepEqual(referencesIn({ input: [{ type: 'item_reference', id: 'msg_1' }, { role: 'user', content: 'Hi' }], previous_response_id: 'resp_1' }), { itemIds: ['msg_1'], previousResponseId: 'resp_1' });
});

test('held items take their references\' places; a held conversation goes first, and the reference to it away', () => {
  const body: Record<string, unknown> = { previous_response_id: 'resp_0', input: [{ type: 'item_reference', id: 'msg_1' }, { type: 'item_reference', id: 'msg_gone' }, { role: 'user', content: 'Go on.' }] };
  const earlier = [{ role: 'user', content: 'Start.' }];
  const { ownInput, addedBytes } = expandReferences(body, new Map([['msg_1', held]]), earlier);
  assert.deepEqual(ownInput, [held, { type: 'item_reference', id: 'msg_gone' }, { role: 'user', content: 'Go on.' }]);
  assert.deepEqual(body.input, [...earlier, ...ownInput]);
  assert.equal(body.previous_response_id, undefined);
  assert.ok(addedBytes > JSON.stringify(held).length);
  const refused = unresolvedReference(body);
  assert.ok(refused instanceof GatewayError && refused.status === 400 && refused.param === 'input[2]' && /msg_gone/.test(refused.message));
});

test('a previous response not held stays, and is what the refusal names; a string input continues as a user message', () => {
  const body: Record<string, unknown> = { previous_response_id: 'resp_x', input: 'Hi' };
  const { ownInput } = expandReferences(body, new Map(), null);
  assert.deepEqual(ownInput, [{ type: 'message', role: 'user', content: 'Hi' }]);
  assert.equal(body.input, 'Hi');
  assert.equal(unresolvedReference(body)?.param, 'previous_response_id');
  assert.equal(unresolvedReference({ input: [{ role: 'user', content: 'Hi' }] }), null);
});
