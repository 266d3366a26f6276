// Google Gemini: `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`
// (`?alt=sse` gives `data:` events without a terminator; without it, one JSON array).
import { sendBody, sendStream } from './delivery.ts';
import { sendError } from './errors.ts';
import type { Exchange } from './exchange.ts';
import { badRequest, prepare } from './exchange.ts';
import { replayReference, serveReplay } from './replay.ts';
import { dataFrame } from './sse.ts';
import { complete, promptTokens } from './text.ts';
import type { Completion } from './text.ts';
import { pickToolCall, toolCallTokens } from './tools.ts';
import type { ToolCall } from './tools.ts';
import { contentText, isObject, stringList, tokenLimit } from './values.ts';

/** Handles `/v1beta/models/...` (and `/v1/models/...`) POSTs. */
export function handleGemini(exchange: Exchange): void {
  const target = parseTarget(exchange.path);
  if (target === null) {
    sendError(exchange.response, 'google', 404, `Method not found: ${exchange.path}`);
    return;
  }
  const { body } = exchange;
  if (!Array.isArray(body.contents)) return void badRequest(exchange, 'google', '* GenerateContentRequest.contents: contents is not specified');
  const { model, streamed } = target;
  const prepared = prepare(exchange, 'google', model);
  if (prepared === null) return;
  const sse = streamed && new URLSearchParams(exchange.query).get('alt') === 'sse';
  const reference = replayReference(model);
  if (reference !== null) {
    return serveReplay(exchange, prepared.knobs, 'google', 'google', reference, !streamed ? 'json' : sse ? 'sse' : 'json-array');
  }

  const conversation = readConversation(body.systemInstruction, body.contents);
  const call = chooseToolCall(body, conversation.endsWithFunctionResponse, prepared.knobs.tool);
  const config = isObject(body.generationConfig) ? body.generationConfig : {};
  const answer: Answer = {
    responseId: `sim${exchange.nextId()}`,
    model,
    promptTokens: promptTokens(conversation.characters),
    call,
    completion: call !== null ? null : complete({
      model,
      echo: prepared.echo,
      lastUserText: conversation.lastUserText,
      system: isObject(body.systemInstruction) ? contentText(body.systemInstruction.parts) : '',
      outputTokens: prepared.knobs.outputTokens,
      maxTokens: tokenLimit(config.maxOutputTokens),
      stop: stringList(config.stopSequences),
      schema: config.responseMimeType === 'application/json' ? (config.responseJsonSchema ?? config.responseSchema ?? { type: 'object' }) : undefined,
    }),
  };
  if (!streamed) return sendBody(exchange.response, prepared.knobs, JSON.stringify(wholeAnswer(answer)), 200, googleJson);
  const chunks = streamChunks(answer);
  if (sse) return sendStream(exchange.response, prepared.knobs, { head: [], tokens: chunks.tokens.map(dataFrame), tail: [dataFrame(chunks.last)] }, 'text/event-stream');
  sendBody(exchange.response, prepared.knobs, '[' + [...chunks.tokens, chunks.last].join(',\r\n') + ']', 200, googleJson);
}

interface Answer {
  responseId: string;
  model: string;
  promptTokens: number;
  call: ToolCall | null;
  completion: Completion | null;
}

const googleJson = { 'content-type': 'application/json; charset=UTF-8' };

function wholeAnswer(answer: Answer): unknown {
  const parts = answer.call !== null
    ? [{ functionCall: { name: answer.call.name, args: answer.call.input } }]
    : [{ text: answer.completion?.text ?? '' }];
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason: finishReason(answer), index: 0 }],
    usageMetadata: usageMetadata(answer.promptTokens, outputTokens(answer)),
    modelVersion: answer.model,
    responseId: answer.responseId,
  };
}

/**
 * One GenerateContentResponse per token with running usage, then a closing one with an empty text
 * part and the finish reason, as the recorded Gemini streams end.
 */
function streamChunks(answer: Answer): { tokens: string[]; last: string } {
  const trailer = `,"modelVersion":${JSON.stringify(answer.model)},"responseId":"${answer.responseId}"}`;
  const chunk = (part: string, finish: string | null, produced: number): string =>
    `{"candidates":[{"content":{"parts":[${part}],"role":"model"},${finish === null ? '' : `"finishReason":"${finish}",`}"index":0}],`
    + `"usageMetadata":${JSON.stringify(usageMetadata(answer.promptTokens, produced))}${trailer}`;
  const total = outputTokens(answer);
  const tokens = answer.call !== null
    ? [chunk(JSON.stringify({ functionCall: { name: answer.call.name, args: answer.call.input } }), null, total)]
    : (answer.completion?.tokens ?? []).map((token, index) => chunk(`{"text":${JSON.stringify(token)}}`, null, index + 1));
  return { tokens, last: chunk('{"text":""}', finishReason(answer), total) };
}

function usageMetadata(prompt: number, candidates: number): Record<string, unknown> {
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
}

function finishReason(answer: Answer): string {
  return answer.completion?.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
}

function outputTokens(answer: Answer): number {
  return answer.call !== null ? toolCallTokens(answer.call) : (answer.completion?.tokens.length ?? 0);
}

/** `models/{model}:{method}`; the model may itself hold `/` and `:` (`replay:google/google-text`). */
function parseTarget(path: string): { model: string; streamed: boolean } | null {
  const prefix = path.startsWith('/v1beta/models/') ? '/v1beta/models/' : path.startsWith('/v1/models/') ? '/v1/models/' : null;
  if (prefix === null) return null;
  const rest = path.slice(prefix.length);
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return null;
  const method = rest.slice(colon + 1);
  if (method !== 'generateContent' && method !== 'streamGenerateContent') return null;
  let model = rest.slice(0, colon);
  try {
    model = decodeURIComponent(model);
  } catch {
    // Keep the raw name: a stray % is a strange model name, not a reason to fail.
  }
  return { model, streamed: method === 'streamGenerateContent' };
}

function readConversation(system: unknown, contents: unknown[]): { characters: number; lastUserText: string; endsWithFunctionResponse: boolean } {
  let characters = isObject(system) ? contentText(system.parts).length : 0;
  let lastUserText = '';
  let endsWithFunctionResponse = false;
  for (const content of contents) {
    if (!isObject(content)) continue;
    const text = contentText(content.parts);
    characters += text.length;
    endsWithFunctionResponse = Array.isArray(content.parts) && content.parts.some((part) => isObject(part) && isObject(part.functionResponse));
    // Gemini allows the role to be left out of a single-turn request; it then means the user.
    if ((content.role === 'user' || content.role === undefined) && text !== '') lastUserText = text;
  }
  return { characters, lastUserText, endsWithFunctionResponse };
}

/** A functionCall part when function declarations are given and calling is allowed. */
function chooseToolCall(body: Record<string, unknown>, endsWithFunctionResponse: boolean, knob: string | null): ToolCall | null {
  if (!Array.isArray(body.tools) || endsWithFunctionResponse) return null;
  const config = isObject(body.toolConfig) && isObject(body.toolConfig.functionCallingConfig) ? body.toolConfig.functionCallingConfig : {};
  if (config.mode === 'NONE') return null;
  const declarations = body.tools.flatMap((tool) =>
    isObject(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : []);
  const functions = declarations.flatMap((declaration) =>
    isObject(declaration) && typeof declaration.name === 'string'
      ? [{ name: declaration.name, schema: declaration.parameters ?? declaration.parametersJsonSchema }]
      : []);
  const allowed = Array.isArray(config.allowedFunctionNames) ? config.allowedFunctionNames : [];
  return pickToolCall(functions, functions.find((tool) => allowed.includes(tool.name))?.name, knob);
}
