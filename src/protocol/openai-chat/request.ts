// Chat Completions requests: a Chat client's body read into the internal form (`encodeRequest`,
// the other way, lives in encode-request.ts). Fields the internal form has no place for travel in
// `extra` and reach a Chat provider unchanged.
import { invalidRequest } from '../../errors/gateway-error.ts';
import type { AssistantContent, ChatRequest, Message, ReasoningEffort, ReasoningOptions, ResponseFormat, Tool, ToolChoice, ToolResultPart, UserContent } from '../ir.ts';
import { isRecord } from './response.ts';
import { validateChatRequest } from './validate.ts';

export { encodeRequest } from './encode-request.ts';

/** Fields read into the internal form; every other one is kept in `extra`. */
const knownFields = new Set([
  'model', 'messages', 'tools', 'tool_choice', 'functions', 'function_call', 'parallel_tool_calls', 'response_format',
  'max_tokens', 'max_completion_tokens', 'reasoning_effort', 'reasoning', 'stop', 'seed', 'temperature', 'top_p', 'top_k',
  'presence_penalty', 'frequency_penalty', 'user', 'metadata', 'stream', 'stream_options', 'usage',
]);
const efforts: ReadonlySet<string> = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

export function decodeRequest(body: Record<string, unknown>): ChatRequest {
  const summary = validateChatRequest(body);
  const { system, messages } = decodeMessages(body.messages as Record<string, unknown>[]);
  const request: ChatRequest = {
    source: 'openai-chat',
    model: summary.model,
    system,
    messages,
    tools: decodeTools(body),
    stream: summary.stream,
    // OpenRouter's `usage: {include: true}` asks a stream for what include_usage asks for.
    includeUsage: summary.includeUsage || summary.usageInclude,
    extra: {},
    sourceOnly: [],
  };
  const toolChoice = decodeToolChoice(body.tool_choice ?? body.function_call);
  if (toolChoice) request.toolChoice = toolChoice;
  else if (body.tool_choice !== undefined && body.tool_choice !== null) request.extra.tool_choice = body.tool_choice;
  if (typeof body.parallel_tool_calls === 'boolean') request.parallelToolCalls = body.parallel_tool_calls;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat) request.responseFormat = responseFormat;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') request.maxOutputTokens = maxTokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.topP = body.top_p;
  if (body.top_k !== undefined && body.top_k !== null) request.topK = integer(body.top_k, 'top_k');
  if (typeof body.seed === 'number') request.seed = body.seed;
  if (typeof body.stop === 'string') request.stop = [body.stop];
  else if (Array.isArray(body.stop)) request.stop = body.stop as string[];
  if (typeof body.presence_penalty === 'number') request.presencePenalty = body.presence_penalty;
  if (typeof body.frequency_penalty === 'number') request.frequencyPenalty = body.frequency_penalty;
  const reasoning = decodeReasoning(body, request.extra);
  if (reasoning) request.reasoning = reasoning;
  if (body.user !== undefined && body.user !== null) {
    if (typeof body.user !== 'string') throw invalidRequest('`user` must be a string', 'user');
    request.user = body.user;
  }
  if (body.metadata !== undefined && body.metadata !== null) request.metadata = decodeMetadata(body.metadata);
  for (const [key, value] of Object.entries(body)) if (!knownFields.has(key)) request.extra[key] = value;
  return request;
}

/**
 * `reasoning_effort` (OpenAI), and OpenRouter's `reasoning` object: `effort`, `max_tokens` (a budget),
 * `enabled`, `exclude` (reason, but do not return the reasoning) and `summary`. Where both name an
 * effort, `reasoning_effort` wins; other keys of `reasoning` are kept in `extra` by path.
 */
export function decodeReasoning(body: Record<string, unknown>, extra: Record<string, unknown>): ReasoningOptions | undefined {
  const options: ReasoningOptions = {};
  if (body.reasoning_effort !== undefined && body.reasoning_effort !== null) options.effort = effort(body.reasoning_effort, 'reasoning_effort', extra);
  const object = body.reasoning;
  if (object !== undefined && object !== null) {
    if (!isRecord(object)) throw invalidRequest('`reasoning` must be an object such as {"effort": "high"} or {"max_tokens": 2000}', 'reasoning');
    for (const [key, value] of Object.entries(object)) {
      if (value === undefined || value === null) continue;
      const param = `reasoning.${key}`;
      if (key === 'effort') options.effort ??= effort(value, param, extra);
      else if (key === 'max_tokens') options.budgetTokens = integer(value, param);
      else if (key === 'enabled' || key === 'exclude') options[key] = boolean(value, param);
      else if (key === 'summary') {
        if (value !== 'auto' && value !== 'concise' && value !== 'detailed') throw invalidRequest(`\`${param}\` must be auto, concise or detailed`, param);
        options.summary = value;
      } else extra[param] = value;
    }
    // A flag saying the default (`exclude: false`) changes nothing anywhere.
    if (options.exclude === false) delete options.exclude;
  }
  return Object.keys(options).length > 0 ? options : undefined;
}

/** The IR's scale stops at xhigh: "max" is read as that, and the exact value rides along in
 * `extra` for a Chat provider. */
function effort(value: unknown, param: string, extra: Record<string, unknown>): ReasoningEffort {
  if (typeof value !== 'string' || !efforts.has(value)) throw invalidRequest(`\`${param}\` must be one of ${[...efforts].join(', ')}`, param);
  if (value !== 'max') return value as ReasoningEffort;
  extra[param] = value;
  return 'xhigh';
}

function boolean(value: unknown, param: string): boolean {
  if (typeof value !== 'boolean') throw invalidRequest(`\`${param}\` must be true or false`, param);
  return value;
}

function decodeMessages(list: Record<string, unknown>[]): { system: ChatRequest['system']; messages: Message[] } {
  const system: ChatRequest['system'] = [];
  const messages: Message[] = [];
  /** Legacy `function_call`s have no id: one is made up, and `function` results find it by name. */
  const legacyCalls = new Map<string, string>();
  list.forEach((message, index) => {
    const param = `messages[${index}]`;
    const role = message.role;
    if (role === 'system' || role === 'developer') {
      for (const part of decodeUserContent(message.content, `${param}.content`)) {
        if (part.type !== 'text') throw invalidRequest(`${param}: ${role} messages may hold text only`, `${param}.content`);
        system.push(part);
      }
    } else if (role === 'user') {
      messages.push({ role: 'user', content: decodeUserContent(message.content, `${param}.content`) });
    } else if (role === 'assistant') {
      messages.push({ role: 'assistant', content: decodeAssistant(message, param, index, legacyCalls) });
    } else {
      const toolCallId = role === 'tool' ? (message.tool_call_id as string) : legacyCalls.get(String(message.name)) ?? `call_${String(message.name)}`;
      const result: ToolResultPart = { type: 'tool-result', toolCallId, content: decodeUserContent(message.content, `${param}.content`) };
      if (role === 'function' && typeof message.name === 'string') result.name = message.name;
      const previous = messages[messages.length - 1];
      if (previous?.role === 'tool') previous.content.push(result);
      else messages.push({ role: 'tool', content: [result] });
    }
  });
  return { system, messages };
}

function decodeAssistant(message: Record<string, unknown>, param: string, index: number, legacyCalls: Map<string, string>): AssistantContent[] {
  const content: AssistantContent[] = [];
  const reasoning = typeof message.reasoning_content === 'string' ? message.reasoning_content : message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string') {
    if (message.content !== '') content.push({ type: 'text', text: message.content });
  } else if (Array.isArray(message.content)) {
    message.content.forEach((part: Record<string, unknown>, partIndex) => {
      const partParam = `${param}.content[${partIndex}]`;
      if (part.type === 'text') content.push(withCache({ type: 'text', text: requireString(part.text, `${partParam}.text`) }, part, partParam));
      else if (part.type === 'refusal') content.push({ type: 'refusal', text: requireString(part.refusal, `${partParam}.refusal`) });
      else throw invalidRequest(`${partParam}: assistant content parts must be "text" or "refusal", not "${String(part.type)}"`, `${partParam}.type`);
    });
  }
  if (typeof message.refusal === 'string' && message.refusal !== '') content.push({ type: 'refusal', text: message.refusal });
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls.forEach((call: unknown, callIndex) => content.push(decodeToolCall(call, `${param}.tool_calls[${callIndex}]`)));
  } else if (isRecord(message.function_call)) {
    const call = decodeToolCall({ id: `call_legacy_${index}`, type: 'function', function: message.function_call }, `${param}.function_call`);
    legacyCalls.set(call.name, call.id);
    content.push(call);
  }
  return content;
}

function decodeToolCall(call: unknown, param: string): Extract<AssistantContent, { type: 'tool-call' }> {
  if (!isRecord(call)) throw invalidRequest(`${param} must be an object`, param);
  const id = requireString(call.id, `${param}.id`);
  // Custom tools' calls carry free text (`input`); the encoder turns them back into custom calls.
  const named = call.type === 'custom' ? call.custom : call.function;
  const field = call.type === 'custom' ? 'custom' : 'function';
  if (!isRecord(named)) throw invalidRequest(`${param}.${field} is required`, `${param}.${field}`);
  const name = requireString(named.name, `${param}.${field}.name`);
  const raw = call.type === 'custom' ? named.input : named.arguments;
  const text = raw === undefined || raw === null || raw === '' ? (call.type === 'custom' ? '' : '{}') : raw;
  return { type: 'tool-call', id, name, arguments: requireString(text, `${param}.${field}.${call.type === 'custom' ? 'input' : 'arguments'}`) };
}

/** User, system and tool content: a string, or text, image and file parts. */
function decodeUserContent(content: unknown, param: string): UserContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((part: Record<string, unknown>, index) => decodeUserPart(part, `${param}[${index}]`));
}

function decodeUserPart(part: Record<string, unknown>, param: string): UserContent {
  if (part.type === 'text') return withCache({ type: 'text', text: requireString(part.text, `${param}.text`) }, part, param);
  if (part.type === 'image_url') {
    const image = typeof part.image_url === 'string' ? { url: part.image_url } : part.image_url;
    if (!isRecord(image)) throw invalidRequest(`${param}.image_url must be an object with a \`url\``, `${param}.image_url`);
    const url = requireString(image.url, `${param}.image_url.url`);
    const decoded: UserContent = { type: 'image', source: url.startsWith('data:') ? dataUrlSource(url, `${param}.image_url.url`) : { kind: 'url', url } };
    if (image.detail === 'auto' || image.detail === 'low' || image.detail === 'high') decoded.detail = image.detail;
    return withCache(decoded, part, param);
  }
  if (part.type === 'file') {
    const file = part.file;
    if (!isRecord(file)) throw invalidRequest(`${param}.file must be an object with \`file_data\` or \`file_id\``, `${param}.file`);
    let decoded: UserContent;
    if (typeof file.file_id === 'string') decoded = { type: 'document', source: { kind: 'file-id', id: file.file_id } };
    else if (typeof file.file_data === 'string') {
      // A bare base64 string is taken for a PDF, the one type Chat's file parts were made for.
      const source = file.file_data.startsWith('data:') ? dataUrlSource(file.file_data, `${param}.file.file_data`) : { kind: 'base64' as const, mediaType: 'application/pdf', data: file.file_data };
      decoded = { type: 'document', source };
    } else throw invalidRequest(`${param}.file needs \`file_data\` (a data URL) or \`file_id\``, `${param}.file`);
    if (typeof file.filename === 'string') decoded.filename = file.filename;
    return withCache(decoded, part, param);
  }
  if (part.type === 'input_audio') {
    // Audio travels as a document of its media type: Gemini takes it, a Chat provider gets it back as
    // input_audio, and the others name it in `dropped`.
    const audio = part.input_audio;
    if (!isRecord(audio) || typeof audio.data !== 'string' || (audio.format !== 'wav' && audio.format !== 'mp3'))
      throw invalidRequest(`${param}.input_audio must be {"data": <base64>, "format": "wav" or "mp3"}`, `${param}.input_audio`);
    return { type: 'document', source: { kind: 'base64', mediaType: audio.format === 'mp3' ? 'audio/mpeg' : 'audio/wav', data: audio.data } };
  }
  throw invalidRequest(`${param}.type "${String(part.type)}" is not a known content part (text, image_url, input_audio, file)`, `${param}.type`);
}

function dataUrlSource(url: string, param: string): { kind: 'base64'; mediaType: string; data: string } {
  const match = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s.exec(url);
  if (!match) throw invalidRequest(`${param} must be a base64 data URL (data:<type>;base64,...) or an http(s) URL`, param);
  return { kind: 'base64', mediaType: match[1], data: match[3] };
}

/** OpenRouter-style `cache_control` on a part, kept for providers that cache by marker. */
function withCache<Part extends UserContent>(decoded: Part, part: Record<string, unknown>, param: string): Part {
  if (part.cache_control === undefined || part.cache_control === null) return decoded;
  const control = part.cache_control;
  if (!isRecord(control) || control.type !== 'ephemeral') throw invalidRequest(`${param}.cache_control must be {"type": "ephemeral"}`, `${param}.cache_control`);
  decoded.cacheControl = typeof control.ttl === 'string' ? { type: 'ephemeral', ttl: control.ttl } : { type: 'ephemeral' };
  return decoded;
}

function decodeTools(body: Record<string, unknown>): Tool[] {
  if (Array.isArray(body.tools)) {
    return body.tools.map((tool: Record<string, unknown>): Tool => {
      if (tool.type !== 'function') return { type: 'native', format: 'openai-chat', definition: tool };
      return functionTool(tool.function as Record<string, unknown>);
    });
  }
  if (!Array.isArray(body.functions)) return [];
  return body.functions.map((definition: unknown, index) => {
    if (!isRecord(definition) || typeof definition.name !== 'string') throw invalidRequest(`functions[${index}].name is required`, `functions[${index}].name`, 'missing_required_parameter');
    return functionTool(definition);
  });
}

function functionTool(definition: Record<string, unknown>): Tool {
  const tool: Tool = { type: 'function', name: definition.name as string, parameters: isRecord(definition.parameters) ? definition.parameters : { type: 'object', properties: {} } };
  if (typeof definition.description === 'string') tool.description = definition.description;
  if (typeof definition.strict === 'boolean') tool.strict = definition.strict;
  return tool;
}

/** Null for a choice the internal form cannot hold (e.g. `allowed_tools`): it stays in `extra`. */
function decodeToolChoice(choice: unknown): ToolChoice | null {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (!isRecord(choice)) return null;
  // `function_call: {name}` (legacy), `{type: "function", function: {name}}`, `{type: "custom", custom: {name}}`.
  const named = choice.type === undefined ? choice : choice.type === 'function' ? choice.function : choice.type === 'custom' ? choice.custom : null;
  if (!isRecord(named)) return null;
  if (typeof named.name !== 'string' || named.name === '') throw invalidRequest('`tool_choice` must name the tool: {"type": "function", "function": {"name": ...}}', 'tool_choice');
  return { type: 'tool', name: named.name };
}

function decodeResponseFormat(format: unknown): ResponseFormat | null {
  if (!isRecord(format)) return null;
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json' };
  if (format.type !== 'json_schema') throw invalidRequest('`response_format.type` must be "text", "json_object" or "json_schema"', 'response_format.type');
  const definition = format.json_schema;
  if (!isRecord(definition)) throw invalidRequest('`response_format.json_schema` is required for type "json_schema"', 'response_format.json_schema');
  const decoded: ResponseFormat = { type: 'json-schema', schema: isRecord(definition.schema) ? definition.schema : {} };
  if (typeof definition.name === 'string') decoded.name = definition.name;
  if (typeof definition.description === 'string') decoded.description = definition.description;
  if (typeof definition.strict === 'boolean') decoded.strict = definition.strict;
  return decoded;
}

function decodeMetadata(value: unknown): Record<string, string> {
  if (!isRecord(value) || Object.values(value).some((entry) => typeof entry !== 'string'))
    throw invalidRequest('`metadata` must be an object whose values are strings', 'metadata');
  return value as Record<string, string>;
}

function requireString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw invalidRequest(`${param} must be a string`, param);
  return value;
}

function integer(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidRequest(`\`${param}\` must be a whole number >= 0`, param);
  return value;
}
