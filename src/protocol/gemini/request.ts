// The internal request as a Gemini `generateContent` body (Google AI Studio and Vertex AI take the
// same one). Gemini names no tool call in a result, merges nothing for us and wants every function
// response to be an object, so this file builds the history the way Gemini reads it.
import type {
  AssistantContent,
  ChatRequest,
  EncodedRequest,
  EncodeTarget,
  MediaSource,
  Message,
  ReasoningEffort,
  ReasoningOptions,
  ResponseFormat,
  ToolChoice,
  ToolResultPart,
  UserContent,
} from '../ir.ts';
import { invalidRequest } from '../../errors/gateway-error.ts';
import { flatDescription, midConversationSystem, offeredTools, resultContentAsText, wireToolName } from '../tools.ts';

type GeminiPart = Record<string, unknown>;

interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/**
 * Google's documented stand-in for a thought signature the model never produced (history migrated
 * from another model, or calls written by hand): Gemini 3 answers 400 when the first function call
 * of a step in the current turn has no signature. "Thought signatures" guide, FAQ, on
 * https://ai.google.dev/gemini-api/docs/thought-signatures, which offers
 * "context_engineering_is_the_way_to_go" or "skip_thought_signature_validator" as the dummy value;
 * Vertex AI documents the latter (docs.cloud.google.com/vertex-ai/generative-ai/docs/thought-signatures).
 */
export const placeholderThoughtSignature = 'skip_thought_signature_validator';

/** Ids other formats give tool calls, and the prefix our own decoder uses for ids it invents; any
 * other id came from Gemini itself and is sent back so results match their calls by id. */
const foreignCallIdPattern = /^(call_|toolu_|tooluse_|fc_)/;

export function encodeRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  if (request.sourceOnly.length > 0) {
    throw invalidRequest(`${request.sourceOnly.join(', ')} cannot be sent to a Gemini model`, request.sourceOnly[0], 'unsupported_parameter');
  }
  const dropped = new Set<string>();
  const body: Record<string, unknown> = {};
  // Gemini has only the one system instruction: instructions given mid-conversation join it, after
  // those given first, rather than become words of the user's.
  const system = [...request.system, ...midConversationSystem(request.messages)];
  if (system.length > 0) {
    body.systemInstruction = {
      parts: system.map((part) => {
        if (part.cacheControl) dropped.add('cache_control');
        return { text: part.text };
      }),
    };
  }
  body.contents = encodeContents(request.messages, dropped);
  const tools = encodeTools(request, dropped);
  if (tools.length > 0) body.tools = tools;
  if (request.toolChoice) body.toolConfig = { functionCallingConfig: functionCallingConfig(request.toolChoice) };
  if (request.parallelToolCalls === false) dropped.add('parallel_tool_calls');
  const config = generationConfig(request, target.upstreamModel);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  if (request.user !== undefined) dropped.add('user');
  if (request.metadata && Object.keys(request.metadata).length > 0) dropped.add('metadata');
  for (const key of Object.keys(request.extra)) dropped.add(key);
  const method = request.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return { path: `/models/${encodeURIComponent(target.upstreamModel.toWellFormed())}:${method}`, body, dropped: [...dropped] };
}

/** Messages as Gemini turns: tool results are user turns, and consecutive turns of one role merge. */
function encodeContents(messages: Message[], dropped: Set<string>): GeminiContent[] {
  const toolNames = new Map<string, string>();
  const contents: GeminiContent[] = [];
  for (const message of messages) {
    let role: GeminiContent['role'];
    let parts: GeminiPart[];
    if (message.role === 'assistant') {
      role = 'model';
      parts = encodeAssistantContent(message.content, toolNames, dropped);
    } else if (message.role === 'tool') {
      role = 'user';
      parts = message.content.flatMap((result) => encodeToolResult(result, toolNames, dropped));
    } else if (message.role === 'system') {
      continue;
    } else {
      role = 'user';
      parts = encodeUserContent(message.content, dropped);
    }
    if (parts.length === 0) continue;
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  for (const content of contents) if (content.role === 'model') signFirstFunctionCall(content.parts);
  return contents;
}

function encodeUserContent(content: UserContent[], dropped: Set<string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  for (const part of content) {
    if (part.cacheControl) dropped.add('cache_control');
    if (part.type === 'text') {
      parts.push({ text: part.text });
      continue;
    }
    if (part.type === 'image' && part.detail !== undefined && part.detail !== 'auto') dropped.add('detail');
    if (part.type === 'document') {
      if (part.filename !== undefined) dropped.add('filename');
      if (part.title !== undefined) dropped.add('title');
    }
    const media = encodeMedia(part.source, part.type === 'image' ? 'image/jpeg' : 'application/pdf', dropped);
    if (media) parts.push(media);
  }
  return parts;
}

function encodeAssistantContent(content: AssistantContent[], toolNames: Map<string, string>, dropped: Set<string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  // A signature our decoder lifted off a text or call part (as an empty reasoning part before it)
  // goes back onto that part.
  let carriedSignature: string | undefined;
  for (let index = 0; index < content.length; index++) {
    const part = content[index];
    let encoded: GeminiPart;
    switch (part.type) {
      case 'text':
        if (part.cacheControl) dropped.add('cache_control');
        encoded = { text: part.text };
        break;
      case 'refusal':
        encoded = { text: part.text };
        break;
      case 'reasoning':
        if (part.text === '' && part.signature !== undefined && canCarrySignature(content[index + 1])) {
          carriedSignature = part.signature;
          continue;
        }
        if (part.text === '' && part.signature === undefined) continue;
        encoded = part.text === '' ? { text: '' } : { text: part.text, thought: true };
        if (part.signature !== undefined) encoded.thoughtSignature = part.signature;
        parts.push(encoded);
        continue;
      case 'redacted-reasoning':
        dropped.add('redacted_thinking');
        continue;
      case 'tool-call': {
        if (part.cacheControl) dropped.add('cache_control');
        const name = wireToolName(part.name, part.namespace);
        toolNames.set(part.id, name);
        const call: Record<string, unknown> = { name, args: parseArguments(part.arguments) };
        if (isGeminiCallId(part.id)) call.id = part.id;
        encoded = { functionCall: call };
        if (part.signature !== undefined) encoded.thoughtSignature = part.signature;
        break;
      }
    }
    if (carriedSignature !== undefined) {
      encoded.thoughtSignature = carriedSignature;
      carriedSignature = undefined;
    }
    parts.push(encoded);
  }
  return parts;
}

/** Whether the part after an empty signed reasoning part can take its signature back. */
function canCarrySignature(next: AssistantContent | undefined): boolean {
  if (!next) return false;
  if (next.type === 'text') return true;
  return next.type === 'tool-call' && next.signature === undefined;
}

/** Gemini 3 validates the first function call of each step; one the model never signed gets the
 * documented placeholder. Later calls of a parallel step carry no signature, as Gemini sends them. */
function signFirstFunctionCall(parts: GeminiPart[]): void {
  const first = parts.find((part) => part.functionCall !== undefined);
  if (first && first.thoughtSignature === undefined) first.thoughtSignature = placeholderThoughtSignature;
}

function encodeToolResult(result: ToolResultPart, toolNames: Map<string, string>, dropped: Set<string>): GeminiPart[] {
  const name = result.name ?? toolNames.get(result.toolCallId);
  if (name === undefined) {
    throw invalidRequest(`the tool result for ${result.toolCallId} answers no earlier tool call, and Gemini needs the tool's name`, 'messages', 'unsupported_parameter');
  }
  if (result.cacheControl) dropped.add('cache_control');
  const texts: string[] = [];
  const media: GeminiPart[] = [];
  for (const part of resultContentAsText(result)) {
    if (part.cacheControl) dropped.add('cache_control');
    if (part.type === 'text') texts.push(part.text);
    else media.push(...encodeUserContent([part], dropped));
  }
  const functionResponse: Record<string, unknown> = { name, response: responseObject(texts.join('\n'), result.isError === true) };
  if (isGeminiCallId(result.toolCallId)) functionResponse.id = result.toolCallId;
  // Images and documents a tool returned follow its response in the same user turn, which every
  // Gemini version reads (only Gemini 3 accepts media inside `functionResponse`).
  return [{ functionResponse }, ...media];
}

/** Gemini wants an object: JSON text that is one is passed as is, anything else is wrapped. */
function responseObject(text: string, isError: boolean): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: wrapped below.
  }
  return isError ? { error: text } : { result: text };
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // A model may have produced broken JSON; Gemini needs an object, so the call goes back empty.
  }
  return {};
}

function isGeminiCallId(id: string): boolean {
  return id !== '' && !foreignCallIdPattern.test(id);
}

function encodeMedia(source: MediaSource, defaultMimeType: string, dropped: Set<string>): GeminiPart | null {
  if (source.kind === 'file-id') {
    dropped.add('file_id');
    return null;
  }
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1], data: dataUrl[2] } };
  return { fileData: { mimeType: mimeTypeFromUrl(source.url) ?? defaultMimeType, fileUri: source.url } };
}

const mimeTypesByExtension: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  csv: 'text/csv',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

function mimeTypeFromUrl(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0];
  const dot = path.lastIndexOf('.');
  if (dot === -1 || dot < path.lastIndexOf('/')) return undefined;
  return mimeTypesByExtension[path.slice(dot + 1).toLowerCase()];
}

function encodeTools(request: ChatRequest, dropped: Set<string>): Record<string, unknown>[] {
  const declarations: Record<string, unknown>[] = [];
  const nativeTools: Record<string, unknown>[] = [];
  for (const { tool, param } of offeredTools(request, 'gemini', (name) => dropped.add(name))) {
    if (tool.type === 'native') {
      if (tool.format === 'gemini') nativeTools.push(tool.definition);
      else dropped.add(param);
      continue;
    }
    if (tool.cacheControl) dropped.add('cache_control');
    // Gemini has no strict mode for function arguments: they are not guaranteed to match the schema.
    if (tool.strict === true) dropped.add('strict');
    const declaration: Record<string, unknown> = { name: wireToolName(tool.name, tool.namespace?.name) };
    const description = flatDescription(tool);
    if (description !== undefined) declaration.description = description;
    // `parametersJsonSchema` takes full JSON Schema; `parameters` only an OpenAPI subset.
    if (Object.keys(tool.parameters).length > 0) declaration.parametersJsonSchema = tool.parameters;
    declarations.push(declaration);
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }, ...nativeTools] : nativeTools;
}

function functionCallingConfig(choice: ToolChoice): Record<string, unknown> {
  switch (choice.type) {
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    case 'tool':
      return { mode: 'ANY', allowedFunctionNames: [choice.name] };
  }
}

function generationConfig(request: ChatRequest, model: string): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.stop && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  if (request.responseFormat) Object.assign(config, responseFormatConfig(request.responseFormat));
  const thinking = thinkingConfig(request.reasoning, model);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

function responseFormatConfig(format: ResponseFormat): Record<string, unknown> {
  if (format.type === 'json') return { responseMimeType: 'application/json' };
  if (format.type === 'json-schema') return { responseMimeType: 'application/json', responseJsonSchema: format.schema };
  return {};
}

/** Gemini 3 levels. Gemini 3 Pro knows no "minimal" (Flash only), so it becomes the "low" every
 * Gemini 3 model accepts; there is nothing above "high". */
const thinkingLevels: Record<Exclude<ReasoningEffort, 'none'>, string> = {
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
};

/** Budgets for models before Gemini 3, which take no level: Google's own mapping of
 * `reasoning_effort` in its OpenAI-compatible endpoint (low 1,024, medium 8,192, high 24,576). */
const thinkingBudgets: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

function thinkingConfig(reasoning: ReasoningOptions | undefined, model: string): Record<string, unknown> | undefined {
  if (!reasoning) return undefined;
  if (reasoning.enabled === false || reasoning.effort === 'none') return { thinkingBudget: 0 };
  // Thoughts the client will not be shown are not asked for.
  const includeThoughts = reasoning.exclude !== true;
  // A budget and a level together are refused (400), so an explicit budget wins.
  if (reasoning.budgetTokens !== undefined) return { thinkingBudget: reasoning.budgetTokens, includeThoughts };
  if (reasoning.effort !== undefined) {
    if (takesThinkingLevel(model)) return { thinkingLevel: thinkingLevels[reasoning.effort], includeThoughts };
    return { thinkingBudget: thinkingBudgets[reasoning.effort], includeThoughts };
  }
  // A summary request is honoured: the thoughts Gemini includes are summaries.
  if (includeThoughts && (reasoning.enabled === true || reasoning.summary !== undefined)) return { includeThoughts: true };
  return undefined;
}

/** Gemini 1.x and 2.x reject `thinkingLevel`; later models and unknown names get it. */
function takesThinkingLevel(model: string): boolean {
  const name = model.slice(model.lastIndexOf('/') + 1);
  return !/^gemini-[12](\.|-)/.test(name);
}
