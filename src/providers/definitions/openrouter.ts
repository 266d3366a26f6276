import type { ProviderDefinition } from '../definition.ts';

export const openrouter: ProviderDefinition = {
  id: 'openrouter',
  name: 'OpenRouter',
  formats: ['openai-chat'],
  baseUrl: 'https://openrouter.ai/api/v1',
  auth: 'bearer',
  env: ['OPENROUTER_API_KEY'],
  quirks: { reasoningEffort: true, reasoningField: 'reasoning', reasoningObject: true },
};
