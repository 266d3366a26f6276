import type { ProviderDefinition } from '../definition.ts';

export const lmstudio: ProviderDefinition = {
  id: 'lmstudio',
  name: 'LM Studio (local)',
  formats: ['openai-chat'],
  baseUrl: 'http://127.0.0.1:1234/v1',
  auth: 'none',
  env: [],
  localPort: 1234,
  quirks: { reasoningField: 'reasoning_content' },
};
