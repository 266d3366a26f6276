import type { ProviderDefinition } from '../definition.ts';

export const nebius: ProviderDefinition = {
  id: 'nebius',
  name: 'Nebius AI Studio',
  formats: ['openai-chat'],
  baseUrl: 'https://api.tokenfactory.nebius.com/v1',
  auth: 'bearer',
  env: ['NEBIUS_API_KEY'],
};
