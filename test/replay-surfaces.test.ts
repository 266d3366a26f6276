// Every recorded real response, replayed by the simulator as its provider sent it, read through
// every client surface, streamed and whole. The official SDKs are the judges: what the `openai`
// SDK's stream helpers (finalChatCompletion, Responses' finalResponse) and `@anthropic-ai/sdk`'s
// finalMessage assemble must be what the recording holds (text, reasoning, tool calls, usage), as
// must each whole answer. (A recording's whole and streamed forms were two separate real calls, so
// each form is compared with its own content, as the provider's codec reads it.) On the surface of
// the provider's own format the answer is relayed, so its usage must be what the same SDK reads from
// the recording itself, as the provider counted it; other surfaces get the codec's normalised counts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type Anthropic from '@anthropic-ai/sdk';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type OpenAI from 'openai';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
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
  reasoning: string;
  toolCalls: { name: string; arguments: unknown }[];
  input: number;
  output: number;
}

/** Folders of recordings that are not chat answers (embeddings are replayed in simulator-replay.test.ts). */
const notAnswers = new Set(['openai-embeddings']);

interface Recording {
  folder: string;
  name: string;
  /** A whole answer is recorded (NAME.json). */
  whole: boolean;
  /** A stream of one answer is recorded (NAME.chunks.txt). One Responses recording holds the four
   * answers of a multi-step run in one stream, which no single call returns: its whole form is
   * checked, its stream is left to the codec's own tests. */
  streamed: boolean;
}

/** Every recorded answer of every folder, in whichever forms it was recorded; errors aside. */
function recordings(): Recording[] {
  const found: Recording[] = [];
  for (const folder of Object.keys(providerOfFolder)) {
    const files = readdirSync(fileURLToPath(new URL(`${folder}/`, recordedFixtures)));
    const names = new Set(files.filter((file) => file.endsWith('.json') || file.endsWith('.chunks.txt')).map((file) => file.replace(/\.(json|chunks\.txt)$/, '')));
    for (const name of [...names].sort()) {
      if (name.includes('error') || name.includes('429')) continue;
      const whole = files.includes(`${name}.json`);
      const chunks = files.includes(`${name}.chunks.txt`) ? readFileSync(fileURLToPath(new URL(`${folder}/${name}.chunks.txt`, recordedFixtures)), 'utf8') : null;
      const streamed = chunks !== null && chunks.split('"type":"response.created"').length - 1 <= 1;
      found.push({ folder, name, whole, streamed });
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
      return fromChatStream(stack.client.chat.completions.stream({ model, messages: [{ role: 'user', content: prompt }], tools, stream_options: { include_usage: true } }));
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
    reasoning: chatReasoning(message),
    // Some providers (Mistral) leave out the call's `type`.
    toolCalls: (message.tool_calls ?? []).map((call) => ('function' in call ? { name: call.function.name, arguments: parse(call.function.arguments) } : { name: '?', arguments: null })),
    input: completion.usage?.prompt_tokens ?? -1,
    output: completion.usage?.completion_tokens ?? -1,
  };
}

/** The SDK keeps only the last delta's reasoning_content (a field outside the API it types): a
 * client reads reasoning from the chunks, as the ai SDK and LangChain do. */
async function fromChatStream(stream: ChatCompletionStream): Promise<Assembled> {
  let reasoning = '';
  stream.on('chunk', (chunk) => (reasoning += chatReasoning(chunk.choices[0]?.delta)));
  return { ...fromChat(await stream.finalChatCompletion()), reasoning };
}

/** Reasoning on the Chat surface: `reasoning_content` (DeepSeek's name, which the gateway writes). */
function chatReasoning(message: unknown): string {
  const reasoning = (message as { reasoning_content?: unknown } | undefined)?.reasoning_content;
  return typeof reasoning === 'string' ? reasoning : '';
}

function fromResponses(response: OpenAI.Responses.Response): Assembled {
  return {
    text: response.output_text,
    reasoning: response.output.map((item) => (item.type === 'reasoning' ? item.summary.map((part) => part.text).join('') + (item.content ?? []).map((part) => part.text).join('') : '')).join(''),
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
    reasoning: message.content.map((block) => (block.type === 'thinking' ? block.thinking : '')).join(''),
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

/** What the recording holds, as the provider's own codec reads it: the expected answer, in each
 * form recorded (null for a form that was not). */
function expected(recording: Recording): { whole: Assembled | null; streamed: Assembled | null; malformed: boolean } {
  const { folder, name } = recording;
  const format = formatProviders[providerOfFolder[folder] as keyof typeof formatProviders] as WireFormat;
  const codec = providerCodec(format);
  const target = { upstreamModel: name, quirks: {} };
  const file = (suffix: string): string => readFileSync(fileURLToPath(new URL(`${folder}/${name}${suffix}`, recordedFixtures)), 'utf8');
  const whole = recording.whole ? assembled(codec.decodeResponse(JSON.parse(file('.json')), target)) : null;
  if (!recording.streamed) return { whole, streamed: null, malformed: false };
  const decoder = codec.createStreamDecoder(target);
  const collector = new ResponseCollector();
  const bytes = file('.chunks.txt')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (format === 'anthropic' || format === 'openai-responses' ? `event: ${/"type":"([^"]+)"/.exec(line)?.[1]}\ndata: ${line}\n\n` : `data: ${line}\n\n`))
    .join('');
  for (const event of decoder.push(Buffer.from(bytes))) collector.push(event);
  if (decoder.malformed === null) for (const event of decoder.end()) collector.push(event);
  return { whole, streamed: assembled(collector.response), malformed: decoder.malformed !== null };
}

function assembled(response: ChatResponse): Assembled {
  return {
    text: response.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    reasoning: response.content.map((part) => (part.type === 'reasoning' ? part.text : '')).join(''),
    toolCalls: response.content.flatMap((part) => (part.type === 'tool-call' ? [{ name: part.name, arguments: parse(part.arguments) }] : [])),
    input: response.usage?.inputTokens ?? -1,
    output: response.usage?.outputTokens ?? -1,
  };
}

type Counts = Pick<Assembled, 'input' | 'output'>;

/** The usage the surface's SDK reads from the recording itself, in each form recorded: what a client
 * of the provider's own format gets with no gateway between (null: not recorded, or unreadable). */
async function usageBySdk(surface: string, recording: Recording, malformed: boolean): Promise<{ whole: Counts | null; streamed: Counts | null }> {
  const file = (suffix: string): string => readFileSync(fileURLToPath(new URL(`${recording.folder}/${recording.name}${suffix}`, recordedFixtures)), 'utf8');
  // The SDKs' fromReadableStream reads one JSON event a line, as the recordings hold them.
  const lines = (): ReadableStream => new Response(file('.chunks.txt')).body!;
  const counts = ({ input, output }: Assembled): Counts => ({ input, output });
  const whole = recording.whole ? JSON.parse(file('.json')) : null;
  const streamed = recording.streamed && !malformed;
  if (surface === 'chat') return { whole: whole && counts(fromChat(whole)), streamed: streamed ? counts(await fromChatStream(ChatCompletionStream.fromReadableStream(lines()))) : null };
  if (surface === 'responses') return { whole: whole && counts(fromResponses(whole)), streamed: streamed ? counts(fromResponses(await ResponseStream.fromReadableStream(lines()).finalResponse())) : null };
  return { whole: whole && counts(fromMessages(whole)), streamed: streamed ? counts(fromMessages(await MessageStream.fromReadableStream(lines()).finalMessage())) : null };
}

/** What a surface must read: the codec's reading of the recording; on the surface of the provider's
 * own format (relayed, not translated) with the usage as the provider counted it. */
async function expectedOn(surface: string, native: boolean, recording: Recording, translated: Awaited<ReturnType<typeof expected>>): Promise<Awaited<ReturnType<typeof expected>>> {
  if (!native) return translated;
  const usage = await usageBySdk(surface, recording, translated.malformed);
  return {
    whole: translated.whole && { ...translated.whole, ...usage.whole },
    streamed: translated.streamed && { ...translated.streamed, ...usage.streamed },
    malformed: translated.malformed,
  };
}

describe('recorded responses through every surface', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ fixtures: true, everyFormat: true });
  });
  after(() => stack.close());

  test('every folder of recordings is replayed, every recording in some form', () => {
    const folders = readdirSync(fileURLToPath(recordedFixtures), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    assert.deepEqual(folders.filter((folder) => !notAnswers.has(folder) && providerOfFolder[folder] === undefined), [], 'a folder no provider of the stack replays');
    for (const recording of recordings()) assert.ok(recording.whole || recording.streamed, `${recording.folder}/${recording.name} is replayed in no form`);
  });

  for (const recording of recordings()) {
    const { folder, name } = recording;
    const forms = [recording.whole && 'whole', recording.streamed && 'streamed'].filter(Boolean).join(' and ');
    test(`${folder}/${name} (${forms})`, async () => {
      const model = `${providerOfFolder[folder]}/replay:${folder}/${name}`;
      const translated = expected(recording);
      const nativeSurface = { chat: 'openai-chat', responses: 'openai-responses', claude: 'anthropic', google: 'gemini' }[providerOfFolder[folder]];
      for (const [surface, read] of Object.entries(surfaces)) {
        // The surface of the provider's own format gets the provider's bytes (usage as the provider
        // counted it); translated surfaces get the codec's reading (normalised counts).
        const want = await expectedOn(surface, surfaceFormats[surface] === nativeSurface, recording, translated);
        if (want.whole) assert.deepEqual(await read.whole(stack, model), want.whole, `${surface}, whole answer`);
        if (!want.streamed) continue;
        if (want.malformed) {
          await assert.rejects(read.streamed(stack, model), `${surface}: a stream that cannot be read ends in an error`);
          continue;
        }
        assert.deepEqual(await read.streamed(stack, model), want.streamed, `${surface}, assembled by the SDK from the stream`);
      }
    });
  }
});
