import type { ProviderDefinition } from '../definition.ts';

export const bedrock: ProviderDefinition = {
  id: 'bedrock',
  name: 'AWS Bedrock (Converse API)',
  formats: ['bedrock-converse'],
  baseUrl: 'https://bedrock-runtime.${AWS_REGION:-us-east-1}.amazonaws.com',
  auth: 'aws-sigv4',
  env: ['AWS_REGION', 'AWS_ACCESS_KEY_ID|AWS_BEARER_TOKEN_BEDROCK'],
  listsModels: false,
};
