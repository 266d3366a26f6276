// The Vercel `ai` SDK as a client of the gateway: its OpenAI Chat, OpenAI Responses and Anthropic
// providers, each against every provider wire format. Each case is an explicit two-turn tool
// exchange, whole (generateText) and streamed (streamText): the model calls the one tool offered;
// then, handed the tool's result the way an ai SDK app does (the SDK's own response messages plus a
// `tool` message), it answers in text. The tool has no `execute`, so the SDK never runs it or loops.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import type { LanguageModel, LanguageModelUsage, ModelMessage } from 'ai';
import { formatProviders, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

type Provider = keyof typeof formatProviders;
const providers = Object.keys(formatProviders) as Provider[];

/** Every HTTP exchange between the SDK and the gateway, shown when an assertion fails. */
interface Exchange {
  url: string;
  sent: string;
  status: number;
  /** The x-modelmux-dropped-params header. */
  dropped: string;
  received: string;
}

type Client = (baseUrl: string, fetch: typeof globalThis.fetch, model: string) => LanguageModel;

/** The ai SDK providers a client of the gateway would use, pointed at it. */
const clients: Record<string, Client> = {
  'openai chat': (baseUrl, fetch, model) => createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'client-key', fetch }).chat(model),
  'openai responses': (baseUrl, fetch, model) => createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'client-key', fetch }).responses(model),
  anthropic: (baseUrl, fetch, model) => createAnthropic({ baseURL: `${baseUrl}/v1`, apiKey: 'client-key', fetch })(model),
};

const tools = {
  weather: tool({
    description: 'Current weather in a city',
    inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
  }),
};
const instructions = 'You are a terse weather assistant.';
const prompt: ModelMessage[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
const weatherReport = 'Sunny, 21 °C, light wind from the west';
const settings = { tools, instructions, maxOutputTokens: 256, maxRetries: 0 };

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
  /** The assembled content parts (text, tool calls, ...). */
  content: unknown[];
  /** The SDK's response messages, to carry into the next turn. */
  messages: ModelMessage[];
}

/** Per-call options beyond the shared settings. */
interface Extra {
  providerOptions?: Parameters<typeof generateText>[0]['providerOptions'];
  toolChoice?: 'auto' | 'none';
}

type Run = (model: LanguageModel, messages: ModelMessage[], extra?: Extra) => Promise<Turn>;

const whole: Run = async (model, messages, extra = {}) => {
  const result = await generateText({ ...settings, ...extra, model, messages });
  return { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason, usage: result.usage, content: result.content, messages: result.responseMessages };
};

/** streamText, read part by part from `fullStream`; its promises must agree with the parts. */
const streamed: Run = async (model, messages, extra = {}) => {
  const result = streamText({ ...settings, ...extra, model, messages });
  let text = '';
  const toolCalls: Call[] = [];
  const inputs: Record<string, string> = {};
  let finish: { finishReason: string; totalUsage: LanguageModelUsage } | undefined;
  for await (const part of result.fullStream) {
    if (part.type === 'error') throw part.error instanceof Error ? part.error : new Error(JSON.stringify(part.error));
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'tool-input-start') inputs[part.id] = '';
    if (part.type === 'tool-input-delta') inputs[part.id] += part.delta;
    if (part.type === 'tool-call') toolCalls.push(part);
    if (part.type === 'finish') finish = part;
  }
  assert.ok(finish, 'the stream finished');
  for (const call of toolCalls) assert.deepEqual(JSON.parse(inputs[call.toolCallId] ?? 'null'), call.input, `the streamed input deltas of ${call.toolCallId} add up to its input: ${JSON.stringify(inputs)}`);
  assert.equal(await result.text, text);
  assert.deepEqual(await result.toolCalls, toolCalls);
  assert.equal(await result.finishReason, finish.finishReason);
  assert.deepEqual(await result.usage, finish.totalUsage);
  return { text, toolCalls, finishReason: finish.finishReason, usage: finish.totalUsage, content: await result.content, messages: await result.responseMessages };
};

function recordingFetch(exchanges: Exchange[]): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const exchange: Exchange = { url: input instanceof Request ? input.url : String(input), sent: typeof init?.body === 'string' ? init.body : '', status: response.status, dropped: response.headers.get('x-modelmux-dropped-params') ?? '', received: '' };
    exchanges.push(exchange);
    if (!response.body) return response;
    const [mine, theirs] = response.body.tee();
    new Response(mine).text().then(
      (text) => (exchange.received = text),
      () => undefined,
    );
    return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

function trace(exchanges: Exchange[]): string {
  const last = exchanges.at(-1);
  return last ? `\n→ POST ${last.url}\n${last.sent.slice(0, 2000)}\n← ${last.status}\n${last.received.slice(0, 3000)}` : ' (no exchange)';
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
  assert.ok(!call.invalid && !call.dynamic, `${what}: the call is valid for the declared tool: ${JSON.stringify(call)}`);
  assert.equal(typeof call.toolCallId, 'string', what);
  assert.ok(call.toolCallId.length > 0, `${what}: the call has an id`);
  assertUsage(turn.usage, what);
  return call;
}

function assertText(turn: Turn, what: string): void {
  assert.equal(turn.finishReason, 'stop', `${what}: finish reason`);
  assert.deepEqual(turn.toolCalls, [], what);
  assert.ok(turn.text.length > 0, `${what}: text`);
  assertUsage(turn.usage, what);
}

/** Content parts without what differs between two calls anyway (ids, provider metadata, and the
 * Anthropic provider's `custom` message_start part, which only its streams make). */
function shape(content: unknown[]): unknown[] {
  return content.filter((part) => (part as { type?: string }).type !== 'custom').map((part) => JSON.parse(JSON.stringify(part, (key, value: unknown) => (['toolCallId', 'providerMetadata', 'providerOptions'].includes(key) ? undefined : value))));
}

describe('ai SDK clients × provider formats', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true, fixtures: true });
  });
  after(() => stack.close());

  /** What the simulator (the provider) received last, as JSON text. */
  const lastSent = () => JSON.stringify(stack.simulator.requests.at(-1)?.body);

  for (const [client, make] of Object.entries(clients)) {
    for (const provider of providers) {
      test(`ai SDK ${client} → ${formatProviders[provider]} provider: tool call, then the answer to its result`, async (t) => {
        const exchanges: Exchange[] = [];
        const model = make(stack.baseUrl, recordingFetch(exchanges), `${provider}/sim-model`);
        const run = async (how: string, go: Run, messages: ModelMessage[], extra?: Extra): Promise<Turn> =>
          go(model, messages, extra).catch((error: unknown) => assert.fail(`${how}: ${String(error)}${trace(exchanges)}`));

        // Turn one, whole then streamed: the same call.
        const first = await run('generateText', whole, prompt);
        const wholeCall = assertToolCall(first, `generateText${trace(exchanges)}`);
        assert.ok(lastSent().includes(instructions), `the instructions reached the provider: ${lastSent()}`);
        const firstStreamed = await run('streamText', streamed, prompt);
        const streamedCall = assertToolCall(firstStreamed, `streamText${trace(exchanges)}`);
        assert.deepEqual({ name: streamedCall.toolName, input: streamedCall.input }, { name: wholeCall.toolName, input: wholeCall.input });

        // Turn two, each from its own history, with the result as text (whole) and as JSON
        // (streamed): the result reaches the provider with the call, and text comes back.
        const answered: Record<string, { history: ModelMessage[]; answer: Turn }> = {};
        for (const [how, go, turn, call, output] of [
          ['generateText', whole, first, wholeCall, { type: 'text', value: weatherReport }],
          ['streamText', streamed, firstStreamed, streamedCall, { type: 'json', value: { report: weatherReport, celsius: 21 } }],
        ] as const) {
          const messages: ModelMessage[] = [...prompt, ...turn.messages, { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output }] }];
          const second = await run(`${how}, second turn`, go, messages);
          const sent = lastSent();
          assert.ok(sent.includes(weatherReport), `the tool result reached the provider: ${sent}`);
          // The call goes back with its id (Gemini function calls have none: the gateway made one up).
          if (provider !== 'google') assert.ok(sent.includes(call.toolCallId), `the provider got its own call id ${call.toolCallId} back: ${sent}`);
          assertText(second, `${how}, second turn${trace(exchanges)}`);
          answered[how] = { history: messages, answer: second };
        }

        await t.test('streamed content has the same parts as the whole answer', () => {
          assert.deepEqual(shape(firstStreamed.content), shape(first.content), `streamed ${JSON.stringify(firstStreamed.content)}\nwhole ${JSON.stringify(first.content)}`);
        });

        // A third turn, as a chat app goes on: the history now holds the assistant's text answer.
        // Tool choice none, or the simulator would call the tool again. Bedrock Converse has no
        // `none`: the gateway drops it and says so, the simulator calls the tool, and the SDK,
        // seeing a call it forbade, throws; there only that report is checked.
        const { history, answer } = answered.generateText;
        const followUp: ModelMessage[] = [...history, ...answer.messages, { role: 'user', content: 'And tomorrow?' }];
        const askAgain = async (extra: Extra, remembered: string): Promise<void> => {
          const outcome = await whole(model, followUp, { toolChoice: 'none', ...extra }).then(
            (turn) => ({ turn, error: undefined }),
            (error: unknown) => ({ turn: undefined, error }),
          );
          if (outcome.turn) assertText(outcome.turn, `third turn${trace(exchanges)}`);
          else {
            assert.ok(provider === 'aws' && /tool choice was none/.test(String(outcome.error)), `generateText, third turn: ${String(outcome.error)}${trace(exchanges)}`);
            assert.match(exchanges.at(-1)?.dropped ?? '', /tool_choice/, `tool choice none is reported as dropped${trace(exchanges)}`);
          }
          const sent = lastSent();
          assert.ok(sent.includes('And tomorrow?') && sent.includes(remembered), `the earlier answer (${remembered}) reached the provider: ${sent}`);
        };
        await t.test('a follow-up question after the text answer', async () => {
          // The ai SDK (store on by default) refers to its earlier output by id: a Responses provider
          // (OpenAI) knows it; for any other the gateway kept the items it minted and sends them.
          const sameResponses = client === 'openai responses' && provider === 'responses';
          await askAgain({}, sameResponses ? '"item_reference"' : 'Simulated reply from');
        });
        if (client === 'openai responses') {
          await t.test('the same follow-up with store: false (earlier items sent whole, not by reference)', async () => {
            await askAgain({ providerOptions: { openai: { store: false } } }, 'Simulated reply from');
          });
        }
      });
    }
  }
});
