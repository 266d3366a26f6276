// Whole (non-streamed) Responses answers, both ways: the `response` object an OpenAI or Azure
// `/responses` endpoint returns, read into the internal form, and the one a Responses client
// receives. The item builders, usage and status maps are shared with the stream encoder and decoder.
//
// A `custom_tool_call` becomes a tool call whose arguments are `{"input": <its text>}`, as for any
// provider's call of a custom tool (see custom-tools.ts); a call of a tool the request declares as
// custom goes to the client as a `custom_tool_call`.
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { AssistantContent, ChatRequest, ChatResponse, EncodeContext, EncodeTarget, FinishReason, ReasoningPart, RedactedReasoningPart, ToolCallPart, Usage } from '../ir.ts';
import { namespacedName } from '../tools.ts';
import { customCallArguments, customCallInput, isCustomTool } from './custom-tools.ts';
import { echoOf } from './echo.ts';

/** Anthropic's `redacted_thinking` travels to a Responses client as a reasoning item with this id
 * prefix and the data as `encrypted_content`, so the client's next request brings it back intact. */
export const redactedReasoningPrefix = 'rs_redacted_';

export function decodeResponse(body: unknown, target: EncodeTarget): ChatResponse {
  if (!isRecord(body)) throw malformedResponse('the provider answer is not a JSON object');
  if (!Array.isArray(body.output)) throw malformedResponse('the provider answer has no `output` list');
  const content = decodeOutput(body.output);
  return {
    id: typeof body.id === 'string' && body.id !== '' ? body.id : generateId('resp'),
    model: typeof body.model === 'string' && body.model !== '' ? body.model : target.upstreamModel,
    created: typeof body.created_at === 'number' ? body.created_at : nowSeconds(),
    content,
    finishReason: decodeStatus(body.status, body.incomplete_details, content.some((part) => part.type === 'tool-call')),
    usage: decodeUsage(body.usage),
  };
}

export function encodeResponse(response: ChatResponse, context: EncodeContext): Record<string, unknown> {
  return responseObject({
    id: responseId(response.id),
    model: response.model || context.model,
    created: response.created,
    output: encodeOutput(response.content, context.request),
    finishReason: response.finishReason,
    usage: response.usage,
    echo: echoOf(context.request),
  });
}

/** A Responses client sees a `resp_` id, as OpenAI gives: another provider's id (`chatcmpl-`,
 * `msg_`, Gemini's) is replaced by a new one. */
export function responseId(id: string): string {
  return id.startsWith('resp_') ? id : generateId('resp');
}

export interface ResponseSnapshot {
  id: string;
  model: string;
  created: number;
  output: Record<string, unknown>[];
  /** null while the answer is in progress. */
  finishReason: FinishReason | null;
  usage: Usage | null;
  /** A failure reported during the stream; makes the response `failed`. */
  failure?: { code: string | null; message: string };
  /** The request's settings the object repeats (see echo.ts); null: neutral values. */
  echo?: Record<string, unknown> | null;
}

/** The full `response` object: the fields the SDK's `Response` type requires, with the request's
 * settings where the encoder was given the request, and neutral values where not. */
export function responseObject(snapshot: ResponseSnapshot): Record<string, unknown> {
  const state = snapshot.failure
    ? { status: 'failed', incomplete_details: null, error: { code: snapshot.failure.code ?? 'server_error', message: snapshot.failure.message } }
    : encodeStatus(snapshot.finishReason);
  return {
    id: snapshot.id,
    object: 'response',
    created_at: snapshot.created,
    status: state.status,
    background: false,
    error: state.error,
    incomplete_details: state.incomplete_details,
    instructions: null,
    max_output_tokens: null,
    model: snapshot.model,
    output: snapshot.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: null,
    store: false,
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    usage: snapshot.usage ? encodeUsage(snapshot.usage) : null,
    metadata: {},
    ...snapshot.echo,
  };
}

/** Consecutive text and refusal parts share one message item; every other part is its own item. */
export function encodeOutput(content: AssistantContent[], request?: ChatRequest): Record<string, unknown>[] {
  const output: Record<string, unknown>[] = [];
  let message: Record<string, unknown>[] | null = null;
  for (const part of content) {
    if (part.type === 'text' || part.type === 'refusal') {
      const encoded = part.type === 'text' ? outputTextPart(part.text) : refusalPart(part.text);
      if (message) message.push(encoded);
      else {
        message = [encoded];
        output.push(messageItem(generateId('msg'), message, 'completed'));
      }
      continue;
    }
    message = null;
    if (part.type === 'reasoning') output.push(reasoningItem(part.id ?? generateId('rs'), part.text, part.signature));
    else if (part.type === 'redacted-reasoning') output.push(reasoningItem(generateId(redactedReasoningPrefix.slice(0, -1)), '', part.data));
    else output.push(toolCallItem(part, clientTool(part, request), 'completed'));
  }
  return output;
}

export function messageItem(id: string, content: Record<string, unknown>[], status: string): Record<string, unknown> {
  return { id, type: 'message', status, role: 'assistant', content };
}

export function outputTextPart(text: string): Record<string, unknown> {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function refusalPart(text: string): Record<string, unknown> {
  return { type: 'refusal', refusal: text };
}

export function reasoningItem(id: string, text: string, signature: string | undefined): Record<string, unknown> {
  const item: Record<string, unknown> = { id, type: 'reasoning', summary: text === '' ? [] : [{ type: 'summary_text', text }] };
  if (signature !== undefined) item.encrypted_content = signature;
  return item;
}

/** How the client declared the tool a call is made to. */
export interface ClientTool {
  name: string;
  namespace?: string;
  /** A custom tool: its calls are `custom_tool_call` items. */
  custom: boolean;
}

/** A `function_call` item, or a `custom_tool_call` for a custom tool. */
export function toolCallItem(call: Pick<ToolCallPart, 'id' | 'arguments' | 'itemId'>, tool: ClientTool, status: string): Record<string, unknown> {
  const item: Record<string, unknown> = tool.custom
    ? { id: call.itemId ?? generateId('ctc'), type: 'custom_tool_call', status, call_id: call.id, name: tool.name, input: customCallInput(call.arguments) }
    : { id: call.itemId ?? generateId('fc'), type: 'function_call', status, arguments: call.arguments, call_id: call.id, name: tool.name };
  if (tool.namespace !== undefined) item.namespace = tool.namespace;
  return item;
}

/** The tool a call is made to, as the client declared it: a provider of another format called it
 * by its flat name (see tools.ts). */
export function clientTool(call: { name: string; namespace?: string }, request: ChatRequest | undefined): ClientTool {
  const { name, namespace } = call.namespace !== undefined ? { name: call.name, namespace: call.namespace } : (namespacedName(request, call.name) ?? { name: call.name });
  const tool: ClientTool = { name, custom: isCustomTool(request, name, namespace) };
  if (namespace !== undefined) tool.namespace = namespace;
  return tool;
}

/** Reads the items of `output`: messages, reasoning and tool calls. Items of OpenAI's own tools
 * (web_search_call, file_search_call, ...) are work the provider did itself; the internal form has
 * no place for them, and the message that follows carries their result. */
export function decodeOutput(items: unknown[]): AssistantContent[] {
  const content: AssistantContent[] = [];
  items.forEach((item, index) => {
    if (!isRecord(item)) throw malformedResponse(`output[${index}] is not an object`);
    if (item.type === 'message') {
      if (!Array.isArray(item.content)) throw malformedResponse(`output[${index}].content is not a list`);
      for (const part of item.content) {
        if (!isRecord(part)) continue;
        if (part.type === 'output_text' && typeof part.text === 'string') content.push({ type: 'text', text: part.text });
        else if (part.type === 'refusal' && typeof part.refusal === 'string') content.push({ type: 'refusal', text: part.refusal });
      }
    } else if (item.type === 'reasoning') {
      content.push(decodeReasoningItem(item));
    } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      const call = decodeToolCallItem(item);
      if (!call) throw malformedResponse(`output[${index}] is a ${item.type} without \`call_id\` or \`name\``);
      content.push(call);
    }
  });
  return content;
}

export function decodeReasoningItem(item: Record<string, unknown>): ReasoningPart | RedactedReasoningPart {
  const id = typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
  const encrypted = typeof item.encrypted_content === 'string' && item.encrypted_content !== '' ? item.encrypted_content : undefined;
  if (id?.startsWith(redactedReasoningPrefix) && encrypted !== undefined) return { type: 'redacted-reasoning', data: encrypted };
  const part: ReasoningPart = { type: 'reasoning', text: summaryText(item.summary) };
  if (encrypted !== undefined) part.signature = encrypted;
  if (id !== undefined) part.id = id;
  return part;
}

/** Summary parts joined by a blank line, as the stream decoder joins them. */
export function summaryText(summary: unknown): string {
  if (!Array.isArray(summary)) return '';
  return summary.flatMap((part) => (isRecord(part) && typeof part.text === 'string' ? [part.text] : [])).join('\n\n');
}

/** A function or custom tool call item; null when it lacks what identifies it. */
export function decodeToolCallItem(item: Record<string, unknown>): ToolCallPart | null {
  if (typeof item.call_id !== 'string' || typeof item.name !== 'string') return null;
  const argumentsText = item.type === 'custom_tool_call' ? customCallArguments(typeof item.input === 'string' ? item.input : '') : functionArguments(item.arguments);
  const part: ToolCallPart = { type: 'tool-call', id: item.call_id, name: item.name, arguments: argumentsText };
  if (typeof item.namespace === 'string' && item.namespace !== '') part.namespace = item.namespace;
  if (typeof item.id === 'string' && item.id !== '') part.itemId = item.id;
  return part;
}

/** Arguments as JSON text; "{}" for none, as the internal form wants. */
export function functionArguments(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '{}' : value;
  if (value === undefined || value === null) return '{}';
  return JSON.stringify(value);
}

export function decodeStatus(status: unknown, incompleteDetails: unknown, hasToolCalls: boolean): FinishReason {
  switch (status) {
    case 'incomplete': {
      const reason = isRecord(incompleteDetails) ? incompleteDetails.reason : undefined;
      if (reason === 'max_output_tokens') return 'length';
      if (reason === 'content_filter') return 'content-filter';
      return 'other';
    }
    case 'failed':
    case 'cancelled':
      return 'error';
    case 'queued':
    case 'in_progress':
      return 'other';
    default:
      // `completed`, or servers imitating the API that leave the status out.
      return hasToolCalls ? 'tool-calls' : 'stop';
  }
}

export function encodeStatus(reason: FinishReason | null): { status: string; incomplete_details: Record<string, unknown> | null; error: Record<string, unknown> | null } {
  if (reason === null) return { status: 'in_progress', incomplete_details: null, error: null };
  if (reason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, error: null };
  if (reason === 'content-filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' }, error: null };
  if (reason === 'error') return { status: 'failed', incomplete_details: null, error: { code: 'server_error', message: 'the provider ended the answer with an error' } };
  return { status: 'completed', incomplete_details: null, error: null };
}

export function decodeUsage(value: unknown): Usage | null {
  if (!isRecord(value) || typeof value.input_tokens !== 'number') return null;
  const inputDetails = isRecord(value.input_tokens_details) ? value.input_tokens_details : {};
  const outputDetails = isRecord(value.output_tokens_details) ? value.output_tokens_details : {};
  return {
    inputTokens: value.input_tokens,
    outputTokens: numberOr(value.output_tokens, 0),
    cachedInputTokens: numberOr(inputDetails.cached_tokens, 0),
    cacheWriteTokens: 0,
    reasoningTokens: numberOr(outputDetails.reasoning_tokens, 0),
  };
}

export function encodeUsage(usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.cost === undefined ? {} : { cost: usage.cost }),
  };
}

/** `prefix_` and 24 random hex digits, the shape of OpenAI's ids. */
export function generateId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function malformedResponse(message: string): GatewayError {
  return new GatewayError(message, { status: 502, type: 'upstream_error', code: 'upstream_malformed_response' });
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
