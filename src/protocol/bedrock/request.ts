// The IR as a Bedrock Converse request (`POST /model/{modelId}/converse` or `/converse-stream`).
// Converse is one shape in front of many model families; what it cannot say goes to `dropped`, and
// the few model-native settings worth keeping (top_k, Claude's extended thinking) travel in
// `additionalModelRequestFields`, which Bedrock hands to the model as is.
import type {
  CacheControl,
  ChatRequest,
  DocumentPart,
  EncodeTarget,
  EncodedRequest,
  FunctionTool,
  ImagePart,
  Message,
  ReasoningOptions,
  TextPart,
  ToolChoice,
} from '../ir.ts';
import { invalidRequest } from '../../errors/gateway-error.ts';
import { flatDescription, midConversationSystem, offeredTools, resultContentAsText, wireToolName } from '../tools.ts';

type Block = Record<string, unknown>;

export function encodeRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  if (request.sourceOnly.length > 0) {
    throw invalidRequest(
      `${request.sourceOnly.join(', ')} cannot be sent to a Bedrock Converse provider; remove ${request.sourceOnly.length === 1 ? 'it' : 'them'}`,
      request.sourceOnly[0],
      'unsupported_parameter',
    );
  }
  const model = target.upstreamModel;
  const dropped: string[] = [];
  const encoder = new ContentEncoder(dropped);
  const body: Record<string, unknown> = { messages: encodeMessages(request.messages, encoder) };

  // Converse has only the one system field: instructions given mid-conversation join it, after those
  // given first, rather than become words of the user's.
  const system = [...request.system, ...midConversationSystem(request.messages)].flatMap((part) => encoder.text(part));
  if (system.length > 0) body.system = system;

  const thinking = thinkingFields(request.reasoning, request.maxOutputTokens, model, dropped);
  const inference: Record<string, unknown> = {};
  if (request.maxOutputTokens !== undefined) inference.maxTokens = request.maxOutputTokens;
  // Claude refuses temperature, top_p and top_k changes while it thinks.
  if (request.temperature !== undefined) {
    if (thinking === null) inference.temperature = request.temperature;
    else dropped.push('temperature');
  }
  if (request.topP !== undefined) {
    if (thinking === null) inference.topP = request.topP;
    else dropped.push('top_p');
  }
  if (request.stop !== undefined && request.stop.length > 0) inference.stopSequences = request.stop;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;

  const additional: Record<string, unknown> = {};
  if (thinking !== null) additional.thinking = thinking;
  if (request.topK !== undefined) {
    // Converse has no top-k; the model's native field does. Anthropic and Mistral models read
    // `top_k`, Amazon Nova reads `inferenceConfig.topK`, Llama has none and rejects unknown fields.
    if (thinking !== null || /\bmeta\.llama/i.test(model)) dropped.push('top_k');
    else if (/amazon\.nova/i.test(model)) additional.inferenceConfig = { topK: request.topK };
    else additional.top_k = request.topK;
  }
  if (Object.keys(additional).length > 0) body.additionalModelRequestFields = additional;
  if (inference.stopSequences !== undefined && isAnthropicModel(model)) {
    // Without this Converse only says `stop_sequence`, not which one matched.
    body.additionalModelResponseFieldPaths = ['/stop_sequence'];
  }

  const toolConfig = encodeToolConfig(request, encoder, thinking !== null, dropped);
  if (toolConfig !== null) body.toolConfig = toolConfig;

  if (request.metadata !== undefined && Object.keys(request.metadata).length > 0) {
    if (fitsRequestMetadata(request.metadata)) body.requestMetadata = request.metadata;
    else dropped.push('metadata');
  }
  if (request.responseFormat !== undefined && request.responseFormat.type !== 'text') dropped.push('response_format');
  if (request.seed !== undefined) dropped.push('seed');
  if (request.presencePenalty !== undefined) dropped.push('presence_penalty');
  if (request.frequencyPenalty !== undefined) dropped.push('frequency_penalty');
  if (request.parallelToolCalls === false) dropped.push('parallel_tool_calls');
  if (request.user !== undefined) dropped.push('user');
  dropped.push(...Object.keys(request.extra));

  const path = `/model/${encodeURIComponent(model.toWellFormed())}/${request.stream ? 'converse-stream' : 'converse'}`;
  return { path, body, dropped: [...new Set(dropped)] };
}

/** Budgets for an effort level when the client named no budget. */
export const effortBudgets: Record<Exclude<ReasoningOptions['effort'], undefined | 'none'>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

/** Claude's smallest accepted thinking budget. */
const minimumBudget = 1024;

/**
 * Claude's `thinking` field, or null when no reasoning was asked for. Only Claude models take it;
 * for an ARN naming no model family (an application inference profile) Claude is assumed, as it is
 * the family that reasons through this field.
 */
function thinkingFields(reasoning: ReasoningOptions | undefined, maxTokens: number | undefined, model: string, dropped: string[]): Block | null {
  if (reasoning === undefined) return null;
  if (reasoning.summary !== undefined) dropped.push('reasoning.summary');
  if (reasoning.enabled === false || reasoning.effort === 'none') return null;
  if (reasoning.budgetTokens === undefined && reasoning.effort === undefined && reasoning.enabled !== true) return null;
  if (!isAnthropicModel(model) && !isOpaqueArn(model)) {
    dropped.push('reasoning');
    return null;
  }
  let budget = reasoning.budgetTokens;
  if (budget === undefined) {
    budget = effortBudgets[reasoning.effort ?? 'medium'];
    // Claude wants max_tokens above the budget; a budget derived from an effort level yields to it.
    if (maxTokens !== undefined && budget >= maxTokens) budget = Math.max(minimumBudget, maxTokens - 1);
  }
  return { type: 'enabled', budget_tokens: budget };
}

function isAnthropicModel(model: string): boolean {
  return /anthropic|claude/i.test(model);
}

function isOpaqueArn(model: string): boolean {
  return model.startsWith('arn:') && !/\b(amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|twelvelabs)\./i.test(model);
}

/** Role-alternating messages: tool results become user content, consecutive same-role turns merge. */
function encodeMessages(messages: Message[], encoder: ContentEncoder): Block[] {
  const encoded: Array<{ role: 'user' | 'assistant'; content: Block[] }> = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content = encoder.message(message);
    // An empty turn is a validation error; everything it had was reported as dropped.
    if (content.length === 0) continue;
    const previous = encoded.at(-1);
    if (previous !== undefined && previous.role === role) previous.content.push(...content);
    else encoded.push({ role, content });
  }
  return encoded;
}

function encodeToolConfig(request: ChatRequest, encoder: ContentEncoder, thinking: boolean, dropped: string[]): Block | null {
  // Converse has no `none`; without tools in the history it is honoured exactly by offering none.
  if (request.toolChoice?.type === 'none' && toolNamesInHistory(request.messages).length === 0) return null;
  const tools: Block[] = [];
  for (const { tool, param } of offeredTools(request, 'bedrock-converse', (name) => dropped.push(name))) {
    if (tool.type === 'native') dropped.push(param);
    else tools.push(...encodeTool(tool, encoder));
  }
  if (tools.length === 0) {
    // Converse refuses toolUse / toolResult blocks unless a toolConfig is present, even when the
    // request offers no tools: the tools the history used are declared with an open schema.
    const used = toolNamesInHistory(request.messages);
    if (used.length === 0) {
      if (request.toolChoice !== undefined && request.toolChoice.type !== 'auto') dropped.push('tool_choice');
      return null;
    }
    tools.push(...used.map((name) => ({ toolSpec: { name, inputSchema: { json: { type: 'object' } } } })));
  }
  const config: Block = { tools };
  const choice = encodeToolChoice(request.toolChoice);
  // While Claude thinks it may only choose its tools itself (auto): a forced choice is refused.
  const forced = choice !== null && choice.auto === undefined;
  if (choice !== null && !(thinking && forced)) config.toolChoice = choice;
  else if (request.toolChoice !== undefined && request.toolChoice.type !== 'auto') dropped.push('tool_choice');
  return config;
}

function encodeTool(tool: FunctionTool, encoder: ContentEncoder): Block[] {
  const spec: Block = { name: wireToolName(tool.name, tool.namespace?.name), inputSchema: { json: tool.parameters } };
  // An empty description is a validation error (minimum length 1).
  const description = flatDescription(tool);
  if (description !== undefined && description !== '') spec.description = description;
  if (tool.strict !== undefined) spec.strict = tool.strict;
  return encoder.withCachePoint({ toolSpec: spec }, tool.cacheControl);
}

/** `none` has no Converse form: the caller reports it. */
function encodeToolChoice(choice: ToolChoice | undefined): Block | null {
  switch (choice?.type) {
    case 'auto':
      return { auto: {} };
    case 'required':
      return { any: {} };
    case 'tool':
      return { tool: { name: choice.name } };
    default:
      return null;
  }
}

function toolNamesInHistory(messages: Message[]): string[] {
  const names = new Set<string>();
  for (const message of messages) {
    for (const part of message.content) {
      if (part.type === 'tool-call') names.add(wireToolName(part.name, part.namespace));
      else if (part.type === 'tool-result' && part.name !== undefined) names.add(part.name);
    }
  }
  return [...names];
}

/** Converse's requestMetadata: at most 16 pairs, keys 1-256 and values 0-256 characters. */
function fitsRequestMetadata(metadata: Record<string, string>): boolean {
  const entries = Object.entries(metadata);
  return entries.length <= 16 && entries.every(([key, value]) => key.length >= 1 && key.length <= 256 && value.length <= 256);
}

/** Content blocks of one message; remembers what it had to leave out and the document names used. */
class ContentEncoder {
  private dropped: string[];
  private documentNames = new Set<string>();

  constructor(dropped: string[]) {
    this.dropped = dropped;
  }

  message(message: Message): Block[] {
    const blocks: Block[] = [];
    if (message.role === 'tool') {
      for (const result of message.content) {
        const content = resultContentAsText(result).flatMap((part) => this.media(part));
        const block: Block = { toolUseId: toolUseIdOf(result.toolCallId), content };
        if (result.isError === true) block.status = 'error';
        blocks.push(...this.withCachePoint({ toolResult: block }, result.cacheControl));
      }
      return blocks;
    }
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'image':
        case 'document':
          blocks.push(...this.withCachePoint(this.media(part), part.cacheControl));
          break;
        case 'refusal':
          // A refusal is what the assistant said; Converse only has text to say it with.
          if (part.text !== '') blocks.push({ text: part.text });
          break;
        case 'reasoning':
          // Claude verifies the signature of earlier thinking; unsigned reasoning (from a format
          // that has none) cannot be given back and is left out, as Anthropic's own codec does.
          if (part.signature !== undefined) blocks.push({ reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } });
          break;
        case 'redacted-reasoning':
          blocks.push({ reasoningContent: { redactedContent: part.data } });
          break;
        case 'tool-call':
          blocks.push(...this.withCachePoint({ toolUse: { toolUseId: toolUseIdOf(part.id), name: wireToolName(part.name, part.namespace), input: parseArguments(part.arguments) } }, part.cacheControl));
          break;
      }
    }
    return blocks;
  }

  text(part: TextPart): Block[] {
    // A blank text block is a validation error; the cache point it carried still counts.
    return this.withCachePoint(part.text === '' ? [] : [{ text: part.text }], part.cacheControl);
  }

  /** Text, image or document as a content block; [] when Converse cannot carry it (reported). */
  media(part: TextPart | ImagePart | DocumentPart): Block[] {
    if (part.type === 'text') return part.text === '' ? [] : [{ text: part.text }];
    if (part.type === 'image') {
      if (part.detail === 'low' || part.detail === 'high') this.dropped.push('detail');
      const format = part.source.kind === 'base64' ? imageFormats[part.source.mediaType.toLowerCase()] : undefined;
      if (part.source.kind !== 'base64' || format === undefined) {
        // Converse takes image bytes or an S3 location, never a URL or another provider's file id.
        this.dropped.push('image_url');
        return [];
      }
      return [{ image: { format, source: { bytes: part.source.data } } }];
    }
    const format = part.source.kind === 'base64' ? documentFormats[part.source.mediaType.toLowerCase().split(';')[0].trim()] : undefined;
    if (part.source.kind !== 'base64' || format === undefined) {
      this.dropped.push(part.source.kind === 'file-id' ? 'file_id' : part.source.kind === 'base64' && part.source.mediaType.startsWith('audio/') ? 'input_audio' : 'document');
      return [];
    }
    return [{ document: { format, name: this.documentName(part), source: { bytes: part.source.data } } }];
  }

  withCachePoint(blocks: Block | Block[], cacheControl: CacheControl | undefined): Block[] {
    const list = Array.isArray(blocks) ? blocks : [blocks];
    if (cacheControl === undefined) return list;
    const cachePoint: Block = { type: 'default' };
    if (cacheControl.ttl === '5m' || cacheControl.ttl === '1h') cachePoint.ttl = cacheControl.ttl;
    else if (cacheControl.ttl !== undefined) this.dropped.push('cache_control.ttl');
    return [...list, { cachePoint }];
  }

  /**
   * Converse allows only letters, digits, single spaces, hyphens, parentheses and square brackets
   * in a document name, and names must not repeat within a request.
   */
  private documentName(part: DocumentPart): string {
    const wanted = part.title ?? (part.filename ?? '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
    const base = wanted.replace(/[^A-Za-z0-9\s\-()[\]]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 180) || 'document';
    let name = base;
    for (let copy = 2; this.documentNames.has(name); copy++) name = `${base} (${copy})`;
    this.documentNames.add(name);
    return name;
  }
}

const imageFormats: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const documentFormats: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/html': 'html',
  'text/markdown': 'md',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/** toolUseId must match `[a-zA-Z0-9_-]+` (at most 64): ids minted by other formats are made to fit,
 * the same way for the call and for its result so that they still pair up. */
function toolUseIdOf(id: string): string {
  const fitted = id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return fitted === '' ? 'tooluse' : fitted;
}

/** Converse wants the input as a JSON object; arguments that are not one are kept under a key
 * rather than lost. */
function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return { value };
  } catch {
    return { arguments: text };
  }
}
