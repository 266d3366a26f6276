// A Responses client's input as a Responses provider may receive it: reasoning only OpenAI made.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carriesForeignReasoning, withoutForeignReasoning } from './foreign-reasoning.ts';

const user = { type: 'message', role: 'user', content: 'hi' };
const genuine = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAABgenuine' };

test('OpenAI\'s own reasoning leaves the input as it is, the very same list', () => {
  const input = [user, genuine, { type: 'reasoning', id: 'rs_2', summary: [] }, { type: 'additional_tools', tools: [] }];
  assert.equal(withoutForeignReasoning(input), input);
  assert.equal(carriesForeignReasoning(input), false);
  assert.equal(withoutForeignReasoning('hi'), 'hi');
  assert.equal(carriesForeignReasoning('hi'), false);
});

test('another provider\'s encrypted content and redacted thinking are left out; OpenAI\'s, marked, goes unmarked', () => {
  const input: Record<string, unknown>[] = [
    user,
    { type: 'reasoning', id: 'rs_g', summary: [{ type: 'summary_text', text: 'Gemini thought' }], encrypted_content: 'mmx1.gemini.c2ln' },
    { type: 'reasoning', id: 'rs_redacted_1', summary: [], encrypted_content: 'RedactedData' },
    { type: 'reasoning', id: 'rs_redacted_2', summary: [] },
    { type: 'reasoning', id: 'rs_o', summary: [], encrypted_content: 'mmx1.openai-responses.gAAAAABown' },
    genuine,
  ];
  assert.equal(carriesForeignReasoning(input), true);
  assert.deepEqual(withoutForeignReasoning(input), [user, { type: 'reasoning', id: 'rs_o', summary: [], encrypted_content: 'gAAAAABown' }, genuine]);
  assert.equal(input.length, 6, 'the client\'s list is not changed in place');
  assert.equal(input[4].encrypted_content, 'mmx1.openai-responses.gAAAAABown');
});
