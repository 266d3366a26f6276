import type { ProviderDefinition } from '../definition.ts';

export const openai: ProviderDefinition = {
  id: 'openai',
  name: 'OpenAI',
  formats: ['openai-chat', 'openai-responses'],
  baseUrl: 'https://api.openai.com/v1',
  auth: 'bearer',
  env: ['OPENAI_API_KEY'],
  quirks: { maxTokensField: 'max_completion_tokens', reasoningEffort: true },
};
