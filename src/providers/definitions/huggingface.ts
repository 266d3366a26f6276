import type { ProviderDefinition } from '../definition.ts';

export const huggingface: ProviderDefinition = {
  id: 'huggingface',
  name: 'Hugging Face Inference Providers',
  formats: ['openai-chat'],
  baseUrl: 'https://router.huggingface.co/v1',
  auth: 'bearer',
  env: ['HF_TOKEN'],
};
