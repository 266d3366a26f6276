import type { ProviderDefinition } from '../definition.ts';

export const ollama: ProviderDefinition = {
  id: 'ollama',
  name: 'Ollama (local)',
  formats: ['openai-chat'],
  baseUrl: 'http://127.0.0.1:11434/v1',
  auth: 'none',
  env: [],
  localPort: 11434,
  quirks: { reasoningField: 'reasoning' },
};
