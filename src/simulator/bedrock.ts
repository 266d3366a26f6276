// AWS Bedrock Converse: `POST /model/{modelId}/converse` (one JSON answer) and
// `/model/{modelId}/converse-stream`, a binary `application/vnd.amazon.eventstream` of messageStart,
// contentBlockStart (tool calls only), one contentBlockDelta per token, contentBlockStop,
// messageStop and metadata. Signatures are not checked: any credentials are accepted.
import type { ServerResponse } from 'node:http';
import { encodeEventStreamMessage } from '../protocol/bedrock/event-stream.ts';
import { sendBody } from './delivery.ts';
import { sendError } from './errors.ts';
import type { Exchange } from './exchange.ts';
import { badRequest, prepare } from './exchange.ts';
import type { SimulatorKnobs } from './knobs.ts';
import { complete, promptTokens } from './text.ts';
import type { Completion } from './text.ts';
import { argumentFragments, pickToolCall, toolCallTokens } from './tools.ts';
import type { ToolCall } from './tools.ts';
import { contentText, isObject, stringList, tokenLimit } from './values.ts';

export function handleBedrock(exchange: Exchange): void {
  const target = parseTarget(exchange.path);
  if (target === null) {
    sendError(exchange.response, 'bedrock', 404, `The requested operation is not recognized by the service: ${exchange.path}`);
    return;
  }
  const { body } = exchange;
  if (!Array.isArray(body.messages)) {
    return void badRequest(exchange, 'bedrock', '1 validation error detected: Value null at \'messages\' failed to satisfy constraint: Member must not be null');
  }
  const inference = isObject(body.inferenceConfig) ? body.inferenceConfig : {};
  const maxTokens = inference.maxTokens;
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    return void badRequest(exchange, 'bedrock', 'The value at inferenceConfig.maxTokens must be an integer greater than or equal to 1.');
  }
  const prepared = prepare(exchange, 'bedrock', target.model);
  if (prepared === null) return;

  const conversation = readConversation(body.system, body.messages);
  const call = chooseToolCall(body, conversation.endsWithToolResult, prepared.knobs.tool);
  const number = exchange.nextId();
  const answer: Answer = {
    requestId: `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`,
    toolUseId: `tooluse_sim${number}`,
    inputTokens: promptTokens(conversation.characters),
    call,
    completion: call !== null ? null : complete({
      model: target.model,
      echo: prepared.echo,
      lastUserText: conversation.lastUserText,
      system: contentText(body.system),
      outputTokens: prepared.knobs.outputTokens,
      maxTokens: tokenLimit(maxTokens),
      stop: stringList(inference.stopSequences),
    }),
    latencyMs: 0,
  };
  answer.latencyMs = latencyOf(prepared.knobs, usage(answer).outputTokens);
  const headers = { 'content-type': 'application/json', 'x-amzn-requestid': answer.requestId };
  if (!target.streamed) return sendBody(exchange.response, prepared.knobs, JSON.stringify(wholeAnswer(answer)), 200, headers);
  sendEventStream(exchange.response, prepared.knobs, streamFrames(answer), answer.requestId);
}

interface Answer {
  requestId: string;
  toolUseId: string;
  inputTokens: number;
  call: ToolCall | null;
  completion: Completion | null;
  latencyMs: number;
}

interface FramePlan {
  head: Buffer[];
  tokens: Buffer[];
  tail: Buffer[];
}

function wholeAnswer(answer: Answer): unknown {
  const content = answer.call !== null
    ? [{ toolUse: { toolUseId: answer.toolUseId, name: answer.call.name, input: answer.call.input } }]
    : [{ text: answer.completion?.text ?? '' }];
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: stopReason(answer),
    usage: usage(answer),
    metrics: { latencyMs: answer.latencyMs },
  };
}

function streamFrames(answer: Answer): FramePlan {
  const head = [frame('messageStart', { role: 'assistant' })];
  let tokens: Buffer[];
  if (answer.call !== null) {
    head.push(frame('contentBlockStart', { start: { toolUse: { toolUseId: answer.toolUseId, name: answer.call.name } }, contentBlockIndex: 0 }));
    tokens = argumentFragments(answer.call.arguments).map((fragment) => frame('contentBlockDelta', { delta: { toolUse: { input: fragment } }, contentBlockIndex: 0 }));
  } else {
    tokens = (answer.completion?.tokens ?? []).map((token) => frame('contentBlockDelta', { delta: { text: token }, contentBlockIndex: 0 }));
  }
  const tail = [
    frame('contentBlockStop', { contentBlockIndex: 0 }),
    frame('messageStop', { stopReason: stopReason(answer) }),
    frame('metadata', { usage: usage(answer), metrics: { latencyMs: answer.latencyMs } }),
  ];
  return { head, tokens, tail };
}

/** Bedrock pads every event with a `p` field so that sizes do not reveal the text; so does this. */
function frame(eventType: string, payload: Record<string, unknown>): Buffer {
  const padded = { ...payload, p: padding.slice(0, 1 + (JSON.stringify(payload).length % padding.length)) };
  return encodeEventStreamMessage({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(padded));
}

const padding = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123';

function stopReason(answer: Answer): string {
  if (answer.call !== null) return 'tool_use';
  if (answer.completion?.stopSequence) return 'stop_sequence';
  return answer.completion?.finish === 'length' ? 'max_tokens' : 'end_turn';
}

function usage(answer: Answer): Record<string, number> {
  const output = answer.call !== null ? toolCallTokens(answer.call) : (answer.completion?.tokens.length ?? 0);
  return { inputTokens: answer.inputTokens, outputTokens: output, totalTokens: answer.inputTokens + output };
}

/** What the knobs make the answer take, as Bedrock reports it in `metrics`. */
function latencyOf(knobs: SimulatorKnobs, tokens: number): number {
  return Math.round(knobs.ttftMs + (knobs.tokensPerSecond > 0 ? (tokens * 1000) / knobs.tokensPerSecond : 0));
}

/**
 * Writes binary frames paced like the SSE endpoints (delivery.ts works on text): the head with the
 * first token, the tail with the last. `cut` drops the connection after `faultAfterTokens` tokens;
 * `malformed` slips in a copy of the next frame with a broken checksum at that point.
 */
function sendEventStream(response: ServerResponse, knobs: SimulatorKnobs, plan: FramePlan, requestId: string): void {
  const { chunks, destroy } = scheduleFrames(plan, knobs);
  response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
  const interval = knobs.tokensPerSecond > 0 ? 1000 / knobs.tokensPerSecond : 0;
  let index = 0;
  let firstAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  response.once('close', () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
  });
  const writeNext = (): void => {
    timer = undefined;
    if (closed) return;
    if (index === 0) firstAt = performance.now();
    const chunk = chunks[index++];
    if (index < chunks.length) {
      // Aim at absolute times so that timer lateness does not add up over a long answer.
      const scheduleNext = (): void => {
        if (!closed) timer = setTimeout(writeNext, Math.max(0, firstAt + index * interval - performance.now()));
      };
      if (response.write(chunk)) scheduleNext();
      else response.once('drain', scheduleNext);
    } else if (!destroy) response.end(chunk);
    else if (chunk.length === 0) response.destroy();
    else response.write(chunk, () => response.destroy());
  };
  if (knobs.ttftMs === 0 && chunks.length === 1) writeNext();
  else {
    response.flushHeaders();
    timer = setTimeout(writeNext, knobs.ttftMs);
  }
}

function scheduleFrames(plan: FramePlan, knobs: SimulatorKnobs): { chunks: Buffer[]; destroy: boolean } {
  const { tokens } = plan;
  const faulty = knobs.fault === 'cut' || knobs.fault === 'malformed';
  const strike = faulty ? Math.min(knobs.faultAfterTokens, tokens.length) : -1;
  const chunks: Buffer[][] = [];
  let current: Buffer[] = [...plan.head];
  let destroy = false;
  for (let index = 0; index <= tokens.length; index++) {
    if (index === strike) {
      if (knobs.fault === 'cut') {
        destroy = true;
        break;
      }
      const victim = index < tokens.length ? tokens[index] : plan.tail[0];
      current.push(corrupted(victim));
    }
    if (index === tokens.length) {
      current.push(...plan.tail);
      break;
    }
    current.push(tokens[index]);
    chunks.push(current);
    current = [];
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  // Without pacing everything goes out in one write (still as separate frames).
  const joined = knobs.tokensPerSecond > 0 ? chunks.map((parts) => Buffer.concat(parts)) : [Buffer.concat(chunks.flat())];
  return { chunks: joined, destroy };
}

function corrupted(frameBytes: Buffer): Buffer {
  const copy = Buffer.from(frameBytes);
  copy[copy.length - 5] ^= 0xff;
  return copy;
}

/** `/model/{modelId}/converse[-stream]`; the model id is one encoded segment (ARNs hold `/` as %2F). */
function parseTarget(path: string): { model: string; streamed: boolean } | null {
  const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(path);
  if (match === null) return null;
  let model = match[1];
  try {
    model = decodeURIComponent(model);
  } catch {
    // Keep the raw id: a stray % is a strange model name, not a reason to fail.
  }
  return { model, streamed: match[2] === 'converse-stream' };
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
      && message.content.some((block) => isObject(block) && isObject(block.toolResult));
    if (message.role === 'user' && text !== '') lastUserText = text;
  }
  return { characters, lastUserText, endsWithToolResult };
}

/** A toolUse when tools are declared, unless answering a tool result; `toolChoice.tool` picks which. */
function chooseToolCall(body: Record<string, unknown>, endsWithToolResult: boolean, knob: string | null): ToolCall | null {
  const config = isObject(body.toolConfig) ? body.toolConfig : {};
  if (!Array.isArray(config.tools) || endsWithToolResult) return null;
  const specs = config.tools.flatMap((tool) =>
    isObject(tool) && isObject(tool.toolSpec) && typeof tool.toolSpec.name === 'string'
      ? [{ name: tool.toolSpec.name, schema: isObject(tool.toolSpec.inputSchema) ? tool.toolSpec.inputSchema.json : undefined }]
      : []);
  return pickToolCall(specs, isObject(config.toolChoice) && isObject(config.toolChoice.tool) ? config.toolChoice.tool.name : null, knob);
}
