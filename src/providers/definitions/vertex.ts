import type { ProviderDefinition } from '../definition.ts';

export const vertex: ProviderDefinition = {
  id: 'vertex',
  name: 'Google Vertex AI (Gemini models)',
  formats: ['gemini'],
  baseUrl: 'https://${GOOGLE_VERTEX_LOCATION:-us-central1}-aiplatform.googleapis.com/v1/projects/${GOOGLE_VERTEX_PROJECT}/locations/${GOOGLE_VERTEX_LOCATION:-us-central1}/publishers/google',
  auth: 'google-oauth',
  env: ['GOOGLE_VERTEX_PROJECT', 'GOOGLE_APPLICATION_CREDENTIALS|GOOGLE_VERTEX_ACCESS_TOKEN'],
  listsModels: false,
};
