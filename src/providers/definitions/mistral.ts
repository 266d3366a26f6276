import type { ProviderDefinition } from '../definition.ts';

export const mistral: ProviderDefinition = {
  id: 'mistral',
  name: 'Mistral AI',
  formats: ['openai-chat'],
  baseUrl: 'https://api.mistral.ai/v1',
  auth: 'bearer',
  env: ['MISTRAL_API_KEY'],
};
