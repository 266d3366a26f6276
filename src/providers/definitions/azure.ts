import type { ProviderDefinition } from '../definition.ts';

export const azure: ProviderDefinition = {
  id: 'azure',
  name: 'Azure OpenAI',
  formats: ['openai-chat', 'openai-responses'],
  // The v1 API: models are named by deployment in the body, no api-version needed.
  baseUrl: '${AZURE_OPENAI_ENDPOINT}/openai/v1',
  auth: 'api-key',
  env: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT'],
  listsModels: false,
  quirks: { maxTokensField: 'max_completion_tokens', reasoningEffort: true },
};
