// The Vercel `ai` SDK as a client of the gateway: its OpenAI Chat, OpenAI Responses and Anthropic
// providers, each against every provider wire format. Two explicit turns per case, whole
// (generateText) and streamed (streamText): the model calls the one tool offered; then, given the
// tool's result the way the SDK passes it back (its own response messages plus a `tool` message),
// it answers in text. The SDK never runs the tool itself (the tool has no `execute`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import type { LanguageModel, LanguageModelUsage, ModelMessage } from 'ai';
import { formatProviders, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const providers = Object.keys(formatProviders) as (keyof typeof formatProviders)[];

/** One client of the gateway per ai SDK provider (and OpenAI API). */
const clients: Record<string, (stack: Stack, fetch: typeof globalThis.fetch, model: string) => LanguageModel> = {
  'openai chat': (stack, fetch, model) => createOpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'client-key', fetch }).chat(model),
  'openai responses': (stack, fetch, model) => createOpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'client-key', fetch }).responses(model),
  anthropic: (stack, fetch, model) => createAnthropic({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'client-key', fetch })(model),
};

const tools = {
  weather: tool({
    description: 'Current weather in a city',
    inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
  }),
};
const prompt: ModelMessage[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
const weatherReport = 'Sunny, 21 °C, light wind from the west';

interface Call {
  toolCallId: string;
  toolName: string;
  input: unknown;
  invalid?: boolean;
  dynamic?: boolean;
}

interface Turn {
  text: string;
  toolCalls: Call[];
  finishReason: string;
  usage: LanguageModelUsage;
  messages: ModelMessage[];
}

/** Every HTTP exchange between the SDK and the gateway, for failure messages. */
interface Exchange {
  url: string;
  sent: string;
  status: number;
  received: string;
}

function recordingFetch(exchanges: Exchange[]): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const exchange: Exchange = { url: String(input instanceof Request ? input.url : input), sent: typeof init?.body === 'string' ? init.body : '', status: response.status, received: '' };
    exchanges.push(exchange);
    const [mine, theirs] = response.body ? response.body.tee() : [null, null];
    if (mine) {
      void new Response(mine).text().then(
        (text) => (exchange.received = text),
        () => undefined,
      );
    }
    return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

function trace(exchanges: Exchange[]): string {
  const last = exchanges.at(-1);
  return last ? `\n→ ${last.url}\n${last.sent.slice(0, 1500)}\n← ${last.status}\n${last.received.slice(0, 3000)}` : '(no exchange)';
}

async function whole(model: LanguageModel, messages: ModelMessage[]): Promise<Turn> {
  const result = await generateText({ model, tools, messages, maxRetries: 0 });
  return { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason, usage: result.usage, messages: result.responseMessages };
}

async function streamed(model: LanguageModel, messages: ModelMessage[]): Promise<Turn & { inputDeltas: Record<string, string> }> {
  const result = streamText({ model, tools, messages, maxRetries: 0 });
  let text = '';
  const toolCalls: Call[] = [];
  const inputDeltas: Record<string, string> = {};
  let finish: { finishReason: string; totalUsage: LanguageModelUsage } | undefined;
  for await (const part of result.fullStream) {
    if (part.type === 'error') throw part.error instanceof Error ? part.error : new Error(JSON.stringify(part.error));
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'tool-input-start') inputDeltas[part.id] = '';
    if (part.type === 'tool-input-delta') inputDeltas[part.id] += part.delta;
    if (part.type === 'tool-call') toolCalls.push(part);
    if (part.type === 'finish') finish = part;
  }
  assert.ok(finish, 'the stream finished');
  // The result's promises agree with what the stream said.
  assert.equal(await result.text, text);
  assert.deepEqual(await result.toolCalls, toolCalls);
  assert.equal(await result.finishReason, finish.finishReason);
  return { text, toolCalls, inputDeltas, finishReason: finish.finishReason, usage: await result.usage, messages: await result.responseMessages };
}

function assertUsage(usage: LanguageModelUsage, what: string): void {
  assert.ok((usage.inputTokens ?? 0) > 0, `${what}: input tokens ${usage.inputTokens}`);
  assert.ok((usage.outputTokens ?? 0) > 0, `${what}: output tokens ${usage.outputTokens}`);
}

function assertToolCall(turn: Turn, what: string): Call {
  assert.equal(turn.finishReason, 'tool-calls', `${what}: finish reason`);
  assert.equal(turn.toolCalls.length, 1, `${what}: one tool call: ${JSON.stringify(turn.toolCalls)}`);
  const [call] = turn.toolCalls;
  assert.equal(call.toolName, 'weather', what);
  assert.deepEqual(call.input, { city: 'sim' }, `${what}: parsed input`);
  assert.ok(!call.invalid && !call.dynamic, `${what}: the call matches the declared tool: ${JSON.stringify(call)}`);
  assert.equal(typeof call.toolCallId, 'string');
  assert.ok(call.toolCallId.length > 0, `${what}: the call has an id`);
  assertUsage(turn.usage, what);
  return call;
}

/** The next turn's messages, as an ai SDK app builds them: the prompt, the SDK's own response
 * messages (the assistant's tool call), then the tool's result. */
function withResult(turn: Turn, call: Call): ModelMessage[] {
  return [
    ...prompt,
    ...turn.messages,
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output: { type: 'text', value: weatherReport } }] },
  ];
}

describe('ai SDK clients × provider formats', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true, fixtures: true });
  });
  after(() => stack.close());

  for (const [client, make] of Object.entries(clients)) {
    for (const provider of providers) {
      test(`ai SDK ${client} → ${formatProviders[provider]} provider: tool call, then the answer to its result`, async () => {
        const exchanges: Exchange[] = [];
        const model = make(stack, recordingFetch(exchanges), `${provider}/sim-model`);

        // Turn one, whole and streamed: the same call.
        const first = await whole(model, prompt).catch((error: unknown) => assert.fail(`generateText: ${String(error)}${trace(exchanges)}`));
        const wholeCall = assertToolCall(first, `generateText${trace(exchanges)}`);
        const firstStreamed = await streamed(model, prompt).catch((error: unknown) => assert.fail(`streamText: ${String(error)}${trace(exchanges)}`));
        const streamedCall = assertToolCall(firstStreamed, `streamText${trace(exchanges)}`);
        assert.deepEqual({ name: streamedCall.toolName, input: streamedCall.input }, { name: wholeCall.toolName, input: wholeCall.input });
        assert.deepEqual(JSON.parse(firstStreamed.inputDeltas[streamedCall.toolCallId] || 'null'), { city: 'sim' }, `the streamed input deltas add up to the input: ${JSON.stringify(firstStreamed.inputDeltas)}`);

        // Turn two, each from its own history: the tool's result reaches the provider, text comes back.
        for (const [how, run, turn, call] of [
          ['generateText', whole, first, wholeCall],
          ['streamText', streamed, firstStreamed, streamedCall],
        ] as const) {
          const second = await run(model, withResult(turn, call)).catch((error: unknown) => assert.fail(`${how}, second turn: ${String(error)}${trace(exchanges)}`));
          const what = `${how}, second turn${trace(exchanges)}`;
          const sent = JSON.stringify(stack.simulator.requests.at(-1)?.body);
          assert.ok(sent.includes(weatherReport), `the tool result reached the provider: ${sent}`);
          assert.equal(second.finishReason, 'stop', what);
          assert.deepEqual(second.toolCalls, [], what);
          assert.ok(second.text.length > 0, `${what}: text`);
          assertUsage(second.usage, what);
        }
      });
    }
  }
});
