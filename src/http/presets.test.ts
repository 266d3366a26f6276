import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinPresets } from '../routing/presets.ts';
import type { RequestContext } from './context.ts';
import { handleListPresets } from './presets.ts';

test('GET /v1/presets lists each preset in an OpenAI-style list', () => {
  const sent: { status?: number; headers?: Record<string, unknown>; body?: string } = {};
  const response = {
    writeHead(status: number, headers: Record<string, unknown>) {
      sent.status = status;
      sent.headers = headers;
    },
    end(body: string) {
      sent.body = body;
    },
  };
  handleListPresets({ requestId: 'req-1', response, finish: (body: string) => response.end(body) } as unknown as RequestContext, builtinPresets);
  assert.equal(sent.status, 200);
  assert.equal(sent.headers?.['content-type'], 'application/json');
  const listed = JSON.parse(sent.body ?? '');
  assert.equal(listed.object, 'list');
  const [coding] = builtinPresets;
  assert.deepEqual(listed.data, [{
    id: 'coding', object: 'preset', description: coding.description, model: null, models: coding.models,
    provider: null, parameters: {}, instructions: coding.instructions, builtin: true,
  }]);
});
