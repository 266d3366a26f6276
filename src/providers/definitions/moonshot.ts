import type { ProviderDefinition } from '../definition.ts';

export const moonshot: ProviderDefinition = {
  id: 'moonshot',
  name: 'Moonshot AI (Kimi)',
  formats: ['openai-chat'],
  baseUrl: 'https://api.moonshot.ai/v1',
  auth: 'bearer',
  env: ['MOONSHOT_API_KEY'],
};
