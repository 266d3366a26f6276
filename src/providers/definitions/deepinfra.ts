import type { ProviderDefinition } from '../definition.ts';

export const deepinfra: ProviderDefinition = {
  id: 'deepinfra',
  name: 'DeepInfra',
  formats: ['openai-chat'],
  baseUrl: 'https://api.deepinfra.com/v1/openai',
  auth: 'bearer',
  env: ['DEEPINFRA_API_KEY'],
};
