import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinPresets } from '../routing/presets.ts';
import { readPresets } from './presets.ts';
import { ConfigError, Validator } from './validate.ts';

function read(raw: unknown) {
  return readPresets(raw, ['presets'], new Validator('modelmux.yaml', () => 3));
}

function fails(raw: unknown, where: string, problem: RegExp): void {
  assert.throws(() => read(raw), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(error.message.startsWith(`modelmux.yaml:3: ${where}: `), error.message);
    assert.match(error.message, problem);
    assert.match(error.message, /Fix: .+\.$/);
    return true;
  });
}

test('no presets section: the built-ins', () => {
  assert.deepEqual(read(undefined), [...builtinPresets]);
  assert.deepEqual(read(null), [...builtinPresets]);
  assert.deepEqual(read({}), [...builtinPresets]);
});

test('a full preset is read, snake_case in, after the built-ins', () => {
  const presets = read({
    'team-a.v2': {
      description: 'Our rules',
      model: 'gpt-4.1',
      models: ['claude-sonnet-4-5', 'gpt-5'],
      provider: { order: ['groq'], sort: 'price', quantizations: ['fp8'] },
      parameters: { temperature: 0.3, top_p: 1, max_tokens: 2048, seed: 42, stop: ['###'], reasoning_effort: 'medium' },
      instructions: 'Answer in English.\nCite files.\n',
    },
  });
  assert.deepEqual(presets.map((preset) => preset.name), ['coding', 'team-a.v2']);
  assert.deepEqual(presets[1], {
    name: 'team-a.v2',
    description: 'Our rules',
    model: 'gpt-4.1',
    models: ['claude-sonnet-4-5', 'gpt-5'],
    provider: { order: ['groq'], sort: 'price', quantizations: ['fp8'] },
    parameters: { temperature: 0.3, top_p: 1, max_tokens: 2048, seed: 42, stop: ['###'], reasoning_effort: 'medium' },
    instructions: 'Answer in English.\nCite files.',
    builtin: false,
  });
});

test('a minimal preset gets empty defaults; one stop sequence may be a plain string', () => {
  const [, minimal] = read({ terse: { instructions: 'Be brief.' }, stops: { parameters: { stop: 'END' } } });
  assert.deepEqual(minimal, { name: 'terse', description: null, model: null, models: [], provider: null, parameters: {}, instructions: 'Be brief.', builtin: false });
  assert.deepEqual(read({ stops: { parameters: { stop: 'END' } } })[1].parameters, { stop: ['END'] });
});

test('a configured `coding` replaces the built-in in place', () => {
  const presets = read({ mine: { model: 'x' }, coding: { model: 'gpt-4.1', instructions: 'House rules.' } });
  assert.deepEqual(presets.map((preset) => preset.name), ['coding', 'mine']);
  assert.deepEqual([presets[0].model, presets[0].instructions, presets[0].builtin, presets[0].models], ['gpt-4.1', 'House rules.', false, []]);
});

test('the section and each preset must be mappings', () => {
  fails(['coding'], 'presets', /expected a mapping/);
  fails({ team: 'gpt-4.1' }, 'presets.team', /expected a mapping/);
  fails({ team: null }, 'presets.team', /expected a mapping/);
});

test('names, keys and emptiness', () => {
  fails({ 'my team': { model: 'x' } }, 'presets.my team', /may only contain letters, digits/);
  fails({ 'a/b': { model: 'x' } }, 'presets.a/b', /may only contain/);
  fails({ team: { modle: 'x' } }, 'presets.team.modle', /unknown key "modle".*did you mean "model"/);
  fails({ team: { description: 'nothing else' } }, 'presets.team', /preset "team" sets nothing/);
  fails({ team: { parameters: {}, provider: {}, models: [], instructions: '  ' } }, 'presets.team', /sets nothing/);
});

test('model, models, description and instructions', () => {
  fails({ team: { model: '' } }, 'presets.team.model', /non-empty string/);
  fails({ team: { model: 4 } }, 'presets.team.model', /non-empty string/);
  fails({ team: { models: 'gpt-4.1' } }, 'presets.team.models', /list of strings/);
  fails({ team: { models: ['a', ''] } }, 'presets.team.models[1]', /model name is empty/);
  fails({ team: { models: Array.from({ length: 17 }, (_, index) => `m${index}`) } }, 'presets.team.models', /at most 16/);
  fails({ team: { model: 'x', description: 5 } }, 'presets.team.description', /expected a string/);
  fails({ team: { instructions: ['a'] } }, 'presets.team.instructions', /expected a string/);
});

test('provider preferences are checked as a request would be', () => {
  fails({ team: { provider: 'groq' } }, 'presets.team.provider', /expected a mapping/);
  fails({ team: { provider: { order: 'groq' } } }, 'presets.team.provider.order', /must be a list of provider names.*Fix: use OpenRouter's provider fields/);
  fails({ team: { provider: { sort: 'cheap' } } }, 'presets.team.provider.sort', /"price", "throughput" or "latency"/);
  fails({ team: { provider: { max_price: { prompt: -1 } } } }, 'presets.team.provider.max_price.prompt', /price in USD/);
  fails({ team: { provider: { data_collection: 'no' } } }, 'presets.team.provider.data_collection', /"allow" or "deny"/);
});

test('parameters: keys, ranges and choices', () => {
  const parameters = (values: Record<string, unknown>) => ({ team: { parameters: values } });
  fails(parameters({ temprature: 1 }), 'presets.team.parameters.temprature', /did you mean "temperature"/);
  fails(parameters({ temperature: 2.5 }), 'presets.team.parameters.temperature', /2.5 is above 2.*from 0 to 2/);
  fails(parameters({ temperature: -0.1 }), 'presets.team.parameters.temperature', /number >= 0/);
  fails(parameters({ temperature: '0.2' }), 'presets.team.parameters.temperature', /number >= 0/);
  fails(parameters({ top_p: 1.5 }), 'presets.team.parameters.top_p', /above 1/);
  fails(parameters({ max_tokens: 0 }), 'presets.team.parameters.max_tokens', /whole number from 1/);
  fails(parameters({ max_tokens: 10.5 }), 'presets.team.parameters.max_tokens', /whole number/);
  fails(parameters({ seed: 1.5 }), 'presets.team.parameters.seed', /whole number/);
  fails(parameters({ stop: [1] }), 'presets.team.parameters.stop', /list of strings/);
  fails(parameters({ reasoning_effort: 'max' }), 'presets.team.parameters.reasoning_effort', /one of minimal, low, medium, high/);
  fails({ team: { parameters: 'hot' } }, 'presets.team.parameters', /expected a mapping/);
  assert.deepEqual(read(parameters({ temperature: 0, top_p: 0, reasoning_effort: 'minimal' }))[1].parameters, { temperature: 0, top_p: 0, reasoning_effort: 'minimal' });
});
