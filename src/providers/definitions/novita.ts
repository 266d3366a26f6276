import type { ProviderDefinition } from '../definition.ts';

export const novita: ProviderDefinition = {
  id: 'novita',
  name: 'Novita AI',
  formats: ['openai-chat'],
  baseUrl: 'https://api.novita.ai/openai/v1',
  auth: 'bearer',
  env: ['NOVITA_API_KEY'],
};
