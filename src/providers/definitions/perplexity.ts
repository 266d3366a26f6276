import type { ProviderDefinition } from '../definition.ts';

export const perplexity: ProviderDefinition = {
  id: 'perplexity',
  name: 'Perplexity',
  formats: ['openai-chat'],
  baseUrl: 'https://api.perplexity.ai',
  auth: 'bearer',
  env: ['PERPLEXITY_API_KEY'],
  listsModels: false,
};
