import type { ProviderDefinition } from '../definition.ts';

export const xai: ProviderDefinition = {
  id: 'xai',
  name: 'xAI',
  formats: ['openai-chat'],
  baseUrl: 'https://api.x.ai/v1',
  auth: 'bearer',
  env: ['XAI_API_KEY'],
  quirks: { reasoningEffort: true },
};
