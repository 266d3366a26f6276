// The simulator's Bedrock Converse endpoints, read back through the gateway's own Converse codec:
// what the simulator sends is what the codec must understand.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatRequest, EncodeTarget, StreamEvent } from '../protocol/ir.ts';
import { bedrockConverseCodec } from '../protocol/bedrock/codec.ts';
import { signAwsRequest } from '../providers/auth/sigv4.ts';
import { startSimulator } from './index.ts';
import type { Simulator } from './index.ts';

const target: EncodeTarget = { upstreamModel: 'anthropic.claude-3-5-haiku-20241022-v1:0', quirks: {} };
let simulator: Simulator;

before(async () => {
  simulator = await startSimulator();
});
after(() => simulator.close());

function chat(fields: Partial<ChatRequest> = {}): ChatRequest {
  return {
    source: 'anthropic',
    model: 'haiku',
    system: [{ type: 'text', text: 'You are terse.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] }],
    tools: [],
    stream: false,
    includeUsage: false,
    extra: {},
    sourceOnly: [],
    ...fields,
  };
}

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather',
  parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
};

async function send(request: ChatRequest, headers: Record<string, string> = {}): Promise<Response> {
  const encoded = bedrockConverseCodec.encodeRequest(request, target);
  const url = new URL(simulator.url + encoded.path);
  const body = JSON.stringify(encoded.body);
  const base = { 'content-type': 'application/json', ...headers };
  const signed = signAwsRequest({
    method: 'POST',
    url,
    headers: base,
    body,
    region: 'us-east-1',
    service: 'bedrock',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  return fetch(url, { method: 'POST', headers: { ...base, ...signed }, body });
}

async function streamEvents(response: Response): Promise<{ events: StreamEvent[]; malformed: string | null }> {
  const decoder = bedrockConverseCodec.createStreamDecoder(target);
  const events: StreamEvent[] = [];
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      events.push(...decoder.push(value));
    }
  } catch {
    // A connection the simulator drops on purpose ends the body with an error.
  }
  events.push(...decoder.end());
  return { events, malformed: decoder.malformed };
}

describe('simulated Bedrock Converse', () => {
  test('converse with a tool answers a toolUse the codec decodes', async () => {
    const response = await send(chat({ tools: [weatherTool] }));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    const decoded = bedrockConverseCodec.decodeResponse(await response.json(), target);
    assert.equal(decoded.finishReason, 'tool-calls');
    assert.equal(decoded.content.length, 1);
    const [call] = decoded.content;
    assert.ok(call.type === 'tool-call');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'sim', days: 1 });
    assert.equal(decoded.usage?.outputTokens, Math.ceil(call.arguments.length / 8));

    const recorded = simulator.requests.at(-1);
    assert.equal(recorded?.path, `/model/${encodeURIComponent(target.upstreamModel)}/converse`);
    assert.match(String(recorded?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
  });

  test('converse without tools answers text, cut by maxTokens', async () => {
    const response = await send(chat({ maxOutputTokens: 4 }));
    const decoded = bedrockConverseCodec.decodeResponse(await response.json(), target);
    assert.equal(decoded.finishReason, 'length');
    assert.equal(decoded.usage?.outputTokens, 4);
    assert.ok(decoded.content[0].type === 'text' && decoded.content[0].text.startsWith('Simulated reply from'));
  });

  test('converse-stream with a tool streams the call in event-stream frames', async () => {
    const response = await send(chat({ tools: [weatherTool], stream: true }));
    assert.equal(response.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    const { events, malformed } = await streamEvents(response);
    assert.equal(malformed, null);
    assert.deepEqual(events.map((event) => event.type).filter((type, index, all) => type !== all[index - 1]),
      ['start', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'usage', 'finish']);
    const start = events.find((event) => event.type === 'tool-call-start');
    assert.ok(start?.type === 'tool-call-start' && start.name === 'get_weather' && /^tooluse_sim\d+$/.test(start.id));
    const argumentsText = events.map((event) => (event.type === 'tool-call-delta' ? event.arguments : '')).join('');
    assert.deepEqual(JSON.parse(argumentsText), { city: 'sim', days: 1 });
    assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'tool-calls', stopSequence: null });
  });

  test('converse-stream text matches the whole answer, token by token', async () => {
    const { events } = await streamEvents(await send(chat({ stream: true })));
    const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
    const whole = bedrockConverseCodec.decodeResponse(await (await send(chat())).json(), target);
    assert.ok(whole.content[0].type === 'text');
    assert.equal(text, whole.content[0].text);
    assert.equal(events.filter((event) => event.type === 'text-delta').length, 16);
    const usage = events.find((event) => event.type === 'usage');
    assert.ok(usage?.type === 'usage' && usage.usage.outputTokens === 16);
  });
});

test('a paced stream (time to first token, tokens per second) arrives whole', async () => {
  const headers = { 'x-sim-ttft-ms': '5', 'x-sim-tokens-per-second': '2000', 'x-sim-output-tokens': '5' };
  const { events, malformed } = await streamEvents(await send(chat({ stream: true }), headers));
  assert.equal(malformed, null);
  assert.equal(events.filter((event) => event.type === 'text-delta').length, 5);
  assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'stop', stopSequence: null });
});

describe('simulated Bedrock faults', () => {
  test('429 comes in Bedrock\'s error shape', async () => {
    const response = await send(chat(), { 'x-sim-fault': '429' });
    assert.equal(response.status, 429);
    assert.match(response.headers.get('x-amzn-errortype') ?? '', /^ThrottlingException:/);
    assert.deepEqual(Object.keys((await response.json()) as object), ['message']);
  });

  test('a malformed stream has a frame with a broken checksum', async () => {
    const { events, malformed } = await streamEvents(await send(chat({ stream: true }), { 'x-sim-fault': 'malformed' }));
    assert.match(malformed ?? '', /checksum/);
    assert.equal(events.filter((event) => event.type === 'text-delta').length, 3);
  });

  test('a cut stream never finishes', async () => {
    const { events } = await streamEvents(await send(chat({ stream: true }), { 'x-sim-fault': 'cut', 'x-sim-fault-after': '2' }));
    assert.equal(events.filter((event) => event.type === 'text-delta').length, 2);
    assert.equal(events.some((event) => event.type === 'finish'), false);
  });

  test('an unknown operation is a 404 in Bedrock\'s shape', async () => {
    const response = await fetch(`${simulator.url}/model/x/invoke-something`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('x-amzn-errortype') ?? '', /^ResourceNotFoundException:/);
  });
});
