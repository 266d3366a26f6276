// Codex's default model declares its tools in an `additional_tools` input item (a `functions`
// namespace holding the custom `exec` tool of code mode, and function tools) rather than in
// `tools`. For a provider of another format those tools join the request's tools; a Responses
// provider gets the item where it stood.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { providerCodec } from '../codecs.ts';
import type { EncodeTarget } from '../ir.ts';
import { openAIResponsesFacts } from './facts.ts';
import { decodeRequest, encodeRequest } from './request.ts';

const target: EncodeTarget = { upstreamModel: 'upstream', quirks: {} };
const schema = { type: 'object', properties: { cell_id: { type: 'string' } }, required: ['cell_id'] };

function codexBody(): Record<string, unknown> {
  return {
    model: 'gpt-6',
    input: [
      {
        type: 'additional_tools',
        id: 'at_1',
        role: 'developer',
        tools: [
          {
            type: 'namespace',
            name: 'functions',
            description: '',
            tools: [
              { type: 'custom', name: 'exec', description: 'Runs JavaScript.', format: { type: 'grammar', syntax: 'lark', definition: 'start: SOURCE' } },
              { type: 'function', name: 'wait', description: 'Waits on a cell.', strict: false, parameters: schema },
            ],
          },
          { type: 'function', name: 'view_image', parameters: schema },
        ],
      },
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hi.' }] },
    ],
    tools: [{ type: 'function', name: 'shell', parameters: schema }],
    tool_choice: 'auto',
  };
}

test('the tools of an additional_tools item join the request\'s, after `tools`, each with its place', () => {
  const request = decodeRequest(codexBody());
  const summary = request.tools.map((tool) => (tool.type === 'function' ? [tool.name, tool.namespace?.name, tool.freeform !== undefined, tool.param] : ['native']));
  assert.deepEqual(summary, [
    ['shell', undefined, false, undefined],
    ['exec', 'functions', true, 'input[0].tools[0].tools[0]'],
    ['wait', 'functions', false, 'input[0].tools[0].tools[1]'],
    ['view_image', undefined, false, 'input[0].tools[1]'],
  ]);
  // The item is no message: the conversation is the developer and user messages.
  assert.deepEqual(request.messages.map((message) => message.role), ['user']);
  assert.deepEqual(request.system.map((part) => part.text), ['You are Codex.']);
  // Nothing is kept aside to be named in `dropped`, and nothing is refused.
  assert.deepEqual(request.extra, {});
  assert.deepEqual(request.sourceOnly, []);
});

test('the routing facts count tools declared only in the input', () => {
  const body = codexBody();
  delete body.tools;
  assert.equal(openAIResponsesFacts.usesTools(body), true);
  assert.equal(openAIResponsesFacts.usesTools({ model: 'm', input: [{ type: 'additional_tools', role: 'developer', tools: [] }] }), false);
  assert.equal(openAIResponsesFacts.usesTools({ model: 'm', input: 'hi' }), false);
});

for (const format of ['openai-chat', 'anthropic', 'gemini', 'bedrock-converse'] as const) {
  test(`a ${format} provider gets every tool, the item's with flat names, and nothing is dropped`, () => {
    const encoded = providerCodec(format).encodeRequest(decodeRequest(codexBody()), target);
    assert.deepEqual(encoded.dropped, []);
    const sent = JSON.stringify(encoded.body);
    for (const name of ['"shell"', '"functions__exec"', '"functions__wait"', '"view_image"']) assert.ok(sent.includes(name), `${name} in ${sent}`);
    assert.ok(!sent.includes('additional_tools'), sent);
  });
}

test('a Responses provider gets the item where it stood, its tools not repeated in `tools`', () => {
  const original = codexBody();
  const encoded = encodeRequest(decodeRequest(structuredClone(original)), target);
  assert.deepEqual(encoded.body.input, original.input);
  assert.deepEqual(encoded.body.tools, original.tools);
  assert.deepEqual(encoded.dropped, []);
});

test('an additional_tools item that is not well formed is a 400 naming its field', () => {
  const cases: Array<[unknown, string]> = [
    [{ type: 'additional_tools', role: 'developer' }, 'input[0].tools'],
    [{ type: 'additional_tools', role: 'developer', tools: {} }, 'input[0].tools'],
    [{ type: 'additional_tools', role: 'developer', tools: ['x'] }, 'input[0].tools[0]'],
    [{ type: 'additional_tools', role: 'developer', tools: [{ type: 'function' }] }, 'input[0].tools[0].name'],
    [{ type: 'additional_tools', role: 'developer', tools: [{ type: 'namespace', name: 'n', tools: [{ type: 'custom', name: 'c', format: { type: 'grammar' } }] }] }, 'input[0].tools[0].tools[0].format.syntax'],
  ];
  for (const [item, param] of cases) {
    assert.throws(() => decodeRequest({ model: 'm', input: [item] }), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param, param);
  }
});
