// Anthropic Messages: `POST /v1/messages`, a whole `message` or the event stream
// (message_start, content_block_start, ping, content_block_delta, ..., message_stop), and
// `POST /v1/messages/count_tokens`, which counts the prompt as the answer's `input_tokens` would.
import { sendBody, sendStream } from './delivery.ts';
import type { Exchange } from './exchange.ts';
import { badRequest, prepare } from './exchange.ts';
import { replayReference, serveReplay } from './replay.ts';
import { eventFrame } from './sse.ts';
import { complete, promptTokens } from './text.ts';
import type { Completion } from './text.ts';
import { argumentFragments, pickToolCall, toolCallTokens } from './tools.ts';
import type { ToolCall } from './tools.ts';
import { contentText, isObject, requestedSchema, stringList } from './values.ts';

export function handleMessages(exchange: Exchange): void {
  const { body } = exchange;
  const model = body.model;
  if (typeof model !== 'string' || model === '') return void badRequest(exchange, 'anthropic', 'model: Field required');
  // The real API insists on max_tokens; a gateway that forgets it should learn so here.
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    return void badRequest(exchange, 'anthropic', maxTokens === undefined ? 'max_tokens: Field required' : 'max_tokens: Input should be a valid integer greater than or equal to 1');
  }
  if (!Array.isArray(body.messages)) return void badRequest(exchange, 'anthropic', 'messages: Field required');
  const prepared = prepare(exchange, 'anthropic', model);
  if (prepared === null) return;
  const stream = body.stream === true;
  const reference = replayReference(model);
  if (reference !== null) return serveReplay(exchange, prepared.knobs, 'anthropic', 'anthropic', reference, stream ? 'sse' : 'json');

  const conversation = readConversation(body.system, body.messages);
  const call = chooseToolCall(body, conversation.endsWithToolResult, prepared.knobs.tool);
  const number = exchange.nextId();
  const answer: Answer = {
    id: `msg_sim${number}`,
    toolUseId: `toolu_sim${number}`,
    model,
    inputTokens: promptTokens(conversation.characters),
    call,
    completion: call !== null ? null : complete({
      model,
      echo: prepared.echo,
      lastUserText: conversation.lastUserText,
      system: contentText(body.system),
      outputTokens: prepared.knobs.outputTokens,
      maxTokens,
      stop: stringList(body.stop_sequences),
      schema: requestedSchema(isObject(body.output_config) ? body.output_config.format : body.output_format, false),
    }),
  };
  if (!stream) return sendBody(exchange.response, prepared.knobs, JSON.stringify(wholeMessage(answer)));
  sendStream(exchange.response, prepared.knobs, streamPlan(answer));
}

/** `{"input_tokens": N}`: the same count a message with this prompt reports as its input. */
export function handleCountTokens(exchange: Exchange): void {
  const { body } = exchange;
  const model = body.model;
  if (typeof model !== 'string' || model === '') return void badRequest(exchange, 'anthropic', 'model: Field required');
  if (!Array.isArray(body.messages)) return void badRequest(exchange, 'anthropic', 'messages: Field required');
  const prepared = prepare(exchange, 'anthropic', model);
  if (prepared === null) return;
  const conversation = readConversation(body.system, body.messages);
  sendBody(exchange.response, prepared.knobs, JSON.stringify({ input_tokens: promptTokens(conversation.characters) }));
}

interface Answer {
  id: string;
  toolUseId: string;
  model: string;
  inputTokens: number;
  call: ToolCall | null;
  completion: Completion | null;
}

function wholeMessage(answer: Answer): unknown {
  const content = answer.call !== null
    ? [{ type: 'tool_use', id: answer.toolUseId, name: answer.call.name, input: answer.call.input }]
    : [{ type: 'text', text: answer.completion?.text ?? '' }];
  return {
    model: answer.model,
    id: answer.id,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: stopReason(answer),
    stop_sequence: answer.completion?.stopSequence ?? null,
    usage: startUsage(answer.inputTokens, outputTokens(answer)),
  };
}

function streamPlan(answer: Answer): { head: string[]; tokens: string[]; tail: string[] } {
  const message = {
    model: answer.model,
    id: answer.id,
    type: 'message',
    role: 'assistant',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: startUsage(answer.inputTokens, 1),
  };
  const block = answer.call !== null
    ? { type: 'tool_use', id: answer.toolUseId, name: answer.call.name, input: {} }
    : { type: 'text', text: '' };
  const head = [
    eventFrame('message_start', JSON.stringify({ type: 'message_start', message })),
    eventFrame('content_block_start', JSON.stringify({ type: 'content_block_start', index: 0, content_block: block })),
    eventFrame('ping', '{"type":"ping"}'),
  ];
  const delta = (inner: string): string =>
    eventFrame('content_block_delta', `{"type":"content_block_delta","index":0,"delta":${inner}}`);
  const tokens = answer.call !== null
    ? ['', ...argumentFragments(answer.call.arguments)].map((fragment) =>
      delta(`{"type":"input_json_delta","partial_json":${JSON.stringify(fragment)}}`))
    : (answer.completion?.tokens ?? []).map((token) => delta(`{"type":"text_delta","text":${JSON.stringify(token)}}`));
  const finalDelta = {
    type: 'message_delta',
    delta: { stop_reason: stopReason(answer), stop_sequence: answer.completion?.stopSequence ?? null },
    usage: {
      input_tokens: answer.inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: outputTokens(answer),
    },
  };
  const tail = [
    eventFrame('content_block_stop', '{"type":"content_block_stop","index":0}'),
    eventFrame('message_delta', JSON.stringify(finalDelta)),
    eventFrame('message_stop', '{"type":"message_stop"}'),
  ];
  return { head, tokens, tail };
}

function startUsage(inputTokens: number, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
    inference_geo: 'not_available',
  };
}

function stopReason(answer: Answer): string {
  if (answer.call !== null) return 'tool_use';
  if (answer.completion?.stopSequence) return 'stop_sequence';
  return answer.completion?.finish === 'length' ? 'max_tokens' : 'end_turn';
}

function outputTokens(answer: Answer): number {
  return answer.call !== null ? toolCallTokens(answer.call) : (answer.completion?.tokens.length ?? 0);
}

function readConversation(system: unknown, messages: unknown[]): { characters: number; lastUserText: string; endsWithToolResult: boolean } {
  let characters = contentText(system).length;
  let lastUserText = '';
  let endsWithToolResult = false;
  for (const message of messages) {
    if (!isObject(message)) continue;
    const text = contentText(message.content);
    characters += text.length;
    endsWithToolResult = message.role === 'user' && Array.isArray(message.content)
      && message.content.some((block) => isObject(block) && block.type === 'tool_result');
    if (message.role === 'user' && text !== '') lastUserText = text;
  }
  return { characters, lastUserText, endsWithToolResult };
}

/** A tool_use block when custom tools are offered and allowed, unless answering a tool result. */
function chooseToolCall(body: Record<string, unknown>, endsWithToolResult: boolean, knob: string | null): ToolCall | null {
  const choice = isObject(body.tool_choice) ? body.tool_choice : {};
  if (!Array.isArray(body.tools) || choice.type === 'none' || endsWithToolResult) return null;
  // Server tools (web search, code execution, ...) carry a versioned `type`; only custom tools are called.
  const custom = body.tools.flatMap((tool) =>
    isObject(tool) && typeof tool.name === 'string' && (tool.type === undefined || tool.type === 'custom')
      ? [{ name: tool.name, schema: tool.input_schema }]
      : []);
  return pickToolCall(custom, choice.type === 'tool' ? choice.name : null, knob);
}
