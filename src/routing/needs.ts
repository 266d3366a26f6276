// What a request needs from a provider, read from the client's own body: tools, images, a JSON
// schema, room for the prompt plus the answer. The costly readings (walking every message) happen
// only when a filter asks, and once.
import { estimateTokens } from '../protocol/estimate.ts';

export type RequestFormat = 'openai-chat' | 'openai-responses' | 'anthropic' | 'embeddings';

export interface RouteNeeds {
  /** Estimated prompt tokens; read only when a context window is close. */
  readonly promptTokens: number;
  /** A cheap upper bound on the prompt tokens (the body's size in bytes). */
  readonly promptTokensAtMost: number;
  maxTokens: number | null;
  tools: boolean;
  jsonSchema: boolean;
  readonly vision: boolean;
}

export function needsOf(format: RequestFormat, body: Record<string, unknown>, bodyBytes: number): RouteNeeds {
  let promptTokens: number | null = null;
  let vision: boolean | null = null;
  return {
    get promptTokens() {
      promptTokens ??= estimateTokens(format === 'openai-responses' ? { input: body.input, instructions: body.instructions, tools: body.tools } : { messages: body.messages, system: body.system, tools: body.tools, input: body.input });
      return promptTokens;
    },
    promptTokensAtMost: bodyBytes,
    maxTokens: maxTokensOf(format, body),
    tools: nonEmptyList(body.tools) || nonEmptyList(body.functions),
    jsonSchema: jsonSchemaOf(format, body),
    get vision() {
      vision ??= hasImages(format === 'openai-responses' ? body.input : body.messages);
      return vision;
    },
  };
}

/** Needs stated outright, for a dry run (`GET /v1/route?tools=true&prompt_tokens=...`). */
export function statedNeeds(stated: { promptTokens?: number; maxTokens?: number | null; tools?: boolean; vision?: boolean; jsonSchema?: boolean }): RouteNeeds {
  const promptTokens = stated.promptTokens ?? 0;
  return { promptTokens, promptTokensAtMost: promptTokens, maxTokens: stated.maxTokens ?? null, tools: stated.tools ?? false, jsonSchema: stated.jsonSchema ?? false, vision: stated.vision ?? false };
}

function maxTokensOf(format: RequestFormat, body: Record<string, unknown>): number | null {
  const value = format === 'openai-responses' ? body.max_output_tokens : format === 'openai-chat' ? (body.max_completion_tokens ?? body.max_tokens) : body.max_tokens;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function jsonSchemaOf(format: RequestFormat, body: Record<string, unknown>): boolean {
  if (format === 'openai-chat') return typeOf(body.response_format) === 'json_schema';
  if (format === 'openai-responses') return typeOf((body.text as { format?: unknown } | undefined)?.format) === 'json_schema';
  if (format === 'anthropic') return typeOf(body.output_format) === 'json_schema';
  return false;
}

function typeOf(value: unknown): unknown {
  return value && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

const imageTypes = new Set(['image_url', 'input_image', 'image']);

/** Any image part in the messages (Chat `image_url`, Responses `input_image`, Anthropic `image`). */
function hasImages(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  for (const message of messages) {
    const content = message && typeof message === 'object' ? (message as { content?: unknown }).content : undefined;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      if (part && typeof part === 'object' && imageTypes.has((part as { type?: unknown }).type as string)) return true;
      // Anthropic tool results may carry images of their own.
      const inner = part && typeof part === 'object' ? (part as { content?: unknown }).content : undefined;
      if (Array.isArray(inner) && hasImages([{ content: inner }])) return true;
    }
  }
  return false;
}
