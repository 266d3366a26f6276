import type { ProviderDefinition } from '../definition.ts';

export const llamacpp: ProviderDefinition = {
  id: 'llamacpp',
  name: 'llama.cpp server (local)',
  formats: ['openai-chat'],
  baseUrl: 'http://127.0.0.1:8080/v1',
  auth: 'none',
  env: [],
  localPort: 8080,
  quirks: { reasoningField: 'reasoning_content' },
};
