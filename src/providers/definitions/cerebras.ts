import type { ProviderDefinition } from '../definition.ts';

export const cerebras: ProviderDefinition = {
  id: 'cerebras',
  name: 'Cerebras',
  formats: ['openai-chat'],
  baseUrl: 'https://api.cerebras.ai/v1',
  auth: 'bearer',
  env: ['CEREBRAS_API_KEY'],
  quirks: { reasoningEffort: true, maxTokensField: 'max_completion_tokens' },
};
