// Structured output on the simulator: a request asking for JSON matching a schema, in each format's
// spelling, gets JSON text with the schema's required properties, so clients' parsers
// (withStructuredOutput, generateObject, ...) have something to validate.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { postJson, useSimulator } from './simulator-helpers.ts';

useSimulator();

const schema = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    days: { type: 'integer' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    when: { type: 'object', properties: { hour: { type: 'number' } }, required: ['hour'] },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
    note: { anyOf: [{ type: 'null' }, { type: 'boolean' }] },
    optional: { type: 'string' },
  },
  required: ['city', 'days', 'unit', 'when', 'tags', 'note'],
  additionalProperties: false,
};
const expected = { city: 'sim', days: 1, unit: 'celsius', when: { hour: 1 }, tags: ['sim'], note: true };
const user = 'Weather in Paris?';

describe('structured output', () => {
  test('Chat Completions: response_format json_schema, and json_object', async () => {
    const answer = await postJson('/v1/chat/completions', { model: 'fast', messages: [{ role: 'user', content: user }], response_format: { type: 'json_schema', json_schema: { name: 'weather', schema } } });
    assert.deepEqual(JSON.parse(answer.choices[0].message.content), expected);
    const json = await postJson('/v1/chat/completions', { model: 'fast', messages: [{ role: 'user', content: user }], response_format: { type: 'json_object' } });
    assert.deepEqual(JSON.parse(json.choices[0].message.content), {});
  });

  test('Responses: text.format json_schema', async () => {
    const answer = await postJson('/v1/responses', { model: 'fast', input: user, text: { format: { type: 'json_schema', name: 'weather', schema } } });
    assert.deepEqual(JSON.parse(answer.output[0].content[0].text), expected);
  });

  test('Anthropic: output_config.format, and the older output_format', async () => {
    for (const field of [{ output_config: { format: { type: 'json_schema', schema } } }, { output_format: { type: 'json_schema', schema } }]) {
      const message = await postJson('/v1/messages', { model: 'fast', max_tokens: 200, messages: [{ role: 'user', content: user }], ...field });
      assert.deepEqual(JSON.parse(message.content[0].text), expected);
    }
  });

  test('Gemini: responseJsonSchema, responseSchema in capitals, and JSON mode', async () => {
    const request = (config: Record<string, unknown>): Promise<any> =>
      postJson('/v1beta/models/fast:generateContent', { contents: [{ role: 'user', parts: [{ text: user }] }], generationConfig: { responseMimeType: 'application/json', ...config } });
    const text = (answer: any): unknown => JSON.parse(answer.candidates[0].content.parts[0].text);
    assert.deepEqual(text(await request({ responseJsonSchema: schema })), expected);
    assert.deepEqual(text(await request({ responseSchema: { type: 'OBJECT', properties: { n: { type: 'INTEGER' } }, required: ['n'] } })), { n: 1 });
    assert.deepEqual(text(await request({})), {});
  });

  test('without a schema the answer stays generated text', async () => {
    const answer = await postJson('/v1/chat/completions', { model: 'fast', messages: [{ role: 'user', content: user }], response_format: { type: 'text' } });
    assert.match(answer.choices[0].message.content, /^Simulated reply/);
  });
});
