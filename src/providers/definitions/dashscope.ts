import type { ProviderDefinition } from '../definition.ts';

export const dashscope: ProviderDefinition = {
  id: 'dashscope',
  name: 'Alibaba Cloud Model Studio (DashScope)',
  formats: ['openai-chat'],
  baseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
  auth: 'bearer',
  env: ['DASHSCOPE_API_KEY'],
};
