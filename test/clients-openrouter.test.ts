// The OpenRouter provider for the ai SDK (@openrouter/ai-sdk-provider) in its default mode, pointed
// at the gateway with `baseURL`, as an app written for OpenRouter would be: Chat Completions on the
// relayed route and translated to Anthropic and Gemini providers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import type { OpenRouterChatSettings } from '@openrouter/ai-sdk-provider';
import { generateText, jsonSchema, Output, streamText, tool } from 'ai';
import type { LanguageModelUsage, ModelMessage } from 'ai';
import { assertReached, reportSchema, simulatedReport, simulatedWeatherCall, toolResult, weatherParameters } from './clients/routes.ts';
import type { Route } from './clients/routes.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const routes: Route[] = ['chat', 'claude', 'google'];
const tools = { get_weather: tool({ description: 'The current weather in a city', inputSchema: jsonSchema(weatherParameters) }) };
const question: ModelMessage[] = [{ role: 'user', content: 'What is the weather in Paris?' }];

describe('the OpenRouter ai SDK provider through the gateway', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  for (const route of routes) {
    describe(`default mode → ${route}/`, () => {
      const model = (settings: OpenRouterChatSettings = {}) =>
        createOpenRouter({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'client-key' }).chat(`${route}/sim-model`, settings);

      test('generateText', async () => {
        const result = await generateText({ model: model(), prompt: 'Hello there', maxRetries: 0 });
        assertReached(stack, route);
        assert.match(result.text, /^Simulated reply from sim-model/);
        assertUsage(result.usage);
      });

      // OpenRouter reports usage in every stream unasked, and its provider asks for none: the gateway
      // puts it on the finish chunk.
      test('streamText, with usage', async () => {
        const result = streamText({ model: model(), prompt: 'Hello there', maxRetries: 0 });
        assert.match(await result.text, /^Simulated reply from sim-model/);
        assertReached(stack, route);
        assertUsage(await result.totalUsage);
      });

      test('streamText, with usage when asked by usage: {include: true}', async () => {
        const result = streamText({ model: model({ usage: { include: true } }), prompt: 'Hello there', maxRetries: 0 });
        let deltas = 0;
        for await (const delta of result.textStream) deltas += delta === '' ? 0 : 1;
        assertReached(stack, route);
        assert.ok(deltas > 2, `streamed in ${deltas} deltas`);
        assert.match(await result.text, /^Simulated reply from sim-model/);
        assertUsage(await result.totalUsage);
      });

      test('a tool is called, and its result answered in text', async () => {
        const call = await generateText({ model: model(), messages: question, tools, maxRetries: 0 });
        assert.equal(call.finishReason, 'tool-calls');
        assert.deepEqual(call.toolCalls.map(({ toolName, input }) => ({ toolName, input })), [{ toolName: 'get_weather', input: simulatedWeatherCall }]);
        const [first] = call.toolCalls;
        const result: ModelMessage = { role: 'tool', content: [{ type: 'tool-result', toolCallId: first.toolCallId, toolName: first.toolName, output: { type: 'text', value: toolResult } }] };
        const answer = await generateText({ model: model(), messages: [...question, ...call.responseMessages, result], tools, maxRetries: 0 });
        assertReached(stack, route);
        assert.equal(answer.finishReason, 'stop');
        assert.deepEqual(answer.toolCalls, []);
        assert.match(answer.text, /^Simulated reply/);
      });

      test('structured output (Output.object with a JSON schema)', async () => {
        const result = await generateText({ model: model(), messages: question, output: Output.object({ schema: jsonSchema(reportSchema) }), maxRetries: 0 });
        assertReached(stack, route);
        assert.deepEqual(result.output, simulatedReport);
      });
    });
  }
});

function assertUsage(usage: LanguageModelUsage): void {
  assert.ok((usage.inputTokens ?? 0) > 0 && (usage.outputTokens ?? 0) > 0, JSON.stringify(usage));
}
