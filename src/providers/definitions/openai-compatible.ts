import type { ProviderDefinition } from '../definition.ts';

/** Anything else that speaks OpenAI's Chat Completions: give it a `base_url` in modelmux.yaml. */
export const openAICompatible: ProviderDefinition = {
  id: 'openai-compatible',
  name: 'Any OpenAI-compatible server',
  formats: ['openai-chat'],
  baseUrl: '${OPENAI_COMPATIBLE_BASE_URL}',
  auth: 'bearer',
  env: [],
};
