import type { ProviderDefinition } from '../definition.ts';

export const gemini: ProviderDefinition = {
  id: 'gemini',
  name: 'Google AI Studio (Gemini API)',
  formats: ['gemini'],
  baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  auth: 'x-goog-api-key',
  env: ['GEMINI_API_KEY'],
  // Its model list is `{models: [{name: "models/..."}]}`, not OpenAI's shape.
  listsModels: false,
};
