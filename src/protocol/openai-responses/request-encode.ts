// The internal form into a Responses API request for OpenAI or Azure (`/responses`). Everything the
// Responses API cannot carry is named in `dropped`; what only the client's own format could carry
// (`sourceOnly`) stops a translated request with a 400.
import { invalidRequest } from '../../errors/gateway-error.ts';
import type { ChatRequest, EncodedRequest, EncodeTarget, Message, ReasoningEffort, ResponseFormat, ToolNamespace, ToolResultPart, UserContent } from '../ir.ts';
import { offeredTools, resultContentAsText, wireToolName } from '../tools.ts';
import { customCallInput } from './custom-tools.ts';
import { withoutForeignReasoning } from './foreign-reasoning.ts';
import { inputKeptAside } from './request.ts';
import { isRecord } from './response.ts';

interface EncodeState {
  /** The request was spoken in Responses: its ids and `extra` mean what they say here. */
  sameFormat: boolean;
  /** The client's own `input` goes as it came (see copyExtra): the tools its items declare are
   * declared there, not in `tools`. */
  clientInput: boolean;
  /** Flat names of the request's custom tools: their calls are `custom_tool_call`s. */
  customTools: Set<string>;
  /** Call ids sent as `custom_tool_call`: their outputs are `custom_tool_call_output`s. */
  customCalls: Set<string>;
  dropped: string[];
}

export function encodeRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  const sameFormat = request.source === 'openai-responses';
  if (!sameFormat && request.sourceOnly.length > 0) {
    throw invalidRequest(`${request.sourceOnly.join(', ')} cannot be translated for a provider that speaks the OpenAI Responses API; only a provider of the client's own format (${request.source}) can take ${request.sourceOnly.length === 1 ? 'it' : 'them'}`, request.sourceOnly[0], 'unsupported_parameter');
  }
  const clientInput = sameFormat && (request.extra.input !== undefined || inputKeptAside(request) !== undefined);
  const state: EncodeState = { sameFormat, clientInput, customTools: customToolNames(request), customCalls: new Set(), dropped: [] };
  const body: Record<string, unknown> = { model: target.upstreamModel };
  if (request.system.length > 0) {
    body.instructions = request.system.map((part) => part.text).join('\n\n');
    if (request.system.some((part) => part.cacheControl)) drop(state, 'cache_control');
  }
  body.input = request.messages.flatMap((message) => encodeMessage(message, state));
  encodeTools(request, body, state);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.responseFormat) body.text = { format: encodeResponseFormat(request.responseFormat) };
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  const reasoningRequested = encodeReasoning(request, body);
  if (request.metadata) body.metadata = request.metadata;
  if (request.user !== undefined) body.user = request.user;
  body.stream = request.stream;
  if (!sameFormat) {
    // The gateway, not OpenAI, holds the conversation of a translated client: nothing is stored, and
    // reasoning comes back encrypted so the next request can hand it over again, statelessly.
    body.store = false;
    if (reasoningRequested) body.include = ['reasoning.encrypted_content'];
  }

  if (request.seed !== undefined) drop(state, 'seed');
  if (request.topK !== undefined) drop(state, 'top_k');
  if (request.stop !== undefined && request.stop.length > 0) drop(state, request.source === 'anthropic' || request.source === 'gemini' ? 'stop_sequences' : 'stop');
  if (request.presencePenalty !== undefined) drop(state, 'presence_penalty');
  if (request.frequencyPenalty !== undefined) drop(state, 'frequency_penalty');
  copyExtra(request, body, state);
  return { path: '/responses', body, dropped: state.dropped };
}

function encodeMessage(message: Message, state: EncodeState): Record<string, unknown>[] {
  if (message.role === 'user') return [{ type: 'message', role: 'user', content: inputParts(message.content, state) }];
  // Instructions given mid-conversation stay where they were, as a system input message.
  if (message.role === 'system') return [{ type: 'message', role: 'system', content: inputParts(message.content, state) }];
  if (message.role === 'tool') return message.content.map((result) => toolOutputItem(result, state));
  const items: Record<string, unknown>[] = [];
  // Text and refusals in a row form one assistant message item.
  let texts: Record<string, unknown>[] | null = null;
  for (const part of message.content) {
    if (part.type === 'text' || part.type === 'refusal') {
      const encoded = part.type === 'text' ? { type: 'output_text', text: part.text } : { type: 'refusal', refusal: part.text };
      if (part.type === 'text' && part.cacheControl) drop(state, 'cache_control');
      if (texts) texts.push(encoded);
      else {
        texts = [encoded];
        items.push({ type: 'message', role: 'assistant', content: texts });
      }
      continue;
    }
    texts = null;
    if (part.type === 'reasoning') {
      // Reasoning is history, not a parameter: without an id it is not sent, and without its
      // encrypted form only OpenAI's store could resolve the id, which a translated request does not use.
      if (part.id === undefined || (!state.sameFormat && part.signature === undefined)) continue;
      const item: Record<string, unknown> = { type: 'reasoning', id: part.id, summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }] };
      if (part.signature !== undefined) item.encrypted_content = part.signature;
      items.push(item);
    } else if (part.type === 'tool-call') {
      if (part.cacheControl) drop(state, 'cache_control');
      const custom = state.customTools.has(wireToolName(part.name, part.namespace));
      const item: Record<string, unknown> = custom
        ? { type: 'custom_tool_call', call_id: part.id, name: part.name, input: customCallInput(part.arguments) }
        : { type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments };
      if (part.namespace !== undefined) item.namespace = part.namespace;
      if (custom) state.customCalls.add(part.id);
      if (part.itemId !== undefined) item.id = part.itemId;
      items.push(item);
    }
    // Redacted reasoning is another provider's hidden history; OpenAI could not read it.
  }
  return items;
}

function toolOutputItem(result: ToolResultPart, state: EncodeState): Record<string, unknown> {
  if (result.isError) drop(state, 'is_error');
  if (result.cacheControl) drop(state, 'cache_control');
  const content = resultContentAsText(result);
  let output: unknown;
  if (content.length === 0) output = '';
  else if (content.length === 1 && content[0].type === 'text') output = content[0].text;
  else output = inputParts(content, state);
  const type = state.customCalls.has(result.toolCallId) ? 'custom_tool_call_output' : 'function_call_output';
  return { type, call_id: result.toolCallId, output };
}

/** Input parts; audio, which Responses does not take as input, is named in `dropped`. */
function inputParts(parts: UserContent[], state: EncodeState): Record<string, unknown>[] {
  return parts.flatMap((part) => {
    if (part.type === 'document' && part.source.kind === 'base64' && part.source.mediaType.startsWith('audio/')) {
      drop(state, 'input_audio');
      return [];
    }
    return [inputPart(part, state)];
  });
}

function inputPart(part: UserContent, state: EncodeState): Record<string, unknown> {
  if (part.cacheControl) drop(state, 'cache_control');
  if (part.type === 'text') return { type: 'input_text', text: part.text };
  const { source } = part;
  if (part.type === 'image') {
    const image: Record<string, unknown> = { type: 'input_image', detail: part.detail ?? 'auto' };
    if (source.kind === 'file-id') image.file_id = source.id;
    else image.image_url = source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
    return image;
  }
  if (part.title !== undefined) drop(state, 'title');
  const file: Record<string, unknown> = { type: 'input_file' };
  if (source.kind === 'file-id') file.file_id = source.id;
  else if (source.kind === 'url') file.file_url = source.url;
  else {
    file.file_data = `data:${source.mediaType};base64,${source.data}`;
    // OpenAI wants a file name with inline data.
    file.filename = part.filename ?? defaultFilename(source.mediaType);
    return file;
  }
  if (part.filename !== undefined) file.filename = part.filename;
  return file;
}

function encodeTools(request: ChatRequest, body: Record<string, unknown>, state: EncodeState): void {
  const tools: Record<string, unknown>[] = [];
  // Functions declared in a namespace go back into it, where the first of them stood.
  const namespaces = new Map<string, Record<string, unknown>[]>();
  const inNamespace = (namespace: ToolNamespace): Record<string, unknown>[] => {
    let members = namespaces.get(namespace.name);
    if (!members) {
      members = [];
      namespaces.set(namespace.name, members);
      tools.push({ type: 'namespace', name: namespace.name, description: namespace.description ?? '', tools: members });
    }
    return members;
  };
  for (const { tool, param } of offeredTools(request, 'openai-responses', (name) => drop(state, name))) {
    if (state.clientInput && param.startsWith('input[')) continue;
    if (tool.type === 'native') {
      const definition = tool.definition;
      if (tool.format !== 'openai-responses') drop(state, param);
      else if (definition.type === 'namespace' && typeof definition.name === 'string' && Array.isArray(definition.tools)) {
        inNamespace({ name: definition.name, description: typeof definition.description === 'string' ? definition.description : undefined }).push(...definition.tools);
      } else tools.push(definition);
      continue;
    }
    if (tool.freeform) {
      if (tool.namespace) inNamespace(tool.namespace).push(tool.freeform);
      else tools.push(tool.freeform);
      continue;
    }
    if (tool.cacheControl) drop(state, 'cache_control');
    const encoded: Record<string, unknown> = { type: 'function', name: tool.name };
    if (tool.description !== undefined) encoded.description = tool.description;
    encoded.parameters = tool.parameters;
    // Responses makes a function strict unless told otherwise, which rejects most schemas written
    // for other formats; a translated tool keeps the non-strict meaning it had there.
    if (tool.strict !== undefined) encoded.strict = tool.strict;
    else if (!state.sameFormat) encoded.strict = false;
    if (tool.deferLoading !== undefined && state.sameFormat) encoded.defer_loading = tool.deferLoading;
    if (tool.namespace) inNamespace(tool.namespace).push(encoded);
    else tools.push(encoded);
  }
  if (tools.length > 0) body.tools = tools;
  const choice = request.toolChoice;
  if (choice === undefined) return;
  if (choice.type === 'tool') body.tool_choice = { type: state.customTools.has(choice.name) ? 'custom' : 'function', name: choice.name };
  else body.tool_choice = choice.type;
}

function encodeResponseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json') return { type: 'json_object' };
  const encoded: Record<string, unknown> = { type: 'json_schema', name: format.name ?? 'response', schema: format.schema };
  if (format.description !== undefined) encoded.description = format.description;
  if (format.strict !== undefined) encoded.strict = format.strict;
  return encoded;
}

/** Writes `reasoning`; returns whether the client asked for reasoning at all. */
function encodeReasoning(request: ChatRequest, body: Record<string, unknown>): boolean {
  const reasoning = request.reasoning;
  if (!reasoning) return false;
  // A budget (Anthropic, Gemini) becomes the effort that spends about as much.
  const effort = reasoning.effort ?? (reasoning.budgetTokens !== undefined && reasoning.enabled !== false ? effortForBudget(reasoning.budgetTokens) : undefined);
  const encoded: Record<string, unknown> = {};
  if (effort !== undefined) encoded.effort = effort;
  if (reasoning.summary !== undefined) encoded.summary = reasoning.summary;
  if (Object.keys(encoded).length > 0) body.reasoning = encoded;
  // `enabled: false` alone sends nothing: which models can stop reasoning, and how, varies.
  if (reasoning.enabled === false) return false;
  return (effort !== undefined && effort !== 'none') || reasoning.enabled === true || reasoning.summary !== undefined;
}

function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens <= 2048) return 'low';
  if (budgetTokens <= 16384) return 'medium';
  return 'high';
}

/** A Responses client's own fields go back as they came; for any other client they are reported.
 * `text` holds only what was beside `format` (verbosity), so it is merged, not replaced; a kept
 * `input` brings the client's own `instructions` back with it (see request.ts), and leaves out the
 * reasoning items only another provider could read (foreign-reasoning.ts), as the decoded
 * conversation does. */
function copyExtra(request: ChatRequest, body: Record<string, unknown>, state: EncodeState): void {
  const keptAside = state.sameFormat && request.extra.input === undefined ? inputKeptAside(request) : undefined;
  if (keptAside) {
    body.input = withoutForeignReasoning(keptAside.input);
    if (typeof keptAside.instructions === 'string') body.instructions = keptAside.instructions;
    else delete body.instructions;
  }
  for (const [key, value] of Object.entries(request.extra)) {
    // Items kept aside went back with the input they came in.
    if (state.sameFormat && key.startsWith('input[')) continue;
    if (!state.sameFormat) {
      if (key === 'text' && isRecord(value)) for (const inner of Object.keys(value)) drop(state, `text.${inner}`);
      else drop(state, key);
    } else if (key === 'input') {
      body.input = withoutForeignReasoning(value);
      if (typeof request.extra.instructions === 'string') body.instructions = request.extra.instructions;
      else delete body.instructions;
    } else if (key === 'instructions') {
      continue;
    } else if (key === 'text' && isRecord(value)) {
      body.text = { ...(isRecord(body.text) ? body.text : {}), ...value };
    } else if (key.startsWith('reasoning.')) {
      // The exact effort ("max") and keys of `reasoning` the IR has no place for.
      body.reasoning = { ...(isRecord(body.reasoning) ? body.reasoning : {}), [key.slice('reasoning.'.length)]: value };
    } else {
      body[key] = value;
    }
  }
}

function customToolNames(request: ChatRequest): Set<string> {
  const names = new Set<string>();
  for (const tool of request.tools) if (tool.type === 'function' && tool.freeform) names.add(wireToolName(tool.name, tool.namespace?.name));
  return names;
}

function defaultFilename(mediaType: string): string {
  if (mediaType === 'application/pdf') return 'document.pdf';
  if (mediaType.startsWith('text/')) return 'document.txt';
  return 'document';
}

function drop(state: EncodeState, name: string): void {
  if (!state.dropped.includes(name)) state.dropped.push(name);
}
