// LangChain's chat models as clients of the gateway: ChatOpenAI (Chat Completions, and the Responses
// API with useResponsesApi), ChatAnthropic; each on the route that relays its format and on routes
// that translate it. Invoke, stream with usage, a tool round trip, structured output.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { AIMessageChunk } from '@langchain/core/messages';
import { concat } from '@langchain/core/utils/stream';
import { ChatOpenAI } from '@langchain/openai';
import { assertReached, reportSchema, simulatedReport, simulatedWeatherCall, toolResult, weatherTool } from './clients/routes.ts';
import type { Route } from './clients/routes.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

interface Client {
  name: string;
  /** The relayed route first, then translated ones. */
  routes: Route[];
  make(baseUrl: string, model: string): BaseChatModel;
  /** The structured-output methods the client offers. */
  methods: Array<'jsonSchema' | 'functionCalling'>;
}

const clients: Client[] = [
  {
    name: 'ChatOpenAI',
    routes: ['chat', 'claude', 'google'],
    make: (baseUrl, model) => new ChatOpenAI({ model, apiKey: 'client-key', configuration: { baseURL: `${baseUrl}/v1` }, maxRetries: 0 }),
    methods: ['jsonSchema', 'functionCalling'],
  },
  {
    name: 'ChatOpenAI with the Responses API',
    routes: ['responses', 'chat'],
    make: (baseUrl, model) => new ChatOpenAI({ model, apiKey: 'client-key', configuration: { baseURL: `${baseUrl}/v1` }, maxRetries: 0, useResponsesApi: true }),
    methods: ['jsonSchema', 'functionCalling'],
  },
  {
    name: 'ChatAnthropic',
    routes: ['claude', 'chat', 'google'],
    make: (baseUrl, model) => new ChatAnthropic({ model, apiKey: 'client-key', anthropicApiUrl: baseUrl, maxRetries: 0 }),
    methods: ['jsonSchema', 'functionCalling'],
  },
];

const question = 'What is the weather in Paris?';

describe('LangChain chat models through the gateway', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  for (const client of clients) {
    for (const route of client.routes) {
      describe(`${client.name} → ${route}/`, () => {
        const model = (): BaseChatModel => client.make(stack.baseUrl, `${route}/sim-model`);

        test('invoke', async () => {
          const message = await model().invoke('Hello there');
          assertReached(stack, route);
          assert.match(message.text, /^Simulated reply from sim-model/);
          assert.ok(usageOf(message).input > 0 && usageOf(message).output > 0, JSON.stringify(message.usage_metadata));
        });

        test('stream, with usage', async () => {
          let whole: AIMessageChunk | undefined;
          let chunks = 0;
          for await (const chunk of await model().stream('Hello there')) {
            whole = whole === undefined ? chunk : concat(whole, chunk);
            chunks++;
          }
          assert.ok(whole && chunks > 2, `streamed in ${chunks} chunks`);
          assertReached(stack, route);
          assert.match(whole.text, /^Simulated reply from sim-model/);
          assert.ok(usageOf(whole).input > 0 && usageOf(whole).output > 0, JSON.stringify(whole.usage_metadata));
        });

        test('a bound tool is called, and its result answered in text', async () => {
          const withTools = model().bindTools?.([weatherTool]);
          assert.ok(withTools);
          const asked = [new HumanMessage(question)];
          const call = await withTools.invoke(asked);
          assert.ok(AIMessage.isInstance(call));
          assert.deepEqual(call.tool_calls?.map(({ name, args }) => ({ name, args })), [{ name: 'get_weather', args: simulatedWeatherCall }]);
          const id = call.tool_calls?.[0]?.id;
          assert.ok(id);
          const answer = await withTools.invoke([...asked, call, new ToolMessage({ tool_call_id: id, content: toolResult })]);
          assertReached(stack, route);
          assert.ok(AIMessage.isInstance(answer));
          assert.deepEqual(answer.tool_calls ?? [], []);
          assert.match(answer.text, /^Simulated reply/);
        });

        for (const method of client.methods) {
          test(`structured output (${method})`, async () => {
            const report = await model().withStructuredOutput(reportSchema, { method }).invoke(question);
            assertReached(stack, route);
            assert.deepEqual(report, simulatedReport);
            const upstream = stack.simulator.requests.at(-1)?.body as Record<string, unknown>;
            assert.equal('tools' in upstream || 'toolConfig' in upstream, method === 'functionCalling', 'a JSON schema, not a tool, reached the provider');
          });
        }
      });
    }
  }
});

function usageOf(message: AIMessage | AIMessageChunk): { input: number; output: number } {
  return { input: message.usage_metadata?.input_tokens ?? 0, output: message.usage_metadata?.output_tokens ?? 0 };
}
