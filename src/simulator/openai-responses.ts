// OpenAI Responses: `POST /v1/responses`, a whole `response` object or the typed event stream
// (`response.created` ... `response.completed`, each with `event:` and `sequence_number`).
import { sendBody, sendStream } from './delivery.ts';
import type { Exchange } from './exchange.ts';
import { badRequest, prepare } from './exchange.ts';
import { replayReference, serveReplay } from './replay.ts';
import { eventFrame } from './sse.ts';
import { complete, promptTokens } from './text.ts';
import type { Completion } from './text.ts';
import { argumentFragments, pickToolCall, toolCallTokens } from './tools.ts';
import type { ToolCall } from './tools.ts';
import { contentText, isObject, requestedSchema, tokenLimit } from './values.ts';

export function handleResponses(exchange: Exchange): void {
  const { body } = exchange;
  const model = body.model;
  if (typeof model !== 'string' || model === '') return void badRequest(exchange, 'openai', "Missing required parameter: 'model'.", 'model');
  const prepared = prepare(exchange, 'openai', model);
  if (prepared === null) return;
  const stream = body.stream === true;
  const reference = replayReference(model);
  if (reference !== null) return serveReplay(exchange, prepared.knobs, 'openai', 'responses', reference, stream ? 'sse' : 'json');

  const input = readInput(body.input, body.instructions);
  const call = chooseToolCall(body, input.lastType, prepared.knobs.tool);
  const number = exchange.nextId();
  const answer: Answer = {
    request: body,
    id: `resp_sim${number}`,
    itemId: call === null ? `msg_sim${number}` : `fc_sim${number}`,
    callId: `call_sim${number}`,
    createdAt: Math.floor(Date.now() / 1000),
    model,
    inputTokens: promptTokens(input.characters),
    call,
    completion: call !== null ? null : complete({
      model,
      echo: prepared.echo,
      lastUserText: input.lastUserText,
      system: input.system,
      outputTokens: prepared.knobs.outputTokens,
      maxTokens: tokenLimit(body.max_output_tokens),
      stop: [],
      schema: requestedSchema(isObject(body.text) ? body.text.format : undefined, false),
    }),
  };
  if (!stream) return sendBody(exchange.response, prepared.knobs, JSON.stringify(responseObject(answer, true)));
  sendStream(exchange.response, prepared.knobs, streamPlan(answer));
}

interface Answer {
  request: Record<string, unknown>;
  id: string;
  itemId: string;
  callId: string;
  createdAt: number;
  model: string;
  inputTokens: number;
  call: ToolCall | null;
  completion: Completion | null;
}

function streamPlan(answer: Answer): { head: string[]; tokens: string[]; tail: string[] } {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>): string =>
    eventFrame(type, JSON.stringify({ type, sequence_number: sequence++, ...fields }));
  const head = [
    event('response.created', { response: responseObject(answer, false) }),
    event('response.in_progress', { response: responseObject(answer, false) }),
    event('response.output_item.added', { output_index: 0, item: outputItem(answer, false) }),
  ];
  const itemId = JSON.stringify(answer.itemId);
  const tokens: string[] = [];
  const tail: string[] = [];
  if (answer.call !== null) {
    for (const fragment of argumentFragments(answer.call.arguments)) {
      tokens.push(eventFrame('response.function_call_arguments.delta',
        `{"type":"response.function_call_arguments.delta","sequence_number":${sequence++},"item_id":${itemId},"output_index":0,"delta":${JSON.stringify(fragment)}}`));
    }
    tail.push(event('response.function_call_arguments.done', { item_id: answer.itemId, output_index: 0, arguments: answer.call.arguments }));
  } else {
    const text = answer.completion?.text ?? '';
    head.push(event('response.content_part.added', { item_id: answer.itemId, output_index: 0, content_index: 0, part: textPart('') }));
    for (const token of answer.completion?.tokens ?? []) {
      tokens.push(eventFrame('response.output_text.delta',
        `{"type":"response.output_text.delta","sequence_number":${sequence++},"item_id":${itemId},"output_index":0,"content_index":0,"delta":${JSON.stringify(token)},"logprobs":[]}`));
    }
    tail.push(event('response.output_text.done', { item_id: answer.itemId, output_index: 0, content_index: 0, text, logprobs: [] }));
    tail.push(event('response.content_part.done', { item_id: answer.itemId, output_index: 0, content_index: 0, part: textPart(text) }));
  }
  tail.push(event('response.output_item.done', { output_index: 0, item: outputItem(answer, true) }));
  const incomplete = answer.completion?.finish === 'length';
  tail.push(event(incomplete ? 'response.incomplete' : 'response.completed', { response: responseObject(answer, true) }));
  return { head, tokens, tail };
}

/** The `response` object, echoing the request's settings as the real API does. */
function responseObject(answer: Answer, done: boolean): Record<string, unknown> {
  const { request } = answer;
  const incomplete = done && answer.completion?.finish === 'length';
  const outputTokens = answer.call !== null ? toolCallTokens(answer.call) : (answer.completion?.tokens.length ?? 0);
  return {
    id: answer.id,
    object: 'response',
    created_at: answer.createdAt,
    status: !done ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: request.max_tool_calls ?? null,
    model: answer.model,
    output: done ? [outputItem(answer, true)] : [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    prompt_cache_retention: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: done ? 'default' : 'auto',
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: Array.isArray(request.tools) ? request.tools : [],
    top_logprobs: 0,
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: done
      ? {
        input_tokens: answer.inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: answer.inputTokens + outputTokens,
      }
      : null,
    user: null,
    metadata: isObject(request.metadata) ? request.metadata : {},
  };
}

function outputItem(answer: Answer, done: boolean): Record<string, unknown> {
  if (answer.call !== null) {
    return {
      id: answer.itemId,
      type: 'function_call',
      status: done ? 'completed' : 'in_progress',
      arguments: done ? answer.call.arguments : '',
      call_id: answer.callId,
      name: answer.call.name,
    };
  }
  const status = !done ? 'in_progress' : answer.completion?.finish === 'length' ? 'incomplete' : 'completed';
  const content = done ? [textPart(answer.completion?.text ?? '')] : [];
  return { id: answer.itemId, type: 'message', status, content, role: 'assistant' };
}

function textPart(text: string): Record<string, unknown> {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

/** `input` is a string or a list of items (messages, function calls and their outputs). */
function readInput(input: unknown, instructions: unknown): { characters: number; lastUserText: string; lastType: string; system: string } {
  let characters = typeof instructions === 'string' ? instructions.length : 0;
  const system: string[] = typeof instructions === 'string' ? [instructions] : [];
  if (typeof input === 'string') return { characters: characters + input.length, lastUserText: input, lastType: 'message', system: system.join('\n') };
  let lastUserText = '';
  let lastType = '';
  if (Array.isArray(input)) {
    for (const item of input) {
      if (!isObject(item)) continue;
      lastType = typeof item.type === 'string' ? item.type : 'message';
      if (lastType === 'function_call_output') {
        characters += typeof item.output === 'string' ? item.output.length : contentText(item.output).length;
        continue;
      }
      if (lastType === 'function_call') {
        characters += typeof item.arguments === 'string' ? item.arguments.length : 0;
        continue;
      }
      const text = contentText(item.content);
      characters += text.length;
      if (item.role === 'user') lastUserText = text;
      else if (item.role === 'system' || item.role === 'developer') system.push(text);
    }
  }
  return { characters, lastUserText, lastType, system: system.join('\n') };
}

/** A function call when function tools are offered and allowed, unless answering a tool's output. */
function chooseToolCall(body: Record<string, unknown>, lastType: string, knob: string | null): ToolCall | null {
  if (!Array.isArray(body.tools) || body.tool_choice === 'none' || lastType === 'function_call_output') return null;
  const functions = body.tools.flatMap((tool) =>
    isObject(tool) && tool.type === 'function' && typeof tool.name === 'string' ? [{ name: tool.name, schema: tool.parameters }] : []);
  const choice = body.tool_choice;
  return pickToolCall(functions, isObject(choice) ? choice.name : null, knob);
}
