// Responses API requests (`POST /v1/responses`) into the internal form, validated on the way: the
// client learns which field is wrong (`param`) before any provider is asked. The way back, the
// internal form into a Responses request, is in request-encode.ts.
//
// What only OpenAI can honour goes to `sourceOnly`, with its value kept in `extra` for an OpenAI
// provider: state OpenAI holds (`previous_response_id`, `conversation`, stored prompts, background
// runs) and input items that refer to it (`item_reference`, `compaction`). Input items that record
// the work of OpenAI's own tools (`web_search_call`, `shell_call`, ...) go to `extra` by place, so
// other providers name them in `dropped`. Either kind keeps its place in the conversation only in
// the original `input`, which an OpenAI provider receives as sent (but for reasoning only another
// provider could read, foreign-reasoning.ts). So do `additional_tools` items, tools declared in the
// conversation: their tools join the request's (see request-tools.ts).
import { invalidRequest } from '../../errors/gateway-error.ts';
import type { ChatRequest, DocumentPart, ImagePart, Message, ReasoningEffort, ReasoningOptions, ResponseFormat, TextPart, ToolResultPart, UserContent } from '../ir.ts';
import { keepEcho } from './echo.ts';
import { decodeToolChoice, decodeTools } from './request-tools.ts';
import type { ToolList } from './request-tools.ts';
import { decodeReasoningItem, decodeToolCallItem, isRecord } from './response.ts';

export { encodeRequest } from './request-encode.ts';

/** Fields read into the internal form; every other one is kept in `extra` as sent. */
const decodedFields = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'reasoning', 'max_output_tokens',
  'temperature', 'top_p', 'stream', 'metadata', 'user', 'safety_identifier',
]);
const efforts = new Set<string>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);
const summaries = new Set<string>(['auto', 'concise', 'detailed']);

export function decodeRequest(body: Record<string, unknown>): ChatRequest {
  if (!isRecord(body)) throw invalidRequest('the request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model', 'missing_required_parameter');
  const system: TextPart[] = [];
  if (body.instructions !== undefined && body.instructions !== null) {
    if (typeof body.instructions !== 'string') throw invalidRequest('`instructions` must be a string', 'instructions');
    if (body.instructions !== '') system.push({ type: 'text', text: body.instructions });
  }
  const reading: InputReading = { system, sourceOnly: [], extra: {}, toolLists: [] };
  const { sourceOnly, extra } = reading;
  const messages = decodeInput(body.input, reading);
  const keptAside = Object.keys(extra).length > 0 || reading.toolLists.length > 0;
  for (const [key, value] of Object.entries(body)) if (!decodedFields.has(key) && value !== undefined) extra[key] = value;
  if (sourceOnly.length > 0) {
    // The original input holds its system and developer messages itself: only the client's own
    // instructions go with it.
    extra.input = body.input;
    if (typeof body.instructions === 'string') extra.instructions = body.instructions;
  }
  for (const key of ['previous_response_id', 'conversation', 'prompt']) if (body[key] !== undefined && body[key] !== null) sourceOnly.push(key);
  if (body.background === true) sourceOnly.push('background');

  const request: ChatRequest = {
    source: 'openai-responses',
    model: body.model,
    system,
    messages,
    tools: decodeTools(body.tools, reading.toolLists),
    stream: optionalBoolean(body, 'stream') ?? false,
    // Responses streams always end with usage.
    includeUsage: true,
    extra,
    sourceOnly,
  };
  const toolChoice = decodeToolChoice(body.tool_choice, extra);
  if (toolChoice) request.toolChoice = toolChoice;
  const parallelToolCalls = optionalBoolean(body, 'parallel_tool_calls');
  if (parallelToolCalls !== undefined) request.parallelToolCalls = parallelToolCalls;
  const responseFormat = decodeText(body.text, extra);
  if (responseFormat) request.responseFormat = responseFormat;
  const reasoning = decodeReasoning(body.reasoning, extra);
  if (reasoning) request.reasoning = reasoning;
  const maxOutputTokens = optionalNumber(body, 'max_output_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  const temperature = optionalNumber(body, 'temperature', 0, 2);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, 'top_p', 0, 1);
  if (topP !== undefined) request.topP = topP;
  const metadata = decodeMetadata(body.metadata);
  if (metadata) request.metadata = metadata;
  // `safety_identifier` replaced `user` as the end-user id; both mean what `user` means elsewhere.
  const user = optionalString(body, 'user');
  const safetyIdentifier = optionalString(body, 'safety_identifier');
  if (user !== undefined) request.user = user;
  else if (safetyIdentifier !== undefined) request.user = safetyIdentifier;
  if (user !== undefined && safetyIdentifier !== undefined) extra.safety_identifier = safetyIdentifier;
  keepEcho(request, body);
  if (keptAside) inputsKeptAside.set(request, { input: body.input, instructions: body.instructions });
  return request;
}

const recordedToolItems = new Set([
  'file_search_call', 'web_search_call', 'computer_call', 'computer_call_output', 'tool_search_call', 'tool_search_output',
  'image_generation_call', 'code_interpreter_call', 'local_shell_call', 'local_shell_call_output', 'shell_call', 'shell_call_output',
  'apply_patch_call', 'apply_patch_call_output', 'mcp_list_tools', 'mcp_approval_request', 'mcp_approval_response', 'mcp_call',
  'program', 'program_output',
]);

/** Requests whose input holds items kept aside: an OpenAI provider gets that input as it came. */
const inputsKeptAside = new WeakMap<ChatRequest, { input: unknown; instructions: unknown }>();

export function inputKeptAside(request: ChatRequest): { input: unknown; instructions: unknown } | undefined {
  return inputsKeptAside.get(request);
}

/** What reading the input finds besides messages. */
interface InputReading {
  system: TextPart[];
  sourceOnly: string[];
  extra: Record<string, unknown>;
  /** The tools of `additional_tools` items. */
  toolLists: ToolList[];
}

/** Items in order. Assistant-side items in a row (reasoning, messages, calls) make one assistant
 * message, as other formats hold a turn; outputs of calls in a row make one tool message. */
function decodeInput(input: unknown, reading: InputReading): Message[] {
  const { system, sourceOnly, extra } = reading;
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  if (!Array.isArray(input)) throw invalidRequest('`input` must be a string or a list of input items', 'input');
  const messages: Message[] = [];
  const last = (): Message | undefined => messages[messages.length - 1];
  input.forEach((item: unknown, index) => {
    const param = `input[${index}]`;
    if (!isRecord(item)) throw invalidRequest(`${param} must be an object`, param);
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = item.role;
      if (role === 'system' || role === 'developer') system.push(...systemContent(item.content, param));
      else if (role === 'user') messages.push({ role: 'user', content: userContent(item.content, `${param}.content`) });
      else if (role === 'assistant') {
        const content = assistantContent(item.content, `${param}.content`);
        const previous = last();
        if (previous?.role === 'assistant') previous.content.push(...content);
        else messages.push({ role: 'assistant', content });
      } else throw invalidRequest(`${param}.role must be one of user, assistant, system, developer`, `${param}.role`);
      return;
    }
    if (type === 'reasoning' || type === 'function_call' || type === 'custom_tool_call') {
      const part = type === 'reasoning' ? decodeReasoningItem(item) : decodeToolCallItem(item);
      if (!part) throw invalidRequest(`${param} must have a string \`call_id\` and \`name\``, param);
      if (type === 'function_call' && typeof item.arguments !== 'string') throw invalidRequest(`${param}.arguments must be a string of JSON`, `${param}.arguments`);
      if (type === 'custom_tool_call' && typeof item.input !== 'string') throw invalidRequest(`${param}.input must be a string`, `${param}.input`);
      const previous = last();
      if (previous?.role === 'assistant') previous.content.push(part);
      else messages.push({ role: 'assistant', content: [part] });
      return;
    }
    if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      if (typeof item.call_id !== 'string' || item.call_id === '') throw invalidRequest(`${param}.call_id must be a non-empty string`, `${param}.call_id`);
      const result: ToolResultPart = { type: 'tool-result', toolCallId: item.call_id, content: toolOutput(item.output, `${param}.output`) };
      const previous = last();
      if (previous?.role === 'tool') previous.content.push(result);
      else messages.push({ role: 'tool', content: [result] });
      return;
    }
    if (type === 'additional_tools') {
      // Tools declared at this point of the conversation (Codex declares its tools so). Other
      // formats declare every tool up front: these join the request's tools. A Responses provider
      // gets the input as it came, the item where it stood.
      if (!Array.isArray(item.tools)) throw invalidRequest(`${param}.tools must be a list of tools`, `${param}.tools`);
      reading.toolLists.push({ tools: item.tools, param: `${param}.tools` });
      return;
    }
    // The record of a tool OpenAI ran or only OpenAI's models call (web search, computer use,
    // shell, MCP, ...) has no IR form: other providers name it in `dropped`. A reference to OpenAI's
    // state (item_reference, compaction) means nothing without it.
    if (typeof type === 'string' && recordedToolItems.has(type)) extra[param] = item;
    else sourceOnly.push(param);
  });
  return messages;
}

function systemContent(content: unknown, param: string): TextPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${param}.content must be a string or a list of input_text parts`, `${param}.content`);
  return content.map((part: unknown, index) => {
    if (!isRecord(part) || part.type !== 'input_text' || typeof part.text !== 'string')
      throw invalidRequest(`${param}.content[${index}] must be an input_text part: system and developer messages hold text only`, `${param}.content[${index}]`);
    return { type: 'text', text: part.text };
  });
}

function userContent(content: unknown, param: string): UserContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${param} must be a string or a list of content parts`, param);
  return content.map((part: unknown, index) => inputPart(part, `${param}[${index}]`));
}

function assistantContent(content: unknown, param: string): Array<TextPart | { type: 'refusal'; text: string }> {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${param} must be a string or a list of output_text and refusal parts`, param);
  return content.map((part: unknown, index) => {
    const partParam = `${param}[${index}]`;
    if (isRecord(part) && (part.type === 'output_text' || part.type === 'input_text') && typeof part.text === 'string') return { type: 'text', text: part.text };
    if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') return { type: 'refusal', text: part.refusal };
    throw invalidRequest(`${partParam} must be an output_text part ({type, text}) or a refusal part ({type, refusal})`, partParam);
  });
}

/** A function's output: text, or a list of text, image and file parts. */
function toolOutput(output: unknown, param: string): ToolResultPart['content'] {
  if (typeof output === 'string') return output === '' ? [] : [{ type: 'text', text: output }];
  if (!Array.isArray(output)) throw invalidRequest(`${param} must be a string or a list of input_text, input_image and input_file parts`, param);
  return output.map((part: unknown, index) => inputPart(part, `${param}[${index}]`));
}

function inputPart(part: unknown, param: string): UserContent {
  if (!isRecord(part)) throw invalidRequest(`${param} must be an object with a \`type\``, param);
  switch (part.type) {
    case 'input_text':
      if (typeof part.text !== 'string') throw invalidRequest(`${param}.text must be a string`, `${param}.text`);
      return { type: 'text', text: part.text };
    case 'input_image':
      return inputImage(part, param);
    case 'input_file':
      return inputFile(part, param);
    default:
      throw invalidRequest(`${param}.type must be input_text, input_image or input_file`, `${param}.type`);
  }
}

function inputImage(part: Record<string, unknown>, param: string): ImagePart {
  let image: ImagePart;
  if (typeof part.image_url === 'string' && part.image_url !== '') image = { type: 'image', source: mediaSource(part.image_url) };
  else if (typeof part.file_id === 'string' && part.file_id !== '') image = { type: 'image', source: { kind: 'file-id', id: part.file_id } };
  else throw invalidRequest(`${param} needs an \`image_url\` (a URL or a data URL) or a \`file_id\``, param);
  // `original` (full resolution) has no equal elsewhere; `high` is the nearest.
  if (part.detail === 'low' || part.detail === 'high' || part.detail === 'auto') image.detail = part.detail;
  else if (part.detail === 'original') image.detail = 'high';
  else if (part.detail !== undefined && part.detail !== null) throw invalidRequest(`${param}.detail must be low, high, auto or original`, `${param}.detail`);
  return image;
}

function inputFile(part: Record<string, unknown>, param: string): DocumentPart {
  const filename = typeof part.filename === 'string' && part.filename !== '' ? part.filename : undefined;
  let document: DocumentPart;
  if (typeof part.file_data === 'string' && part.file_data !== '') {
    const source = mediaSource(part.file_data);
    // Bare base64 is accepted too; the file name tells what it is.
    document = { type: 'document', source: source.kind === 'url' ? { kind: 'base64', mediaType: mediaTypeOf(filename), data: part.file_data } : source };
  } else if (typeof part.file_url === 'string' && part.file_url !== '') document = { type: 'document', source: { kind: 'url', url: part.file_url } };
  else if (typeof part.file_id === 'string' && part.file_id !== '') document = { type: 'document', source: { kind: 'file-id', id: part.file_id } };
  else throw invalidRequest(`${param} needs \`file_data\`, \`file_url\` or \`file_id\``, param);
  if (filename !== undefined) document.filename = filename;
  return document;
}

/** A base64 data URL becomes its bytes and media type; anything else stays a URL. */
function mediaSource(url: string): ImagePart['source'] {
  if (!url.startsWith('data:')) return { kind: 'url', url };
  const comma = url.indexOf(',');
  const header = comma === -1 ? '' : url.slice(5, comma);
  if (!header.endsWith(';base64')) return { kind: 'url', url };
  return { kind: 'base64', mediaType: header.slice(0, -7) || 'application/octet-stream', data: url.slice(comma + 1) };
}

function mediaTypeOf(filename: string | undefined): string {
  const extension = filename?.split('.').pop()?.toLowerCase();
  if (extension === 'txt' || extension === 'md') return 'text/plain';
  if (extension === 'png' || extension === 'jpeg' || extension === 'gif' || extension === 'webp') return `image/${extension}`;
  if (extension === 'jpg') return 'image/jpeg';
  return 'application/pdf';
}

/** `text.format` is the response format; other settings of `text` (verbosity) stay in `extra.text`. */
function decodeText(value: unknown, extra: Record<string, unknown>): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidRequest('`text` must be an object such as {"format": {"type": "json_schema", ...}}', 'text');
  const { format, ...rest } = value;
  if (Object.keys(rest).length > 0) extra.text = rest;
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) throw invalidRequest('`text.format` must be an object with a `type`', 'text.format');
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json' };
  if (format.type !== 'json_schema') throw invalidRequest('`text.format.type` must be text, json_object or json_schema', 'text.format.type');
  if (typeof format.name !== 'string' || format.name === '') throw invalidRequest('`text.format.name` is required for json_schema', 'text.format.name');
  if (!isRecord(format.schema)) throw invalidRequest('`text.format.schema` must be a JSON Schema object', 'text.format.schema');
  const decoded: ResponseFormat = { type: 'json-schema', name: format.name, schema: format.schema };
  if (typeof format.description === 'string') decoded.description = format.description;
  if (typeof format.strict === 'boolean') decoded.strict = format.strict;
  return decoded;
}

/** `reasoning.effort` and `summary`. The IR's scale stops at xhigh: "max" is read as that, and the
 * exact value rides along in `extra` for an OpenAI provider, as do keys the IR has no place for
 * (`context`, `mode`). */
function decodeReasoning(value: unknown, extra: Record<string, unknown>): ReasoningOptions | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidRequest('`reasoning` must be an object such as {"effort": "medium"}', 'reasoning');
  const options: ReasoningOptions = {};
  if (value.effort !== undefined && value.effort !== null) {
    if (typeof value.effort !== 'string' || !efforts.has(value.effort)) throw invalidRequest(`\`reasoning.effort\` must be one of ${[...efforts].join(', ')}`, 'reasoning.effort');
    options.effort = value.effort === 'max' ? 'xhigh' : (value.effort as ReasoningEffort);
    if (value.effort === 'max') extra['reasoning.effort'] = value.effort;
  }
  // `generate_summary` is the deprecated name of `summary`.
  const summary = value.summary ?? value.generate_summary;
  if (summary !== undefined && summary !== null) {
    if (typeof summary !== 'string' || !summaries.has(summary)) throw invalidRequest('`reasoning.summary` must be auto, concise or detailed', 'reasoning.summary');
    options.summary = summary as ReasoningOptions['summary'];
  }
  for (const [key, item] of Object.entries(value)) {
    if (key !== 'effort' && key !== 'summary' && key !== 'generate_summary' && item !== undefined && item !== null) extra[`reasoning.${key}`] = item;
  }
  return Object.keys(options).length > 0 ? options : undefined;
}

function decodeMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidRequest('`metadata` must be an object of string values', 'metadata');
  for (const [key, entry] of Object.entries(value)) if (typeof entry !== 'string') throw invalidRequest(`\`metadata.${key}\` must be a string`, `metadata.${key}`);
  return value as Record<string, string>;
}

function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`\`${field}\` must be true or false`, field);
  return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`\`${field}\` must be a string`, field);
  return value;
}

function optionalNumber(body: Record<string, unknown>, field: string, minimum: number, maximum: number, integer = false): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum || (integer && !Number.isInteger(value))) {
    const range = maximum === Number.MAX_SAFE_INTEGER ? `at least ${minimum}` : `between ${minimum} and ${maximum}`;
    throw invalidRequest(`\`${field}\` must be ${integer ? 'an integer' : 'a number'} ${range}`, field);
  }
  return value;
}
