import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from './builtin.ts';

const { models, dataPolicies } = builtinCatalog;

test('the version is a date', () => {
  assert.match(builtinCatalog.version, /^\d{4}-\d{2}-\d{2}$/);
});

test('model ids are unique, also ignoring case', () => {
  const ids = models.map((model) => model.id.toLowerCase());
  assert.equal(new Set(ids).size, ids.length);
});

test("aliases are unique and never another model's id (ignoring case, as lookups do)", () => {
  const owner = new Map<string, string>();
  for (const model of models) owner.set(model.id.toLowerCase(), model.id);
  const seen = new Set<string>();
  for (const model of models) {
    for (const alias of model.aliases) {
      const lower = alias.toLowerCase();
      assert.ok(!seen.has(lower), `alias ${alias} appears twice`);
      seen.add(lower);
      const other = owner.get(lower);
      assert.ok(other === undefined || other === model.id, `alias ${alias} of ${model.id} is the id of ${other}`);
    }
  }
});

test('prices are finite and not negative', () => {
  for (const model of models) {
    for (const offer of model.offers) {
      if (!offer.prices) continue;
      const where = `${model.id} on ${offer.provider}`;
      const { input, output, cachedInput, cacheWrite } = offer.prices;
      for (const value of [input, output]) assert.ok(Number.isFinite(value) && value >= 0, `${where}: ${value}`);
      for (const value of [cachedInput, cacheWrite]) assert.ok(value === null || (Number.isFinite(value) && value >= 0), `${where}: ${value}`);
      if (cachedInput !== null) assert.ok(cachedInput <= input, `${where}: cached input costs more than input`);
    }
  }
});

test('limits are positive where given', () => {
  for (const model of models) {
    for (const value of [model.contextWindow, model.maxOutput, ...model.offers.flatMap((offer) => [offer.contextWindow, offer.maxOutput])]) {
      assert.ok(value === null || value === undefined || (Number.isInteger(value) && value > 0), `${model.id}: limit ${value}`);
    }
  }
});

test('every model has at least one offer and a licence', () => {
  for (const model of models) {
    assert.ok(model.offers.length > 0, `${model.id} has no offer`);
    assert.ok(model.license.name.length > 0, `${model.id} has no licence name`);
  }
});

test('local servers have no catalog offers', () => {
  const local = new Set(['ollama', 'vllm', 'llamacpp', 'lmstudio']);
  for (const model of models) for (const offer of model.offers) assert.ok(!local.has(offer.provider), `${model.id} offered by ${offer.provider}`);
});

test('routing has choices: at least 5 models are served by 3 or more providers', () => {
  assert.ok(models.filter((model) => model.offers.length >= 3).length >= 5);
});

test('an open-weight model whose licence forbids commercial use is served', () => {
  assert.ok(models.some((model) => model.openWeights && !model.license.commercial && model.offers.length > 0));
});
