// Custom tools (free-form text input, Codex's apply_patch) reach providers of every format as a
// function of one string `input`, and the calls those providers make come back to the Responses
// client as `custom_tool_call` items, whole and streamed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { providerCodec } from '../codecs.ts';
import type { ChatResponse, EncodeContext, EncodeTarget, StreamEvent, WireFormat } from '../ir.ts';
import { customCallInput, CustomInputPieces } from './custom-tools.ts';
import { decodeRequest, encodeRequest } from './request.ts';
import { encodeResponse } from './response.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

const target: EncodeTarget = { upstreamModel: 'upstream', quirks: {} };
const patch = '*** Begin Patch\n*** Update File: a.ts\n@@\n-const a = "x";\n+const a = "y";\n*** End Patch\n';
const grammar = 'start: begin_patch hunk+ end_patch';
const applyPatch = { type: 'custom', name: 'apply_patch', description: 'Edits files.', format: { type: 'grammar', syntax: 'lark', definition: grammar } };

function codexBody(): Record<string, unknown> {
  return {
    model: 'gpt-5-codex',
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix it.' }] },
      { type: 'custom_tool_call', id: 'ctc_1', status: 'completed', call_id: 'call_1', name: 'apply_patch', input: patch },
      { type: 'custom_tool_call_output', call_id: 'call_1', output: 'Done!' },
    ],
    tools: [
      { type: 'function', name: 'shell', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
      applyPatch,
      { type: 'namespace', name: 'functions', description: '', tools: [{ type: 'custom', name: 'exec', description: 'Runs JavaScript.' }] },
    ],
  };
}

test('a custom tool is a function of one string, its format said in the parameter\'s description', () => {
  const [, custom, exec] = decodeRequest(codexBody()).tools;
  assert.deepEqual(custom, {
    type: 'function',
    name: 'apply_patch',
    description: 'Edits files.',
    parameters: { type: 'object', properties: { input: { type: 'string', description: `The tool's input: free-form text, given to the tool exactly as written. It must match this Lark grammar:\n${grammar}` } }, required: ['input'] },
    freeform: applyPatch,
  });
  assert.ok(exec.type === 'function' && exec.namespace?.name === 'functions' && exec.param === 'tools[2].tools[0]');
  assert.deepEqual(exec.parameters, { type: 'object', properties: { input: { type: 'string', description: 'The tool\'s input: free-form text, given to the tool exactly as written.' } }, required: ['input'] });
  const regex = decodeRequest({ model: 'm', tools: [{ type: 'custom', name: 'sql', format: { type: 'grammar', syntax: 'regex', definition: 'SELECT .+' } }] }).tools[0];
  assert.match(JSON.stringify(regex), /must match this regular expression:\\nSELECT \.\+/);
});

test('a custom tool that is not well formed is a 400 naming its field', () => {
  const cases: Array<[unknown, string]> = [
    [{ type: 'custom' }, 'tools[0].name'],
    [{ type: 'custom', name: 'x', description: 3 }, 'tools[0].description'],
    [{ type: 'custom', name: 'x', format: 'lark' }, 'tools[0].format'],
    [{ type: 'custom', name: 'x', format: { type: 'json' } }, 'tools[0].format.type'],
    [{ type: 'custom', name: 'x', format: { type: 'grammar', syntax: 'peg', definition: 'a' } }, 'tools[0].format.syntax'],
    [{ type: 'custom', name: 'x', format: { type: 'grammar', syntax: 'lark' } }, 'tools[0].format.definition'],
    [{ type: 'namespace', name: 'n', tools: [{ type: 'custom', name: '' }] }, 'tools[0].tools[0].name'],
  ];
  for (const [tool, param] of cases) {
    assert.throws(() => decodeRequest({ model: 'm', tools: [tool] }), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param, param);
  }
});

/** The function each format declares for apply_patch, and the history's call of it, as sent. */
function sentToProvider(format: WireFormat, body: Record<string, unknown>): { declared: unknown; called: unknown } {
  const messages = (body.messages ?? body.contents) as Array<Record<string, any>>;
  if (format === 'openai-chat') {
    const tool = (body.tools as Array<Record<string, any>>)[1].function;
    return { declared: [tool.name, tool.parameters.required], called: JSON.parse(messages[1].tool_calls[0].function.arguments) };
  }
  if (format === 'anthropic') {
    const tool = (body.tools as Array<Record<string, any>>)[1];
    return { declared: [tool.name, tool.input_schema.required], called: messages[1].content[0].input };
  }
  if (format === 'gemini') {
    const tool = (body.tools as Array<Record<string, any>>)[0].functionDeclarations[1];
    return { declared: [tool.name, tool.parametersJsonSchema.required], called: messages[1].parts[0].functionCall.args };
  }
  const tool = (body.toolConfig as Record<string, any>).tools[1].toolSpec;
  return { declared: [tool.name, tool.inputSchema.json.required], called: messages[1].content[0].toolUse.input };
}

for (const format of ['openai-chat', 'anthropic', 'gemini', 'bedrock-converse'] as const) {
  test(`a ${format} provider gets the custom tools as functions and the history's call with its input`, () => {
    const encoded = providerCodec(format).encodeRequest(decodeRequest(codexBody()), target);
    assert.deepEqual(encoded.dropped, []);
    assert.deepEqual(sentToProvider(format, encoded.body), { declared: ['apply_patch', ['input']], called: { input: patch } });
    const sent = JSON.stringify(encoded.body);
    assert.ok(sent.includes('functions__exec') && sent.includes('Done!'), sent);
  });
}

test('a Responses provider gets the custom tools and the history\'s items as the client sent them', () => {
  const original = codexBody();
  const encoded = encodeRequest(decodeRequest(structuredClone(original)), target);
  assert.deepEqual(encoded.body.tools, original.tools);
  const input = encoded.body.input as unknown[];
  assert.deepEqual(input[1], { type: 'custom_tool_call', call_id: 'call_1', name: 'apply_patch', input: patch, id: 'ctc_1' });
  assert.deepEqual(input[2], { type: 'custom_tool_call_output', call_id: 'call_1', output: 'Done!' });
  assert.deepEqual(encoded.body.tool_choice, undefined);
  assert.deepEqual(encodeRequest(decodeRequest({ ...structuredClone(original), tool_choice: { type: 'custom', name: 'apply_patch' } }), target).body.tool_choice, { type: 'custom', name: 'apply_patch' });
});

const context: EncodeContext = { model: 'm', includeUsage: true, request: decodeRequest(codexBody()) };
const argumentsText = JSON.stringify({ input: patch });

test('a provider\'s whole answer calling a custom tool gives custom_tool_call items, namespaced where declared', () => {
  const answer: ChatResponse = {
    id: 'chatcmpl-1',
    model: 'm',
    created: 1,
    content: [
      { type: 'tool-call', id: 'call_2', name: 'apply_patch', arguments: argumentsText },
      { type: 'tool-call', id: 'call_3', name: 'functions__exec', arguments: '{"input":"await tools.shell()"}' },
      { type: 'tool-call', id: 'call_4', name: 'shell', arguments: '{"cmd":"ls"}' },
    ],
    finishReason: 'tool-calls',
    usage: null,
  };
  const output = (encodeResponse(answer, context).output as Array<Record<string, unknown>>).map(({ id, ...item }) => {
    assert.match(String(id), item.type === 'custom_tool_call' ? /^ctc_/ : /^fc_/);
    return item;
  });
  assert.deepEqual(output, [
    { type: 'custom_tool_call', status: 'completed', call_id: 'call_2', name: 'apply_patch', input: patch },
    { type: 'custom_tool_call', status: 'completed', call_id: 'call_3', name: 'exec', input: 'await tools.shell()', namespace: 'functions' },
    { type: 'function_call', status: 'completed', arguments: '{"cmd":"ls"}', call_id: 'call_4', name: 'shell' },
  ]);
});

function streamed(events: StreamEvent[]): Array<Record<string, any>> {
  const encoder = new ResponsesStreamEncoder(context);
  const sse = events.map((event) => encoder.push(event)).join('') + encoder.end();
  return sse.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as Record<string, any>);
}

test('a provider\'s streamed call of a custom tool streams as the custom tool call\'s input', () => {
  // Arguments arrive as providers split them, with whitespace JSON allows around the tokens.
  const spaced = `{ "input" :  ${JSON.stringify(patch)} }`;
  const events: StreamEvent[] = [{ type: 'tool-call-start', index: 0, id: 'call_2', name: 'apply_patch' }];
  for (let offset = 0; offset < spaced.length; offset += 5) events.push({ type: 'tool-call-delta', index: 0, arguments: spaced.slice(offset, offset + 5) });
  events.push({ type: 'tool-call-end', index: 0 }, { type: 'finish', finishReason: 'tool-calls' });
  const data = streamed(events);
  const added = data.find((event) => event.type === 'response.output_item.added');
  assert.deepEqual({ ...added?.item, id: undefined }, { id: undefined, type: 'custom_tool_call', status: 'in_progress', call_id: 'call_2', name: 'apply_patch', input: '' });
  const deltas = data.filter((event) => event.type === 'response.custom_tool_call_input.delta').map((event) => event.delta as string);
  assert.ok(deltas.length > 5, 'the input streams as it arrives');
  assert.equal(deltas.join(''), patch);
  assert.deepEqual(data.filter((event) => event.type === 'response.custom_tool_call_input.done').map((event) => event.input), [patch]);
  assert.ok(!data.some((event) => String(event.type).startsWith('response.function_call_arguments')));
  const done = data.find((event) => event.type === 'response.output_item.done')?.item;
  assert.deepEqual([done.type, done.name, done.input, done.id], ['custom_tool_call', 'apply_patch', patch, added?.item.id]);
  const completed = data.at(-1);
  assert.equal(completed?.type, 'response.completed');
  assert.deepEqual(completed?.response.output, [done]);
});

test('a streamed call of a namespaced custom tool comes back in its namespace; arguments of another shape are read whole', () => {
  const data = streamed([
    { type: 'tool-call-start', index: 0, id: 'call_3', name: 'functions__exec' },
    { type: 'tool-call-delta', index: 0, arguments: '{"code": "1 + 1"}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'finish', finishReason: 'tool-calls' },
  ]);
  const done = data.find((event) => event.type === 'response.output_item.done')?.item;
  assert.deepEqual([done.type, done.name, done.namespace, done.input], ['custom_tool_call', 'exec', 'functions', '{"code": "1 + 1"}']);
  const deltas = data.filter((event) => event.type === 'response.custom_tool_call_input.delta').map((event) => event.delta);
  assert.deepEqual(deltas, ['{"code": "1 + 1"}'], 'the whole text once it is complete');
});

test('the input of a call: its `input`, else a bare string, else the arguments as they came', () => {
  assert.equal(customCallInput('{"input":"a\\nb"}'), 'a\nb');
  assert.equal(customCallInput('"raw"'), 'raw');
  assert.equal(customCallInput('*** Begin Patch'), '*** Begin Patch');
  assert.equal(customCallInput('{"patch":"x"}'), '{"patch":"x"}');
  assert.equal(customCallInput(''), '');
});

test('input pieces: escapes split anywhere, nothing past the closing quote, nothing from another shape', () => {
  const pieces = new CustomInputPieces();
  const given = ['{', '"in', 'put"', ':"a\\', 'nb\\u00', 'e9', '"', '}'].map((piece) => pieces.push(piece));
  assert.deepEqual(given, ['', '', '', 'a', '\nb', 'é', '', '']);
  assert.equal(pieces.sent, 'a\nbé');
  const other = new CustomInputPieces();
  assert.deepEqual(['{"cmd"', ':"ls"}'].map((piece) => other.push(piece)), ['', '']);
  assert.equal(other.sent, '');
});
