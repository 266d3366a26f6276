import type { ProviderDefinition } from '../definition.ts';

export const sambanova: ProviderDefinition = {
  id: 'sambanova',
  name: 'SambaNova Cloud',
  formats: ['openai-chat'],
  baseUrl: 'https://api.sambanova.ai/v1',
  auth: 'bearer',
  env: ['SAMBANOVA_API_KEY'],
};
