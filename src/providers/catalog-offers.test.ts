// The built-in catalog against the provider definitions: every offer and every data policy names a
// provider the gateway can call, and every provider has a data policy. Here, not beside the catalog,
// because the providers import the catalog and not the other way round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from '../catalog/builtin.ts';
import { providerDefinitions } from './definitions/index.ts';

const { models, dataPolicies } = builtinCatalog;
const known = new Set(providerDefinitions.map((definition) => definition.id));

test('every offer names a known provider definition, at most once per model', () => {
  for (const model of models) {
    const providers = model.offers.map((offer) => offer.provider);
    for (const provider of providers) assert.ok(known.has(provider), `${model.id}: unknown provider ${provider}`);
    assert.equal(new Set(providers).size, providers.length, `${model.id}: a provider offers it twice`);
    for (const offer of model.offers) assert.ok(offer.upstream.length > 0, `${model.id}: empty upstream for ${offer.provider}`);
  }
});

test('every provider that offers a model, and every known provider, has a data policy', () => {
  for (const model of models) {
    for (const offer of model.offers) assert.ok(dataPolicies[offer.provider], `no data policy for ${offer.provider}`);
  }
  for (const id of known) if (id !== 'openai-compatible') assert.ok(dataPolicies[id], `no data policy for ${id}`);
  for (const [id, policy] of Object.entries(dataPolicies)) {
    assert.ok(known.has(id), `data policy for unknown provider ${id}`);
    assert.ok(policy.retentionDays === null || (Number.isInteger(policy.retentionDays) && policy.retentionDays >= 0), `${id}: retention`);
  }
});
