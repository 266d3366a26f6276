import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest } from './ir.ts';
import { hasMarkedSignatures, keepOwnSignatures, markEvent, markSignature, ownSignature } from './signatures.ts';

function request(source: ChatRequest['source']): ChatRequest {
  return {
    source,
    model: 'm',
    system: [],
    tools: [],
    stream: false,
    includeUsage: false,
    extra: {},
    sourceOnly: [],
    messages: [
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'own', signature: 'native-sig' },
          { type: 'reasoning', text: '', signature: markSignature('gem-sig', 'gemini') },
          { type: 'reasoning', text: 'from openai', signature: markSignature('enc', 'openai-responses') },
          { type: 'tool-call', id: 'c1', name: 'f', arguments: '{}', signature: markSignature('call-sig', 'gemini') },
        ],
      },
    ],
  };
}

test('each provider receives only the signatures it made', () => {
  const toGemini = request('anthropic');
  keepOwnSignatures(toGemini, 'gemini');
  assert.deepEqual(toGemini.messages[0].content, [
    { type: 'reasoning', text: 'own' },
    { type: 'reasoning', text: '', signature: 'gem-sig' },
    { type: 'reasoning', text: 'from openai' },
    { type: 'tool-call', id: 'c1', name: 'f', arguments: '{}', signature: 'call-sig' },
  ]);

  const toAnthropic = request('anthropic');
  keepOwnSignatures(toAnthropic, 'anthropic');
  assert.deepEqual(toAnthropic.messages[0].content, [
    { type: 'reasoning', text: 'own', signature: 'native-sig' },
    { type: 'reasoning', text: 'from openai' },
    { type: 'tool-call', id: 'c1', name: 'f', arguments: '{}' },
  ]);
});

test('a Responses provider gets no reasoning whose encrypted content another provider made, text or not', () => {
  // OpenAI takes a reasoning item back only with its encrypted content or by an id it stored.
  const toResponses = request('openai-responses');
  const turn = toResponses.messages[0];
  if (turn.role === 'assistant') turn.content.push({ type: 'reasoning', id: 'rs_minted', text: 'Claude weighed it.', signature: markSignature('claude-sig', 'anthropic') });
  keepOwnSignatures(toResponses, 'openai-responses');
  assert.deepEqual(toResponses.messages[0].content, [
    { type: 'reasoning', text: 'own', signature: 'native-sig' },
    { type: 'reasoning', text: 'from openai', signature: 'enc' },
    { type: 'tool-call', id: 'c1', name: 'f', arguments: '{}' },
  ]);
  assert.equal(ownSignature('mmx1.anthropic.s', 'openai-responses', 'openai-responses'), undefined);
  assert.equal(ownSignature('mmx1.openai-responses.enc', 'anthropic', 'openai-responses'), 'enc');
  assert.equal(ownSignature('plain', 'openai-responses', 'openai-responses'), 'plain');
});

test('marks go on signatures in events, and a marked history is recognised in any format', () => {
  assert.deepEqual(markEvent({ type: 'reasoning-signature', signature: 's' }, 'gemini'), { type: 'reasoning-signature', signature: 'mmx1.gemini.s' });
  assert.deepEqual(markEvent({ type: 'text-delta', text: 't' }, 'gemini'), { type: 'text-delta', text: 't' });
  assert.equal(hasMarkedSignatures([{ role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 'mmx1.gemini.s' }] }]), true);
  assert.equal(hasMarkedSignatures([{ type: 'reasoning', encrypted_content: 'mmx1.anthropic.s' }]), true);
  assert.equal(hasMarkedSignatures([{ role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 'plain' }] }]), false);
});
