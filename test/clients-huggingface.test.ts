// The Hugging Face inference client (@huggingface/inference) pointed at the gateway with an
// `endpointUrl`, as its docs show for any OpenAI-compatible server: chatCompletion and
// chatCompletionStream, on the relayed Chat route and on translated ones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InferenceClient } from '@huggingface/inference';
import { assertReached, reportSchema, simulatedReport, simulatedWeatherCall, toolResult, weatherTool } from './clients/routes.ts';
import type { Route } from './clients/routes.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const routes: Route[] = ['chat', 'claude', 'google'];
/** The client's message type (it comes from @huggingface/tasks, which the client does not re-export). */
type Messages = Parameters<InferenceClient['chatCompletion']>[0]['messages'];
const question: Messages = [{ role: 'user', content: 'What is the weather in Paris?' }];

describe('the Hugging Face inference client through the gateway', () => {
  let stack: Stack;
  let client: InferenceClient;
  before(async () => {
    stack = await startStack({ everyFormat: true });
    client = new InferenceClient('not-a-hugging-face-token', { endpointUrl: `${stack.baseUrl}/v1` });
  });
  after(() => stack.close());

  for (const route of routes) {
    describe(`chat completions → ${route}/`, () => {
      const model = `${route}/sim-model`;

      test('chatCompletion', async () => {
        const answer = await client.chatCompletion({ model, messages: [{ role: 'user', content: 'Hello there' }] });
        assertReached(stack, route);
        assert.match(answer.choices[0]?.message.content ?? '', /^Simulated reply from sim-model/);
        assert.ok(answer.usage.prompt_tokens > 0 && answer.usage.completion_tokens > 0, JSON.stringify(answer.usage));
      });

      test('chatCompletionStream, with usage', async () => {
        let text = '';
        let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
        const stream = client.chatCompletionStream({ model, messages: [{ role: 'user', content: 'Hello there' }], stream_options: { include_usage: true } });
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          if (chunk.usage) usage = chunk.usage;
        }
        assertReached(stack, route);
        assert.match(text, /^Simulated reply from sim-model/);
        assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0, JSON.stringify(usage));
      });

      test('a tool is called, and its result answered in text', async () => {
        const call = await client.chatCompletion({ model, messages: question, tools: [weatherTool] });
        const message = call.choices[0]?.message;
        assert.equal(call.choices[0]?.finish_reason, 'tool_calls');
        const toolCall = message?.tool_calls?.[0];
        assert.ok(message && toolCall, JSON.stringify(call.choices));
        assert.equal(toolCall.function.name, 'get_weather');
        assert.deepEqual(JSON.parse(String(toolCall.function.arguments)), simulatedWeatherCall);
        const answer = await client.chatCompletion({
          model,
          tools: [weatherTool],
          messages: [...question, { role: 'assistant', tool_calls: message.tool_calls }, { role: 'tool', tool_call_id: toolCall.id, content: toolResult }],
        });
        assertReached(stack, route);
        assert.equal(answer.choices[0]?.finish_reason, 'stop');
        assert.match(answer.choices[0]?.message.content ?? '', /^Simulated reply/);
      });

      test('structured output (response_format json_schema)', async () => {
        const answer = await client.chatCompletion({
          model,
          messages: question,
          response_format: { type: 'json_schema', json_schema: { name: reportSchema.title, schema: reportSchema, strict: true } },
        });
        assertReached(stack, route);
        assert.deepEqual(JSON.parse(answer.choices[0]?.message.content ?? ''), simulatedReport);
      });
    });
  }
});
