import type { ProviderDefinition } from '../definition.ts';

export const vllm: ProviderDefinition = {
  id: 'vllm',
  name: 'vLLM (local)',
  formats: ['openai-chat'],
  baseUrl: 'http://127.0.0.1:8000/v1',
  auth: 'none',
  env: [],
  localPort: 8000,
  quirks: { reasoningField: 'reasoning_content' },
};
