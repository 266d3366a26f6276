import type { ProviderDefinition } from '../definition.ts';

export const together: ProviderDefinition = {
  id: 'together',
  name: 'Together AI',
  formats: ['openai-chat'],
  baseUrl: 'https://api.together.xyz/v1',
  auth: 'bearer',
  env: ['TOGETHER_API_KEY'],
};
