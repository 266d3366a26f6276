// Every provider modelmux knows, in the order the docs list them. Adding one is adding a file here.
import type { ProviderDefinition } from '../definition.ts';
import { openai } from './openai.ts';
import { azure } from './azure.ts';
import { anthropic } from './anthropic.ts';
import { gemini } from './gemini.ts';
import { vertex } from './vertex.ts';
import { bedrock } from './bedrock.ts';
import { groq } from './groq.ts';
import { together } from './together.ts';
import { fireworks } from './fireworks.ts';
import { mistral } from './mistral.ts';
import { deepseek } from './deepseek.ts';
import { cerebras } from './cerebras.ts';
import { xai } from './xai.ts';
import { perplexity } from './perplexity.ts';
import { openrouter } from './openrouter.ts';
import { huggingface } from './huggingface.ts';
import { deepinfra } from './deepinfra.ts';
import { nebius } from './nebius.ts';
import { sambanova } from './sambanova.ts';
import { novita } from './novita.ts';
import { moonshot } from './moonshot.ts';
import { dashscope } from './dashscope.ts';
import { cohere } from './cohere.ts';
import { ollama } from './ollama.ts';
import { vllm } from './vllm.ts';
import { llamacpp } from './llamacpp.ts';
import { lmstudio } from './lmstudio.ts';
import { openAICompatible } from './openai-compatible.ts';

export const providerDefinitions: readonly ProviderDefinition[] = [
  openai,
  azure,
  anthropic,
  gemini,
  vertex,
  bedrock,
  groq,
  together,
  fireworks,
  mistral,
  deepseek,
  cerebras,
  xai,
  perplexity,
  openrouter,
  huggingface,
  deepinfra,
  nebius,
  sambanova,
  novita,
  moonshot,
  dashscope,
  cohere,
  ollama,
  vllm,
  llamacpp,
  lmstudio,
  openAICompatible,
];

export function findProviderDefinition(id: string): ProviderDefinition | undefined {
  return providerDefinitions.find((definition) => definition.id === id);
}
