import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPreset, builtinPresets, parsePresetReference } from './presets.ts';
import type { Preset } from './presets.ts';

function preset(fields: Partial<Preset> = {}): Preset {
  return { name: 'team', description: null, model: null, models: [], provider: null, parameters: {}, instructions: null, builtin: false, ...fields };
}

const rules = preset({ instructions: 'Be brief.' });

test('preset references: alone, after a model, malformed, and none', () => {
  assert.deepEqual(parsePresetReference('@preset/coding'), { model: null, preset: 'coding' });
  assert.deepEqual(parsePresetReference('gpt-4.1@preset/coding'), { model: 'gpt-4.1', preset: 'coding' });
  assert.deepEqual(parsePresetReference('Qwen/Qwen3-Coder-480B-A35B-Instruct@preset/team_v1.2-x'), { model: 'Qwen/Qwen3-Coder-480B-A35B-Instruct', preset: 'team_v1.2-x' });
  assert.deepEqual(parsePresetReference('@preset/'), { model: null, preset: '' });
  assert.deepEqual(parsePresetReference('gpt-4.1@preset/'), { model: 'gpt-4.1', preset: '' });
  assert.deepEqual(parsePresetReference('@preset/has space'), { model: null, preset: '' });
  assert.deepEqual(parsePresetReference('@preset/a/b'), { model: null, preset: '' });
  assert.equal(parsePresetReference('gpt-4.1'), null);
  assert.equal(parsePresetReference('claude-3-5-sonnet@20240620'), null, 'a Vertex-style version is not a preset');
  assert.equal(parsePresetReference('@Preset/coding'), null);
});

test('chat: instructions are prefixed to a leading system or developer message', () => {
  const system = { messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'hi' }] };
  assert.deepEqual(applyPreset('openai-chat', system, rules), ['instructions']);
  assert.deepEqual(system.messages[0], { role: 'system', content: 'Be brief.\n\nYou are terse.' });

  const developer = { messages: [{ role: 'developer', content: 'Use TypeScript.' }] };
  applyPreset('openai-chat', developer, rules);
  assert.deepEqual(developer.messages, [{ role: 'developer', content: 'Be brief.\n\nUse TypeScript.' }]);

  const empty = { messages: [{ role: 'system', content: '' }] };
  applyPreset('openai-chat', empty, rules);
  assert.deepEqual(empty.messages, [{ role: 'system', content: 'Be brief.' }]);
});

test('chat: a system message made of parts gets a text part first', () => {
  const body = { messages: [{ role: 'system', content: [{ type: 'text', text: 'Mine.' }] }, { role: 'user', content: 'hi' }] };
  applyPreset('openai-chat', body, rules);
  assert.deepEqual(body.messages[0].content, [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Mine.' }]);
  assert.equal(body.messages.length, 2);
});

test('chat: without a leading system message, one is inserted first', () => {
  const body = { messages: [{ role: 'user', content: 'hi' }, { role: 'system', content: 'late' }] };
  applyPreset('openai-chat', body, rules);
  assert.deepEqual(body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }, { role: 'system', content: 'late' }]);

  const nullContent = { messages: [{ role: 'system', content: null }] };
  applyPreset('openai-chat', nullContent, rules);
  assert.deepEqual(nullContent.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'system', content: null }]);

  const noMessages: Record<string, unknown> = {};
  assert.deepEqual(applyPreset('openai-chat', noMessages, rules), [], 'a body without messages is left for the validator');
  assert.deepEqual(noMessages, {});
});

test('responses: instructions are prefixed to the request’s own, or set', () => {
  const own = { instructions: 'Answer in French.' };
  assert.deepEqual(applyPreset('openai-responses', own, rules), ['instructions']);
  assert.equal(own.instructions, 'Be brief.\n\nAnswer in French.');
  const none: Record<string, unknown> = { input: 'hi' };
  applyPreset('openai-responses', none, rules);
  assert.equal(none.instructions, 'Be brief.');
  const nulled: Record<string, unknown> = { instructions: null };
  applyPreset('openai-responses', nulled, rules);
  assert.equal(nulled.instructions, 'Be brief.');
});

test('anthropic: system string prefixed, block list gets a block first, absent set', () => {
  const text = { system: 'Mine.' };
  applyPreset('anthropic', text, rules);
  assert.equal(text.system, 'Be brief.\n\nMine.');
  const blocks = { system: [{ type: 'text', text: 'Mine.', cache_control: { type: 'ephemeral' } }] };
  applyPreset('anthropic', blocks, rules);
  assert.deepEqual(blocks.system, [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Mine.', cache_control: { type: 'ephemeral' } }]);
  const none: Record<string, unknown> = { messages: [] };
  applyPreset('anthropic', none, rules);
  assert.equal(none.system, 'Be brief.');
  const malformed: Record<string, unknown> = { system: 42 };
  assert.deepEqual(applyPreset('anthropic', malformed, rules), []);
  assert.equal(malformed.system, 42);
});

test('nothing the body shares with another call is changed: its lists and messages are replaced', () => {
  // A fusion's members and a comparison's answers are shallow copies of one body.
  const shared = { system: [{ role: 'system', content: 'Mine.' }], parts: [{ role: 'system', content: [{ type: 'text', text: 'Mine.' }] }], user: [{ role: 'user', content: 'hi' }], blocks: [{ type: 'text', text: 'Mine.' }] };
  const before = structuredClone(shared);
  for (const messages of [shared.system, shared.parts, shared.user]) {
    const body = { messages };
    applyPreset('openai-chat', body, rules);
    assert.notEqual(body.messages, messages);
  }
  const anthropic = { system: shared.blocks, messages: shared.user };
  applyPreset('anthropic', anthropic, rules);
  assert.deepEqual(shared, before);
});

const everything = preset({ parameters: { temperature: 0.2, top_p: 0.9, max_tokens: 1000, seed: 7, stop: ['###'], reasoning_effort: 'low' } });

test('chat: every parameter is filled under its Chat name when absent', () => {
  const body: Record<string, unknown> = { messages: [] };
  assert.deepEqual(applyPreset('openai-chat', body, everything), ['temperature', 'top_p', 'max_tokens', 'seed', 'stop', 'reasoning_effort']);
  assert.deepEqual(body, { messages: [], temperature: 0.2, top_p: 0.9, max_tokens: 1000, seed: 7, stop: ['###'], reasoning_effort: 'low' });
  (body.stop as string[]).push('changed');
  assert.deepEqual(everything.parameters.stop, ['###'], 'the preset is not shared with the body');
});

test('chat: what the request set wins, null counts as unset, max_completion_tokens blocks max_tokens', () => {
  const body: Record<string, unknown> = { temperature: 1, top_p: null, max_completion_tokens: 50, seed: 1, stop: 'END', reasoning_effort: 'high' };
  assert.deepEqual(applyPreset('openai-chat', body, everything), ['top_p']);
  assert.deepEqual(body, { temperature: 1, top_p: 0.9, max_completion_tokens: 50, seed: 1, stop: 'END', reasoning_effort: 'high' });
  const zero: Record<string, unknown> = { temperature: 0 };
  applyPreset('openai-chat', zero, everything);
  assert.equal(zero.temperature, 0, 'zero is a value, not an absence');
});

test('responses: max_output_tokens and reasoning.effort; seed and stop are ignored', () => {
  const body: Record<string, unknown> = {};
  assert.deepEqual(applyPreset('openai-responses', body, everything), ['temperature', 'top_p', 'max_tokens', 'reasoning_effort']);
  assert.deepEqual(body, { temperature: 0.2, top_p: 0.9, max_output_tokens: 1000, reasoning: { effort: 'low' } });

  const summary: Record<string, unknown> = { reasoning: { summary: 'auto' }, max_output_tokens: 10 };
  assert.deepEqual(applyPreset('openai-responses', summary, everything), ['temperature', 'top_p', 'reasoning_effort']);
  assert.deepEqual(summary.reasoning, { summary: 'auto', effort: 'low' });
  assert.equal(summary.max_output_tokens, 10);

  const own: Record<string, unknown> = { reasoning: { effort: 'high' } };
  assert.ok(!applyPreset('openai-responses', own, everything).includes('reasoning_effort'));
  assert.deepEqual(own.reasoning, { effort: 'high' });
});

test('anthropic: max_tokens and stop_sequences; seed and reasoning_effort are ignored', () => {
  const body: Record<string, unknown> = {};
  assert.deepEqual(applyPreset('anthropic', body, everything), ['temperature', 'top_p', 'max_tokens', 'stop']);
  assert.deepEqual(body, { temperature: 0.2, top_p: 0.9, max_tokens: 1000, stop_sequences: ['###'] });
  const own: Record<string, unknown> = { max_tokens: 64, stop_sequences: ['x'] };
  assert.deepEqual(applyPreset('anthropic', own, everything), ['temperature', 'top_p']);
  assert.deepEqual([own.max_tokens, own.stop_sequences], [64, ['x']]);
});

test('provider preferences merge under the request’s own fields', () => {
  const routed = preset({ provider: { order: ['groq', 'together'], sort: 'price' } });
  const none: Record<string, unknown> = {};
  assert.deepEqual(applyPreset('openai-chat', none, routed), ['provider']);
  assert.deepEqual(none.provider, { order: ['groq', 'together'], sort: 'price' });
  (none.provider as { order: string[] }).order.push('x');
  assert.deepEqual(routed.provider?.order, ['groq', 'together'], 'the preset is not shared with the body');

  const own: Record<string, unknown> = { provider: { sort: 'latency', ignore: ['azure'] } };
  applyPreset('anthropic', own, routed);
  assert.deepEqual(own.provider, { order: ['groq', 'together'], sort: 'latency', ignore: ['azure'] });

  const covered: Record<string, unknown> = { provider: { order: ['a'], sort: 'throughput' } };
  assert.deepEqual(applyPreset('openai-chat', covered, routed), [], 'nothing added, nothing reported');

  const malformed: Record<string, unknown> = { provider: 'groq' };
  applyPreset('openai-chat', malformed, routed);
  assert.equal(malformed.provider, 'groq', 'left for the router to refuse');
});

test('models become the fallbacks unless the request lists its own', () => {
  const listed = preset({ models: ['a', 'b'] });
  const none: Record<string, unknown> = { model: 'x' };
  assert.deepEqual(applyPreset('openai-responses', none, listed), ['models']);
  assert.deepEqual(none, { model: 'x', models: ['a', 'b'] });
  const own: Record<string, unknown> = { models: ['c'] };
  assert.deepEqual(applyPreset('openai-chat', own, listed), []);
  assert.deepEqual(own.models, ['c']);
});

test('everything at once, in a fixed order, and body.model untouched', () => {
  const full = preset({ model: 'gpt-4.1', models: ['m'], provider: { sort: 'price' }, parameters: { temperature: 0.3 }, instructions: 'Rules.' });
  const body: Record<string, unknown> = { model: '@preset/team', messages: [{ role: 'user', content: 'hi' }] };
  assert.deepEqual(applyPreset('openai-chat', body, full), ['instructions', 'temperature', 'provider', 'models']);
  assert.equal(body.model, '@preset/team');
});

test('the built-in coding preset', () => {
  assert.equal(builtinPresets.length, 1);
  const [coding] = builtinPresets;
  assert.equal(coding.name, 'coding');
  assert.equal(coding.builtin, true);
  assert.equal(coding.model, null);
  assert.equal(coding.provider, null);
  assert.deepEqual(coding.parameters, {});
  assert.equal(coding.description, 'For coding assistants: plan first, keep it simple, change little, check the result');
  assert.equal(coding.models[0], 'claude-sonnet-4-5');
  assert.equal(coding.models.length, 8);
  assert.ok(coding.models.length <= 16, 'fits a request’s `models` limit');
  const lines = (coding.instructions ?? '').split('\n');
  assert.ok(lines.length >= 8 && lines.length <= 14, `${lines.length} lines`);
  assert.ok(!/^#/m.test(coding.instructions ?? ''), 'plain text, no markdown headings');
  for (const topic of [/plan/i, /simplest/i, /stub/i, /existing style/i, /refactor/i, /verif/i]) assert.match(coding.instructions ?? '', topic);
});
