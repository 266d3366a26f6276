import type { ProviderDefinition } from '../definition.ts';

export const deepseek: ProviderDefinition = {
  id: 'deepseek',
  name: 'DeepSeek',
  formats: ['openai-chat'],
  baseUrl: 'https://api.deepseek.com/v1',
  auth: 'bearer',
  env: ['DEEPSEEK_API_KEY'],
  quirks: { reasoningField: 'reasoning_content' },
};
