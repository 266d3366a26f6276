import type { ProviderDefinition } from '../definition.ts';

export const groq: ProviderDefinition = {
  id: 'groq',
  name: 'Groq',
  formats: ['openai-chat'],
  baseUrl: 'https://api.groq.com/openai/v1',
  auth: 'bearer',
  env: ['GROQ_API_KEY'],
  quirks: { reasoningEffort: true, reasoningField: 'reasoning' },
};
