// The built-in presets name models by the catalog's ids, so each of their models resolves on a
// gateway whose providers serve it, instead of being skipped as unknown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinCatalog } from '../src/catalog/builtin.ts';
import { builtinPresets } from '../src/routing/presets.ts';

test('every model of every built-in preset is a catalog id', () => {
  const ids = new Set(builtinCatalog.models.map((model) => model.id));
  for (const preset of builtinPresets) {
    for (const model of [...(preset.model === null ? [] : [preset.model]), ...preset.models]) {
      assert.ok(ids.has(model), `preset "${preset.name}" names ${model}, which is not a catalog id`);
    }
  }
});
