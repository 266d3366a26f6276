// Every recorded real response, replayed by the simulator as its provider sent it, read through
// every client surface, streamed and whole. The official SDKs are the judges: what the `openai`
// SDK's stream helpers (finalChatCompletion, Responses' finalResponse) and `@anthropic-ai/sdk`'s
// finalMessage assemble must be what the recording holds (text, tool calls, usage), as must each
// whole answer. (A recording's whole and streamed forms were two separate real calls, so each form
// is compared with its own content, read straight from the recording by the provider's codec.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { readdirSync, readFileSync } from 'node:fs';
import { ResponseCollector } from '../src/protocol/events.ts';
import { providerCodec } from '../src/protocol/codecs.ts';
import type { ChatResponse, WireFormat } from '../src/protocol/ir.ts';
import { formatProviders, recordedFixtures, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

/** The provider (of the stack's everyFormat set) that speaks each recorded folder's format. */
const providerOfFolder: Record<string, string> = {
  'openai-chat': 'chat',
  groq: 'chat',
  deepseek: 'chat',
  mistral: 'chat',
  xai: 'chat',
  perplexity: 'chat',
  anthropic: 'claude',
  google: 'google',
  'openai-responses': 'responses',
};

interface Assembled {
  text: string;
  toolCalls: { name: string; arguments: unknown }[];
  input: number;
  output: number;
}

/** Recordings with both a whole and a streamed form, and no error in them. (One Responses
 * recording holds four answers of a multi-step run in one file, which no single call returns: it is
 * left to the codec's own tests.) */
function recordings(): { folder: string; name: string }[] {
  const found: { folder: string; name: string }[] = [];
  for (const folder of Object.keys(providerOfFolder)) {
    const files = readdirSync(fileURLToPath(new URL(`${folder}/`, recordedFixtures)));
    for (const file of files) {
      if (!file.endsWith('.chunks.txt')) continue;
      const name = file.slice(0, -'.chunks.txt'.length);
      const chunks = readFileSync(fileURLToPath(new URL(`${folder}/${file}`, recordedFixtures)), 'utf8');
      const answers = chunks.split('"type":"response.created"').length - 1;
      if (files.includes(`${name}.json`) && !name.includes('error') && answers <= 1) found.push({ folder, name });
    }
  }
  return found;
}

const surfaceFormats: Record<string, string> = { chat: 'openai-chat', responses: 'openai-responses', messages: 'anthropic' };
const prompt = 'Replay the recording';
const tools: OpenAI.Chat.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];

const surfaces: Record<string, { whole(stack: Stack, model: string): Promise<Assembled>; streamed(stack: Stack, model: string): Promise<Assembled> }> = {
  chat: {
    async whole(stack, model) {
      return fromChat(await stack.client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], tools }));
    },
    async streamed(stack, model) {
      const stream = stack.client.chat.completions.stream({ model, messages: [{ role: 'user', content: prompt }], tools, stream_options: { include_usage: true } });
      return fromChat(await stream.finalChatCompletion());
    },
  },
  responses: {
    async whole(stack, model) {
      return fromResponses(await stack.client.responses.create({ model, input: prompt, tools: [responsesTool] }));
    },
    async streamed(stack, model) {
      const stream = stack.client.responses.stream({ model, input: prompt, tools: [responsesTool] });
      return fromResponses(await stream.finalResponse());
    },
  },
  messages: {
    async whole(stack, model) {
      return fromMessages(await stack.anthropic.messages.create({ model, max_tokens: 1024, messages: [{ role: 'user', content: prompt }], tools: [anthropicTool] }));
    },
    async streamed(stack, model) {
      const stream = stack.anthropic.messages.stream({ model, max_tokens: 1024, messages: [{ role: 'user', content: prompt }], tools: [anthropicTool] });
      return fromMessages(await stream.finalMessage());
    },
  },
};

const responsesTool: OpenAI.Responses.FunctionTool = { type: 'function', name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false };
const anthropicTool: Anthropic.Tool = { name: 'weather', description: 'Weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };

function fromChat(completion: OpenAI.Chat.ChatCompletion): Assembled {
  const message = completion.choices[0].message;
  return {
    text: message.content ?? '',
    // Some providers (Mistral) leave out the call's `type`.
    toolCalls: (message.tool_calls ?? []).map((call) => ('function' in call ? { name: call.function.name, arguments: parse(call.function.arguments) } : { name: '?', arguments: null })),
    input: completion.usage?.prompt_tokens ?? -1,
    output: completion.usage?.completion_tokens ?? -1,
  };
}

function fromResponses(response: OpenAI.Responses.Response): Assembled {
  return {
    text: response.output_text,
    toolCalls: response.output.flatMap((item) =>
      // A custom tool call's input is `{"input": ...}` to the codecs, as any provider's call of a custom tool.
      item.type === 'function_call' ? [{ name: item.name, arguments: parse(item.arguments) }] : item.type === 'custom_tool_call' ? [{ name: item.name, arguments: { input: item.input } }] : [],
    ),
    input: response.usage?.input_tokens ?? -1,
    output: response.usage?.output_tokens ?? -1,
  };
}

function fromMessages(message: Anthropic.Message): Assembled {
  const usage = message.usage;
  return {
    text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
    toolCalls: message.content.flatMap((block) => (block.type === 'tool_use' ? [{ name: block.name, arguments: block.input }] : [])),
    input: usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0),
    output: usage.output_tokens,
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    return text;
  }
}

/** What the recording holds, as the provider's own codec reads it: the expected answer. */
function expected(folder: string, name: string): { whole: Assembled; streamed: Assembled; malformed: boolean } {
  const format = formatProviders[providerOfFolder[folder] as keyof typeof formatProviders] as WireFormat;
  const codec = providerCodec(format);
  const target = { upstreamModel: name, quirks: {} };
  const file = (suffix: string): string => readFileSync(fileURLToPath(new URL(`${folder}/${name}${suffix}`, recordedFixtures)), 'utf8');
  const whole = codec.decodeResponse(JSON.parse(file('.json')), target);
  const decoder = codec.createStreamDecoder(target);
  const collector = new ResponseCollector();
  const bytes = file('.chunks.txt')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (format === 'anthropic' || format === 'openai-responses' ? `event: ${/"type":"([^"]+)"/.exec(line)?.[1]}\ndata: ${line}\n\n` : `data: ${line}\n\n`))
    .join('');
  for (const event of decoder.push(Buffer.from(bytes))) collector.push(event);
  if (decoder.malformed === null) for (const event of decoder.end()) collector.push(event);
  return { whole: assembled(whole), streamed: assembled(collector.response), malformed: decoder.malformed !== null };
}

function assembled(response: ChatResponse): Assembled {
  return {
    text: response.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    toolCalls: response.content.flatMap((part) => (part.type === 'tool-call' ? [{ name: part.name, arguments: parse(part.arguments) }] : [])),
    input: response.usage?.inputTokens ?? -1,
    output: response.usage?.outputTokens ?? -1,
  };
}

describe('recorded responses through every surface', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ fixtures: true, everyFormat: true });
  });
  after(() => stack.close());

  for (const { folder, name } of recordings()) {
    test(`${folder}/${name}`, async () => {
      const model = `${providerOfFolder[folder]}/replay:${folder}/${name}`;
      const want = expected(folder, name);
      const nativeSurface = { chat: 'openai-chat', responses: 'openai-responses', claude: 'anthropic', google: 'gemini' }[providerOfFolder[folder]];
      for (const [surface, read] of Object.entries(surfaces)) {
        // The surface of the provider's own format gets the provider's bytes unchanged, usage as the
        // provider counted it; translated surfaces get the codec's normalised counts.
        const native = surfaceFormats[surface] === nativeSurface;
        const comparable = (result: Assembled): Assembled => (native ? { ...result, input: 0, output: 0 } : result);
        assert.deepEqual(comparable(await read.whole(stack, model)), comparable(want.whole), `${surface}, whole answer`);
        if (want.malformed) {
          await assert.rejects(read.streamed(stack, model), `${surface}: a stream that cannot be read ends in an error`);
          continue;
        }
        assert.deepEqual(comparable(await read.streamed(stack, model)), comparable(want.streamed), `${surface}, assembled by the SDK from the stream`);
      }
    });
  }
});
