// Hosted providers that speak the OpenAI Chat Completions format, configured from their environment
// variable alone. Each entry is all there is to such a provider. Anthropic and Gemini are reached
// through their own OpenAI-compatible endpoints until their native codecs exist.

export interface KnownProvider {
  id: string;
  /** Environment variable holding the API key; its presence configures the provider. */
  env: string;
  baseUrl: string;
  /** Extra headers the provider expects. */
  headers?: Record<string, string>;
  /** False where the provider has no usable `GET /models`. */
  listsModels?: boolean;
  /** False where the provider rejects `stream_options` (so streams carry no usage chunk on request). */
  acceptsStreamOptions?: boolean;
}

export const knownProviders: readonly KnownProvider[] = [
  { id: 'openai', env: 'OPENAI_API_KEY', baseUrl: 'https://api.openai.com/v1' },
  { id: 'anthropic', env: 'ANTHROPIC_API_KEY', baseUrl: 'https://api.anthropic.com/v1' },
  { id: 'gemini', env: 'GEMINI_API_KEY', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai' },
  { id: 'groq', env: 'GROQ_API_KEY', baseUrl: 'https://api.groq.com/openai/v1' },
  { id: 'together', env: 'TOGETHER_API_KEY', baseUrl: 'https://api.together.xyz/v1' },
  { id: 'fireworks', env: 'FIREWORKS_API_KEY', baseUrl: 'https://api.fireworks.ai/inference/v1' },
  { id: 'mistral', env: 'MISTRAL_API_KEY', baseUrl: 'https://api.mistral.ai/v1' },
  { id: 'deepseek', env: 'DEEPSEEK_API_KEY', baseUrl: 'https://api.deepseek.com/v1' },
  { id: 'openrouter', env: 'OPENROUTER_API_KEY', baseUrl: 'https://openrouter.ai/api/v1' },
  { id: 'huggingface', env: 'HF_TOKEN', baseUrl: 'https://router.huggingface.co/v1' },
  { id: 'cerebras', env: 'CEREBRAS_API_KEY', baseUrl: 'https://api.cerebras.ai/v1' },
  { id: 'xai', env: 'XAI_API_KEY', baseUrl: 'https://api.x.ai/v1' },
  { id: 'perplexity', env: 'PERPLEXITY_API_KEY', baseUrl: 'https://api.perplexity.ai', listsModels: false },
  { id: 'deepinfra', env: 'DEEPINFRA_API_KEY', baseUrl: 'https://api.deepinfra.com/v1/openai' },
  { id: 'nebius', env: 'NEBIUS_API_KEY', baseUrl: 'https://api.tokenfactory.nebius.com/v1' },
  { id: 'sambanova', env: 'SAMBANOVA_API_KEY', baseUrl: 'https://api.sambanova.ai/v1' },
  { id: 'novita', env: 'NOVITA_API_KEY', baseUrl: 'https://api.novita.ai/openai/v1' },
  { id: 'moonshot', env: 'MOONSHOT_API_KEY', baseUrl: 'https://api.moonshot.ai/v1' },
  { id: 'dashscope', env: 'DASHSCOPE_API_KEY', baseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1' },
  { id: 'cohere', env: 'COHERE_API_KEY', baseUrl: 'https://api.cohere.ai/compatibility/v1', acceptsStreamOptions: false },
];

export function findKnownProvider(id: string): KnownProvider | undefined {
  return knownProviders.find((provider) => provider.id === id);
}
