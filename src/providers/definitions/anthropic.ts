import type { ProviderDefinition } from '../definition.ts';

export const anthropic: ProviderDefinition = {
  id: 'anthropic',
  name: 'Anthropic',
  formats: ['anthropic'],
  baseUrl: 'https://api.anthropic.com/v1',
  auth: 'x-api-key',
  env: ['ANTHROPIC_API_KEY'],
  headers: { 'anthropic-version': '2023-06-01' },
  forwardHeaders: ['anthropic-beta'],
};
