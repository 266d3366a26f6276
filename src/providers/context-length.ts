// A provider's refusal of a prompt as too long for the model's context window. Unlike other invalid
// requests it says nothing about the request everywhere: a model with a larger window, or a provider
// serving the same model with more context, may take it. Providers say so in their own words.
import type { GatewayError } from '../errors/gateway-error.ts';

/** Codes that say it outright: OpenAI, Azure, Groq and others (`context_length_exceeded`), llama.cpp's server. */
const contextLengthCodes = new Set(['context_length_exceeded', 'exceed_context_size_error']);

/** Lower-cased phrases of the messages that say it in words. */
const contextLengthPhrases = [
  // OpenAI Chat, vLLM, DeepSeek, Mistral, OpenRouter ("this endpoint's maximum context length").
  'maximum context length',
  // OpenAI Responses: "Your input exceeds the context window of this model."
  'exceeds the context window',
  // Anthropic: "prompt is too long: 209353 tokens > 199999 maximum".
  'prompt is too long',
  // Anthropic: "input length and `max_tokens` exceed context limit: 189136 + 20000 > 204648".
  'exceed context limit',
  // Gemini: "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)."
  'exceeds the maximum number of tokens allowed',
  // Bedrock: "Input is too long for requested model."
  'input is too long for requested model',
  // llama.cpp: "the request exceeds the available context size, try increasing it".
  'exceeds the available context size',
  // Hugging Face TGI (422): "`inputs` tokens + `max_new_tokens` must be <= 65537".
  '`inputs` tokens + `max_new_tokens` must be',
];

/** Whether the provider refused the request as too long for the model's context window. */
export function isContextLengthError(error: GatewayError): boolean {
  if (!error.fromUpstream) return false;
  if (error.code !== null && contextLengthCodes.has(error.code)) return true;
  if (error.type === 'exceed_context_size_error') return true;
  if (error.status !== 400 && error.status !== 413 && error.status !== 422) return false;
  const message = error.message.toLowerCase();
  return contextLengthPhrases.some((phrase) => message.includes(phrase));
}
