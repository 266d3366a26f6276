// What the library-client tests share: where each simulated provider of test/stack.ts receives a
// translated or relayed request, the tool and schema every client offers, and what the simulator
// answers to them.
import assert from 'node:assert/strict';
import type { formatProviders, Stack } from '../stack.ts';

export type Route = keyof typeof formatProviders;

/** The path each provider's requests arrive at on the simulator: proof of which format was spoken. */
const upstreamPaths: Record<Route, RegExp> = {
  chat: /^\/v1\/chat\/completions$/,
  responses: /^\/v1\/responses$/,
  claude: /^\/v1\/messages$/,
  google: /^\/v1beta\/models\/[^/:]+:(generateContent|streamGenerateContent)/,
  aws: /^\/model\/[^/]+\/(converse|converse-stream)$/,
};

/** The last request reached the provider behind `route`, in that provider's format. */
export function assertReached(stack: Stack, route: Route): void {
  const path = stack.simulator.requests.at(-1)?.path ?? '(none)';
  assert.match(path, upstreamPaths[route], `the request reached the ${route}/ provider`);
}

export const weatherParameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

/** The one tool every client offers, in OpenAI's spelling (LangChain and the HF client take it). */
export const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'The current weather in a city', parameters: weatherParameters } };

/** The schema structured output asks for; `title` names it for clients that need a name. */
export const reportSchema = {
  title: 'weather_report',
  description: 'A weather report',
  type: 'object',
  properties: { city: { type: 'string' }, celsius: { type: 'number' } },
  required: ['city', 'celsius'],
  additionalProperties: false,
};

/** What the simulator fills in: its placeholders for the required properties. */
export const simulatedReport = { city: 'sim', celsius: 1 };
export const simulatedWeatherCall = { city: 'sim' };

export const toolResult = 'Sunny, 21 °C';
