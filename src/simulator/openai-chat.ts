// OpenAI Chat Completions: `POST /v1/chat/completions`, whole or streamed as
// `chat.completion.chunk` events ending in `data: [DONE]`, shaped like recorded OpenAI answers.
import { sendBody, sendStream } from './delivery.ts';
import type { Exchange } from './exchange.ts';
import { badRequest, prepare } from './exchange.ts';
import { replayReference, serveReplay } from './replay.ts';
import { dataFrame, doneFrame } from './sse.ts';
import { complete, promptTokens } from './text.ts';
import type { Completion } from './text.ts';
import { argumentFragments, pickToolCall, toolCallTokens } from './tools.ts';
import type { ToolCall } from './tools.ts';
import { contentText, isObject, requestedSchema, stringList, tokenLimit } from './values.ts';

export function handleChatCompletions(exchange: Exchange): void {
  const { body } = exchange;
  const model = body.model;
  if (typeof model !== 'string' || model === '') return void badRequest(exchange, 'openai', 'you must provide a model parameter', 'model');
  if (!Array.isArray(body.messages)) return void badRequest(exchange, 'openai', "Missing required parameter: 'messages'.", 'messages');
  const prepared = prepare(exchange, 'openai', model);
  if (prepared === null) return;
  const stream = body.stream === true;
  const reference = replayReference(model);
  if (reference !== null) return serveReplay(exchange, prepared.knobs, 'openai', 'chat', reference, stream ? 'sse' : 'json');

  const conversation = readConversation(body.messages);
  const call = chooseToolCall(body, conversation.lastRole, prepared.knobs.tool);
  const number = exchange.nextId();
  const answer: Answer = {
    id: `chatcmpl-sim${number}`,
    callId: `call_sim${number}`,
    created: Math.floor(Date.now() / 1000),
    model,
    promptTokens: promptTokens(conversation.characters),
    call,
    completion: call !== null ? null : complete({
      model,
      echo: prepared.echo,
      lastUserText: conversation.lastUserText,
      system: conversation.system,
      outputTokens: prepared.knobs.outputTokens,
      maxTokens: tokenLimit(body.max_completion_tokens, body.max_tokens),
      stop: stringList(body.stop),
      schema: requestedSchema(body.response_format, true),
    }),
  };
  if (!stream) return sendBody(exchange.response, prepared.knobs, JSON.stringify(wholeAnswer(answer)));
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  sendStream(exchange.response, prepared.knobs, streamPlan(answer, includeUsage));
}

interface Answer {
  id: string;
  callId: string;
  created: number;
  model: string;
  promptTokens: number;
  call: ToolCall | null;
  completion: Completion | null;
}

const fingerprint = 'fp_sim000000';

function wholeAnswer(answer: Answer): unknown {
  const { call, completion } = answer;
  const message = call !== null
    ? {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: answer.callId, type: 'function', function: { name: call.name, arguments: call.arguments } }],
      refusal: null,
      annotations: [],
    }
    : { role: 'assistant', content: completion?.text ?? '', refusal: null, annotations: [] };
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(answer) }],
    usage: usage(answer.promptTokens, completionTokens(answer)),
    service_tier: 'default',
    system_fingerprint: fingerprint,
  };
}

/** Chunks are assembled from strings: streaming is the benchmark's hot path. */
function streamPlan(answer: Answer, includeUsage: boolean): { head: string[]; tokens: string[]; tail: string[] } {
  const prefix = `{"id":"${answer.id}","object":"chat.completion.chunk","created":${answer.created},"model":${JSON.stringify(answer.model)},`
    + `"service_tier":"default","system_fingerprint":"${fingerprint}","choices":[`;
  const suffix = includeUsage ? '],"usage":null}' : ']}';
  const choice = (delta: string, finish: string | null): string =>
    dataFrame(`${prefix}{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}${suffix}`);

  const { call, completion } = answer;
  let head: string;
  let tokens: string[];
  if (call !== null) {
    const start = { index: 0, id: answer.callId, type: 'function', function: { name: call.name, arguments: '' } };
    head = choice(`{"role":"assistant","content":null,"tool_calls":[${JSON.stringify(start)}],"refusal":null}`, null);
    tokens = argumentFragments(call.arguments).map((fragment) =>
      choice(`{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(fragment)}}}]}`, null));
  } else {
    head = choice('{"role":"assistant","content":"","refusal":null}', null);
    tokens = (completion?.tokens ?? []).map((token) => choice(`{"content":${JSON.stringify(token)}}`, null));
  }
  const tail = [choice('{}', finishReason(answer))];
  if (includeUsage) {
    tail.push(dataFrame(`${prefix}],"usage":${JSON.stringify(usage(answer.promptTokens, completionTokens(answer)))}}`));
  }
  tail.push(doneFrame);
  return { head: [head], tokens, tail };
}

function finishReason(answer: Answer): string {
  if (answer.call !== null) return 'tool_calls';
  return answer.completion?.finish === 'length' ? 'length' : 'stop';
}

function completionTokens(answer: Answer): number {
  return answer.call !== null ? toolCallTokens(answer.call) : (answer.completion?.tokens.length ?? 0);
}

function usage(prompt: number, completion: number): unknown {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function readConversation(messages: unknown[]): { characters: number; lastUserText: string; lastRole: string; system: string } {
  let characters = 0;
  let lastUserText = '';
  let lastRole = '';
  const system: string[] = [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    const text = contentText(message.content);
    characters += text.length;
    lastRole = typeof message.role === 'string' ? message.role : '';
    if (lastRole === 'user') lastUserText = text;
    else if (lastRole === 'system' || lastRole === 'developer') system.push(text);
  }
  return { characters, lastUserText, lastRole, system: system.join('\n') };
}

/**
 * A call when tools are offered and allowed: to the tool `tool_choice` names, else the first.
 * After a tool result the model answers in text, as a real model finishing a tool loop would.
 */
function chooseToolCall(body: Record<string, unknown>, lastRole: string, knob: string | null): ToolCall | null {
  if (!Array.isArray(body.tools) || body.tool_choice === 'none' || lastRole === 'tool') return null;
  const functions = body.tools.flatMap((tool) =>
    isObject(tool) && isObject(tool.function) && typeof tool.function.name === 'string'
      ? [{ name: tool.function.name, schema: tool.function.parameters }]
      : []);
  const choice = body.tool_choice;
  return pickToolCall(functions, isObject(choice) && isObject(choice.function) ? choice.function.name : null, knob);
}
