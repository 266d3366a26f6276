import type { ProviderDefinition } from '../definition.ts';

export const fireworks: ProviderDefinition = {
  id: 'fireworks',
  name: 'Fireworks AI',
  formats: ['openai-chat'],
  baseUrl: 'https://api.fireworks.ai/inference/v1',
  auth: 'bearer',
  env: ['FIREWORKS_API_KEY'],
  quirks: { reasoningEffort: true },
};
