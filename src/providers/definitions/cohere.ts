import type { ProviderDefinition } from '../definition.ts';

export const cohere: ProviderDefinition = {
  id: 'cohere',
  name: 'Cohere (Compatibility API)',
  formats: ['openai-chat'],
  baseUrl: 'https://api.cohere.ai/compatibility/v1',
  auth: 'bearer',
  env: ['COHERE_API_KEY'],
  // Rejects `stream_options`: its streams end without a usage chunk.
  quirks: { noStreamOptions: true },
};
