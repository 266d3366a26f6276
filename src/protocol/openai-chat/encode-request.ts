// The internal form written as a Chat Completions body for an OpenAI-compatible provider; what
// such a provider cannot carry is reported in `dropped`.
import { invalidRequest } from '../../errors/gateway-error.ts';
import type { AssistantContent, ChatRequest, EncodeTarget, EncodedRequest, ReasoningEffort, ReasoningOptions, ResponseFormat, ToolChoice, ToolResultPart, UserContent } from '../ir.ts';
import { flatDescription, offeredTools, resultContentAsText, wireToolName } from '../tools.ts';
import { isRecord } from './response.ts';

export function encodeRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  if (request.sourceOnly.length > 0 && request.source !== 'openai-chat')
    throw invalidRequest(`${request.sourceOnly.map((field) => `\`${field}\``).join(', ')} cannot be sent to a Chat Completions provider; remove ${request.sourceOnly.length > 1 ? 'them' : 'it'} or choose a model of the same API`, request.sourceOnly[0], 'unsupported_parameter');
  const dropped = new Set<string>();
  const sameFormat = request.source === 'openai-chat';
  const customTools = new Set(request.tools.flatMap((tool) => (tool.type === 'native' && tool.format === 'openai-chat' && tool.definition.type === 'custom' && isRecord(tool.definition.custom) ? [String(tool.definition.custom.name)] : [])));
  const body: Record<string, unknown> = { model: target.upstreamModel, messages: encodeMessages(request, customTools, dropped) };

  const tools = encodeTools(request, dropped);
  if (tools.length > 0) body.tools = tools;
  if (request.toolChoice) body.tool_choice = encodeToolChoice(request.toolChoice, customTools);
  // Providers refuse `parallel_tool_calls` without tools, and without tools it means nothing.
  if (request.parallelToolCalls !== undefined && tools.length > 0) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.responseFormat) body.response_format = encodeResponseFormat(request.responseFormat);
  if (request.maxOutputTokens !== undefined) body[target.quirks.maxTokensField ?? 'max_tokens'] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  // `top_k` is not Chat's, but the servers a Chat client sends it to (vLLM, Together) accept it.
  if (request.topK !== undefined) {
    if (sameFormat) body.top_k = request.topK;
    else dropped.add('top_k');
  }
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  encodeReasoning(request, target, body, dropped);
  if (request.user !== undefined) body.user = request.user;
  // OpenAI takes `metadata` only with `store`; only a Chat client knows whether it set that.
  if (request.metadata !== undefined) {
    if (sameFormat) body.metadata = request.metadata;
    else dropped.add('metadata');
  }
  if (request.stream) {
    body.stream = true;
    if (!target.quirks.noStreamOptions) body.stream_options = { include_usage: true };
  }
  for (const [key, value] of Object.entries(request.extra)) {
    if (!sameFormat) dropped.add(key);
    else if (!key.startsWith('reasoning.')) body[key] = value;
    else if (target.quirks.reasoningObject) body.reasoning = { ...(isRecord(body.reasoning) ? body.reasoning : {}), [key.slice('reasoning.'.length)]: value };
    else dropped.add(key);
  }
  if (hasCacheControl(request)) dropped.add('cache_control');
  return { path: '/chat/completions', body, dropped: [...dropped] };
}

/** System parts become one system message each (their count survives a round trip), and a system
 * message in the conversation stays where it was; reasoning in assistant history is not sent, since
 * Chat has no standard place and several servers refuse it. */
function encodeMessages(request: ChatRequest, customTools: Set<string>, dropped: Set<string>): Record<string, unknown>[] {
  const encoded: Record<string, unknown>[] = request.system.map((part) => ({ role: 'system', content: part.text }));
  for (const message of request.messages) {
    if (message.role === 'user') encoded.push({ role: 'user', content: encodeUserContent(message.content, dropped) });
    else if (message.role === 'assistant') encoded.push(encodeAssistant(message.content, customTools));
    else if (message.role === 'system') encoded.push({ role: 'system', content: message.content.map((part) => part.text).join('\n\n') });
    else for (const result of message.content) encoded.push({ role: 'tool', tool_call_id: result.toolCallId, content: encodeToolResult(result, dropped) });
  }
  return encoded;
}

function encodeUserContent(content: UserContent[], dropped: Set<string>): unknown {
  if (content.length === 1 && content[0].type === 'text') return content[0].text;
  const parts: Record<string, unknown>[] = [];
  for (const part of content) {
    if (part.type === 'text') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'image') {
      if (part.source.kind === 'file-id') {
        dropped.add('image_file_id');
        continue;
      }
      const image: Record<string, unknown> = { url: part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}` };
      if (part.detail !== undefined) image.detail = part.detail;
      parts.push({ type: 'image_url', image_url: image });
    } else {
      if (part.source.kind === 'url') {
        dropped.add('document_url');
        continue;
      }
      if (part.source.kind === 'base64' && part.source.mediaType.startsWith('audio/')) {
        const format = audioFormats[part.source.mediaType];
        if (format) parts.push({ type: 'input_audio', input_audio: { data: part.source.data, format } });
        else dropped.add('input_audio');
        continue;
      }
      const file: Record<string, unknown> = part.source.kind === 'file-id' ? { file_id: part.source.id } : { file_data: `data:${part.source.mediaType};base64,${part.source.data}` };
      // Chat has no title; it is the best name the file has when no filename came.
      const filename = part.filename ?? part.title;
      if (filename !== undefined) file.filename = filename;
      parts.push({ type: 'file', file });
    }
  }
  // Servers refuse an empty list; a message whose every part was dropped is left as empty text.
  return parts.length > 0 ? parts : '';
}

/** The audio Chat takes, by media type. */
const audioFormats: Record<string, string> = { 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3' };

/** Text is joined: a Chat client streaming this answer would have seen it as one string too. */
function encodeAssistant(content: AssistantContent[], customTools: Set<string>): Record<string, unknown> {
  let text: string | null = null;
  let refusal: string | null = null;
  const toolCalls: Record<string, unknown>[] = [];
  for (const part of content) {
    if (part.type === 'text') text = (text ?? '') + part.text;
    else if (part.type === 'refusal') refusal = (refusal ?? '') + part.text;
    else if (part.type === 'tool-call') {
      const name = wireToolName(part.name, part.namespace);
      toolCalls.push(customTools.has(name)
        ? { id: part.id, type: 'custom', custom: { name, input: part.arguments } }
        : { id: part.id, type: 'function', function: { name, arguments: part.arguments } });
    }
  }
  const message: Record<string, unknown> = { role: 'assistant', content: text ?? (toolCalls.length > 0 || refusal !== null ? null : '') };
  if (refusal !== null) message.refusal = refusal;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** Chat tool messages carry text only; images and documents in a result cannot follow. */
function encodeToolResult(result: ToolResultPart, dropped: Set<string>): unknown {
  const texts: string[] = [];
  for (const part of resultContentAsText(result)) {
    if (part.type === 'text') texts.push(part.text);
    else dropped.add(part.type === 'image' ? 'tool_result_image' : 'tool_result_document');
  }
  return texts.length === 1 ? texts[0] : texts.length === 0 ? '' : texts.map((text) => ({ type: 'text', text }));
}

function encodeTools(request: ChatRequest, dropped: Set<string>): Record<string, unknown>[] {
  const encoded: Record<string, unknown>[] = [];
  for (const { tool, param } of offeredTools(request, 'openai-chat', (name) => dropped.add(name))) {
    if (tool.type === 'native') {
      if (tool.format === 'openai-chat') encoded.push(tool.definition);
      else dropped.add(param);
      continue;
    }
    const definition: Record<string, unknown> = { name: wireToolName(tool.name, tool.namespace?.name) };
    const description = flatDescription(tool);
    if (description !== undefined) definition.description = description;
    definition.parameters = tool.parameters;
    if (tool.strict !== undefined) definition.strict = tool.strict;
    encoded.push({ type: 'function', function: definition });
  }
  return encoded;
}

function encodeToolChoice(choice: ToolChoice, customTools: Set<string>): unknown {
  if (choice.type !== 'tool') return choice.type;
  return customTools.has(choice.name) ? { type: 'custom', custom: { name: choice.name } } : { type: 'function', function: { name: choice.name } };
}

function encodeResponseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json') return { type: 'json_object' };
  // OpenAI requires a name; other formats have none to give.
  const definition: Record<string, unknown> = { name: format.name ?? 'response' };
  if (format.description !== undefined) definition.description = format.description;
  definition.schema = format.schema;
  if (format.strict !== undefined) definition.strict = format.strict;
  return { type: 'json_schema', json_schema: definition };
}

/** `reasoning_effort` is the one reasoning control Chat has. A budget becomes the nearest effort. */
function encodeReasoning(request: ChatRequest, target: EncodeTarget, body: Record<string, unknown>, dropped: Set<string>): void {
  const reasoning = request.reasoning;
  if (!reasoning) return;
  const clientName = reasoningParameterName(request.source);
  if (request.source === 'openai-chat') encodeReasoningObject(reasoning, target, body, dropped);
  else if (reasoning.summary !== undefined) dropped.add('reasoning.summary');
  let effort = reasoning.effort;
  if (effort === undefined && reasoning.enabled !== false && reasoning.budgetTokens !== undefined && request.source !== 'openai-chat') {
    effort = effortForBudget(reasoning.budgetTokens);
  }
  if (effort === undefined) {
    // "No reasoning" has no portable spelling: `reasoning_effort: "none"` is refused by most. A bare
    // "enabled" needs nothing: reasoning models reason by default.
    if (reasoning.enabled === false && request.source !== 'openai-chat') dropped.add(clientName);
    return;
  }
  // A Chat client chose its provider and wrote the field itself; others get it only where it is known to work.
  if (request.source === 'openai-chat' || target.quirks.reasoningEffort) body.reasoning_effort = effort;
  else dropped.add(clientName);
}

/** OpenRouter's own settings go back as its `reasoning` object to a provider that reads it; the
 * effort stays reasoning_effort. Any other Chat provider is not sent the object: the engine has
 * settled it before decoding (reasoning-object.ts), so only `exclude` is normally left, which the
 * answer's encoder honours. */
function encodeReasoningObject(reasoning: ReasoningOptions, target: EncodeTarget, body: Record<string, unknown>, dropped: Set<string>): void {
  const object: Record<string, unknown> = {};
  if (reasoning.budgetTokens !== undefined) object.max_tokens = reasoning.budgetTokens;
  if (reasoning.enabled !== undefined) object.enabled = reasoning.enabled;
  if (reasoning.exclude !== undefined) object.exclude = reasoning.exclude;
  if (reasoning.summary !== undefined) object.summary = reasoning.summary;
  if (target.quirks.reasoningObject) {
    if (Object.keys(object).length > 0) body.reasoning = object;
    return;
  }
  for (const key of Object.keys(object)) if (key !== 'exclude' && !(key === 'enabled' && object.enabled === true)) dropped.add(`reasoning.${key}`);
}

/** The effort nearest a reasoning budget, for a target that takes only an effort. */
export function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens <= 2048) return 'low';
  if (budgetTokens <= 16384) return 'medium';
  return 'high';
}

function reasoningParameterName(source: ChatRequest['source']): string {
  if (source === 'openai-chat') return 'reasoning_effort';
  if (source === 'openai-responses') return 'reasoning';
  if (source === 'gemini') return 'thinking_config';
  return 'thinking';
}

function hasCacheControl(request: ChatRequest): boolean {
  if (request.system.some((part) => part.cacheControl)) return true;
  if (request.tools.some((tool) => tool.type === 'function' && tool.cacheControl)) return true;
  for (const message of request.messages) {
    for (const part of message.content) {
      if ('cacheControl' in part && part.cacheControl) return true;
      if (part.type === 'tool-result' && part.content.some((inner) => inner.cacheControl)) return true;
    }
  }
  return false;
}
