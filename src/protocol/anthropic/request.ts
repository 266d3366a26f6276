// Anthropic Messages requests, as clients send them (the Anthropic SDK, Claude Code), decoded into
// the IR. Validation is strict where Anthropic's API is (max_tokens is required) so a client gets
// the same 400 whichever provider the request is routed to. Fields the IR has no place for go to
// `extra`: verbatim for top-level ones, by path for nested ones (see native-fields.ts).
import type {
  AssistantContent,
  ChatRequest,
  DocumentPart,
  ImagePart,
  MediaSource,
  Message,
  TextPart,
  Tool,
  ToolChoice,
  ToolReferencePart,
  ToolResultPart,
  UserContent,
} from '../ir.ts';
import { invalidRequest } from '../../errors/gateway-error.ts';
import { keepNativeFields } from './native-fields.ts';
import { decodeReasoningAndFormat } from './reasoning.ts';
import { decodeCacheControl, optionalBoolean, optionalNumber, requireRecord, requireString } from './values.ts';

export { encodeRequest } from './encode-request.ts';

export function decodeRequest(body: Record<string, unknown>): ChatRequest {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!knownRequestFields.has(key)) extra[key] = value;

  const request: ChatRequest = {
    source: 'anthropic',
    model: decodeModel(body.model),
    system: decodeSystem(body.system, extra),
    messages: decodeMessages(body.messages, extra),
    tools: decodeTools(body.tools, extra),
    maxOutputTokens: decodeMaxTokens(body.max_tokens),
    stream: optionalBoolean(body.stream, 'stream') ?? false,
    // Anthropic streams always carry usage.
    includeUsage: true,
    extra,
    sourceOnly: [],
  };
  // max_tokens 0 only fills Anthropic's prompt cache; no other provider can be asked for that.
  if (request.maxOutputTokens === 0) request.sourceOnly.push('max_tokens');
  const toolChoice = decodeToolChoice(body.tool_choice);
  if (toolChoice.choice) request.toolChoice = toolChoice.choice;
  if (toolChoice.parallel !== undefined) request.parallelToolCalls = toolChoice.parallel;
  const temperature = optionalNumber(body.temperature, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, 'top_p');
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(body.top_k, 'top_k');
  if (topK !== undefined) request.topK = topK;
  const stop = decodeStopSequences(body.stop_sequences);
  if (stop) request.stop = stop;
  const user = decodeMetadata(body.metadata, extra);
  if (user !== undefined) request.user = user;
  decodeReasoningAndFormat(body, request, extra);
  return request;
}

const knownRequestFields = new Set([
  'model', 'max_tokens', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'stop_sequences',
  'temperature', 'top_p', 'top_k', 'metadata', 'stream', 'output_format', 'output_config',
]);

function decodeModel(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalidRequest('model: a non-empty string is required', 'model');
  return value;
}

function decodeMaxTokens(value: unknown): number {
  if (value === undefined || value === null) throw invalidRequest('max_tokens: required by the Anthropic Messages API', 'max_tokens');
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidRequest('max_tokens: must be a whole number, 0 or more', 'max_tokens');
  return value;
}

function decodeSystem(value: unknown, extra: Record<string, unknown>): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidRequest('system: must be a string or an array of text blocks', 'system');
  return value.map((block, index) => {
    const param = `system[${index}]`;
    const record = requireRecord(block, param);
    if (record.type !== 'text') throw invalidRequest(`${param}.type: only text blocks are allowed in system`, `${param}.type`);
    return decodeText(record, param, extra);
  });
}

function decodeMessages(value: unknown, extra: Record<string, unknown>): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidRequest('messages: a non-empty array is required', 'messages');
  const messages: Message[] = [];
  value.forEach((item, index) => {
    const param = `messages[${index}]`;
    const message = requireRecord(item, param);
    if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') throw invalidRequest(`${param}.role: must be "user", "assistant" or "system"`, `${param}.role`);
    const blocks = contentBlocks(message.content, `${param}.content`);
    if (message.role === 'system') {
      const content = blocks.map((block, blockIndex) => decodeSystemBlock(block, `${param}.content[${blockIndex}]`, extra));
      if (content.length > 0) messages.push({ role: 'system', content });
      return;
    }
    if (message.role === 'assistant') {
      const content: AssistantContent[] = [];
      blocks.forEach((block, blockIndex) => {
        const blockParam = `${param}.content[${blockIndex}]`;
        if (!keptAside(block, blockParam, extra)) content.push(decodeAssistantBlock(block, blockParam, extra));
      });
      messages.push({ role: 'assistant', content });
      return;
    }
    // Anthropic answers tool calls inside a user turn; the IR keeps results in their own message,
    // placed first, as Anthropic requires them to lead the turn anyway.
    const results: ToolResultPart[] = [];
    const content: UserContent[] = [];
    blocks.forEach((block, blockIndex) => {
      const blockParam = `${param}.content[${blockIndex}]`;
      if (block.type === 'tool_result') results.push(decodeToolResult(block, blockParam, extra));
      else if (!keptAside(block, blockParam, extra)) content.push(decodeUserBlock(block, blockParam, extra));
    });
    if (results.length > 0) messages.push({ role: 'tool', content: results });
    if (content.length > 0 || results.length === 0) messages.push({ role: 'user', content });
  });
  return messages;
}

function decodeSystemBlock(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): TextPart {
  if (block.type !== 'text') throw invalidRequest(`${param}.type: only text blocks are allowed in a system message`, `${param}.type`);
  return decodeText(block, param, extra);
}

/**
 * Blocks of Anthropic's that have no IR form: the record of work its servers did (server tool calls
 * and their results, tool search results), search results, container uploads. They are valid, so
 * they are not refused: they go to `extra` under their path, and a provider of another format
 * names them in `dropped`. Returns true for such a block.
 */
function keptAside(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): boolean {
  if (typeof block.type !== 'string' || !blocksWithoutIrForm.has(block.type)) return false;
  extra[param] = block;
  return true;
}

const blocksWithoutIrForm = new Set([
  'search_result', 'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result',
  'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'tool_search_tool_result', 'container_upload',
  'browser_state',
]);

function contentBlocks(value: unknown, param: string): Record<string, unknown>[] {
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidRequest(`${param}: must be a string or an array of content blocks`, param);
  return value.map((block, index) => requireRecord(block, `${param}[${index}]`));
}

function decodeAssistantBlock(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): AssistantContent {
  switch (block.type) {
    case 'text':
      return decodeText(block, param, extra);
    case 'thinking': {
      const part: AssistantContent = { type: 'reasoning', text: requireString(block.thinking, `${param}.thinking`) };
      if (typeof block.signature === 'string' && block.signature !== '') part.signature = block.signature;
      keepNativeFields(part, block, thinkingFields, param, extra);
      return part;
    }
    case 'redacted_thinking': {
      const part: AssistantContent = { type: 'redacted-reasoning', data: requireString(block.data, `${param}.data`) };
      keepNativeFields(part, block, redactedThinkingFields, param, extra);
      return part;
    }
    case 'tool_use': {
      const input = block.input === undefined || block.input === null ? {} : requireRecord(block.input, `${param}.input`);
      const part: AssistantContent = {
        type: 'tool-call',
        id: requireString(block.id, `${param}.id`),
        name: requireString(block.name, `${param}.name`),
        arguments: JSON.stringify(input),
      };
      const cacheControl = decodeCacheControl(block.cache_control, `${param}.cache_control`);
      if (cacheControl) part.cacheControl = cacheControl;
      keepNativeFields(part, block, toolUseFields, param, extra);
      return part;
    }
    default:
      throw unsupportedBlock(block, param, 'an assistant message');
  }
}

function decodeUserBlock(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): UserContent {
  switch (block.type) {
    case 'text':
      return decodeText(block, param, extra);
    case 'image':
      return decodeImage(block, param, extra);
    case 'document':
      return decodeDocument(block, param, extra);
    default:
      throw unsupportedBlock(block, param, 'a user message');
  }
}

function decodeToolResult(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): ToolResultPart {
  const part: ToolResultPart = { type: 'tool-result', toolCallId: requireString(block.tool_use_id, `${param}.tool_use_id`), content: [] };
  if (block.content !== undefined && block.content !== null) {
    contentBlocks(block.content, `${param}.content`).forEach((inner, index) => {
      const innerParam = `${param}.content[${index}]`;
      if (inner.type === 'text') part.content.push(decodeText(inner, innerParam, extra));
      else if (inner.type === 'image') part.content.push(decodeImage(inner, innerParam, extra));
      else if (inner.type === 'document') part.content.push(decodeDocument(inner, innerParam, extra));
      else if (inner.type === 'tool_reference') part.content.push(decodeToolReference(inner, innerParam, extra));
      else if (!keptAside(inner, innerParam, extra)) throw unsupportedBlock(inner, innerParam, 'a tool_result');
    });
  }
  const isError = optionalBoolean(block.is_error, `${param}.is_error`);
  if (isError !== undefined) part.isError = isError;
  const cacheControl = decodeCacheControl(block.cache_control, `${param}.cache_control`);
  if (cacheControl) part.cacheControl = cacheControl;
  keepNativeFields(part, block, toolResultFields, param, extra);
  return part;
}

/** What a tool search returned (Claude Code's ToolSearch answers with these): the tool is loaded. */
function decodeToolReference(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): ToolReferencePart {
  const part: ToolReferencePart = { type: 'tool-reference', toolName: requireString(block.tool_name, `${param}.tool_name`) };
  const cacheControl = decodeCacheControl(block.cache_control, `${param}.cache_control`);
  if (cacheControl) part.cacheControl = cacheControl;
  keepNativeFields(part, block, toolReferenceFields, param, extra);
  return part;
}

function decodeText(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): TextPart {
  const part: TextPart = { type: 'text', text: requireString(block.text, `${param}.text`) };
  const cacheControl = decodeCacheControl(block.cache_control, `${param}.cache_control`);
  if (cacheControl) part.cacheControl = cacheControl;
  keepNativeFields(part, block, textFields, param, extra);
  return part;
}

function decodeImage(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): ImagePart {
  const source = requireRecord(block.source, `${param}.source`);
  const part: ImagePart = { type: 'image', source: decodeMediaSource(source, `${param}.source`) };
  const cacheControl = decodeCacheControl(block.cache_control, `${param}.cache_control`);
  if (cacheControl) part.cacheControl = cacheControl;
  keepNativeFields(part, block, imageFields, param, extra);
  return part;
}

function decodeDocument(block: Record<string, unknown>, param: string, extra: Record<string, unknown>): DocumentPart {
  const source = requireRecord(block.source, `${param}.source`);
  let media: MediaSource;
  if (source.type === 'text') {
    // Plain text travels as base64 text/plain, the form other formats accept for a text file; the
    // encoder turns it back into a text source.
    media = { kind: 'base64', mediaType: 'text/plain', data: Buffer.from(requireString(source.data, `${param}.source.data`), 'utf8').toString('base64') };
  } else if (source.type === 'content') {
    media = { kind: 'base64', mediaType: 'text/plain', data: Buffer.from(contentSourceText(source.content, `${param}.source.content`), 'utf8').toString('base64') };
  } else {
    media = decodeMediaSource(source, `${param}.source`);
  }
  const part: DocumentPart = { type: 'document', source: media };
  if (typeof block.title === 'string') part.title = block.title;
  const cacheControl = decodeCacheControl(block.cache_control, `${param}.cache_control`);
  if (cacheControl) part.cacheControl = cacheControl;
  // A content source's block structure (which decides citation chunks) has no IR form: the original
  // is kept for an Anthropic provider, and reported by others, which still receive its text.
  keepNativeFields(part, block, source.type === 'content' ? documentFieldsWithoutSource : documentFields, param, extra);
  return part;
}

/** A `content` document source is a list of text blocks (images inside have no IR form). */
function contentSourceText(value: unknown, param: string): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw invalidRequest(`${param}: must be a string or an array of text blocks`, param);
  return value
    .map((block, index) => {
      const record = requireRecord(block, `${param}[${index}]`);
      if (record.type !== 'text') throw invalidRequest(`${param}[${index}].type: only text blocks are supported in a content document source`, `${param}[${index}].type`);
      return requireString(record.text, `${param}[${index}].text`);
    })
    .join('\n\n');
}

function decodeMediaSource(source: Record<string, unknown>, param: string): MediaSource {
  switch (source.type) {
    case 'base64':
      return { kind: 'base64', mediaType: requireString(source.media_type, `${param}.media_type`), data: requireString(source.data, `${param}.data`) };
    case 'url':
      return { kind: 'url', url: requireString(source.url, `${param}.url`) };
    case 'file':
      return { kind: 'file-id', id: requireString(source.file_id, `${param}.file_id`) };
    default:
      throw invalidRequest(`${param}.type: unsupported source type ${JSON.stringify(source.type)}`, `${param}.type`);
  }
}

function decodeTools(value: unknown, extra: Record<string, unknown>): Tool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest('tools: must be an array', 'tools');
  return value.map((item, index): Tool => {
    const param = `tools[${index}]`;
    const tool = requireRecord(item, param);
    // Server and versioned client tools (web_search_20250305, bash_20250124, ...) only Anthropic runs.
    if (typeof tool.type === 'string' && tool.type !== 'custom') return { type: 'native', format: 'anthropic', definition: tool };
    const name = requireString(tool.name, `${param}.name`);
    if (name === '') throw invalidRequest(`${param}.name: must not be empty`, `${param}.name`);
    const decoded: Tool = { type: 'function', name, parameters: requireRecord(tool.input_schema, `${param}.input_schema`) };
    if (typeof tool.description === 'string') decoded.description = tool.description;
    const strict = optionalBoolean(tool.strict, `${param}.strict`);
    if (strict !== undefined) decoded.strict = strict;
    const deferLoading = optionalBoolean(tool.defer_loading, `${param}.defer_loading`);
    if (deferLoading !== undefined) decoded.deferLoading = deferLoading;
    const cacheControl = decodeCacheControl(tool.cache_control, `${param}.cache_control`);
    if (cacheControl) decoded.cacheControl = cacheControl;
    keepNativeFields(decoded, tool, toolFields, param, extra);
    return decoded;
  });
}

function decodeToolChoice(value: unknown): { choice?: ToolChoice; parallel?: boolean } {
  if (value === undefined || value === null) return {};
  const record = requireRecord(value, 'tool_choice');
  let choice: ToolChoice;
  if (record.type === 'auto') choice = { type: 'auto' };
  else if (record.type === 'any') choice = { type: 'required' };
  else if (record.type === 'none') choice = { type: 'none' };
  else if (record.type === 'tool') choice = { type: 'tool', name: requireString(record.name, 'tool_choice.name') };
  else throw invalidRequest('tool_choice.type: must be "auto", "any", "tool" or "none"', 'tool_choice.type');
  const disableParallel = optionalBoolean(record.disable_parallel_tool_use, 'tool_choice.disable_parallel_tool_use');
  return disableParallel === undefined ? { choice } : { choice, parallel: !disableParallel };
}

function decodeStopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalidRequest('stop_sequences: must be an array of strings', 'stop_sequences');
  return value as string[];
}

/** Anthropic's metadata holds only `user_id`; it is the IR's end-user id. */
function decodeMetadata(value: unknown, extra: Record<string, unknown>): string | undefined {
  if (value === undefined || value === null) return undefined;
  const metadata = requireRecord(value, 'metadata');
  for (const [key, item] of Object.entries(metadata)) if (key !== 'user_id' && item !== null && item !== undefined) extra[`metadata.${key}`] = item;
  if (metadata.user_id === undefined || metadata.user_id === null) return undefined;
  return requireString(metadata.user_id, 'metadata.user_id');
}

function unsupportedBlock(block: Record<string, unknown>, param: string, where: string) {
  return invalidRequest(`${param}.type: content block type ${JSON.stringify(block.type)} is not supported in ${where} when translating to another provider format`, `${param}.type`);
}

const textFields = new Set(['type', 'text', 'cache_control']);
const imageFields = new Set(['type', 'source', 'cache_control']);
const documentFields = new Set(['type', 'source', 'title', 'cache_control']);
const documentFieldsWithoutSource = new Set(['type', 'title', 'cache_control']);
const thinkingFields = new Set(['type', 'thinking', 'signature']);
const redactedThinkingFields = new Set(['type', 'data']);
const toolUseFields = new Set(['type', 'id', 'name', 'input', 'cache_control']);
const toolResultFields = new Set(['type', 'tool_use_id', 'content', 'is_error', 'cache_control']);
const toolReferenceFields = new Set(['type', 'tool_name', 'cache_control']);
const toolFields = new Set(['type', 'name', 'description', 'input_schema', 'strict', 'defer_loading', 'cache_control']);
