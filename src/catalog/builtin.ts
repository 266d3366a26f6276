// The built-in model catalog: public models, the providers that serve each one under their own
// names, and each provider's data policy. Prices are USD per 1M tokens at the providers' published
// list prices as of the version date (standard tier, short prompts, no batch discount); they drift,
// so correct them in modelmux.yaml (`providers[].models`), which adds to and overrides this file.
// Version rule: `version` is the date of the last change to any price, offer or policy here; bump
// it with every such change.
// Conventions: an open-weight model's id is its Hugging Face repo id, a proprietary model's id is
// its vendor's API name; aliases are OpenRouter slugs, short names and dated snapshots, unique
// across the catalog. Model limits are the vendor's; an offer gives its own only where the
// provider's differ. `huggingface` offers have no prices: the HF router bills whichever provider it
// picks. Local servers (ollama, vllm, llamacpp, lmstudio) have no offers: their models are discovered.
// The models themselves live in models-proprietary.ts and models-open-weights.ts.
import { openWeightModels } from './models-open-weights.ts';
import { proprietaryModels } from './models-proprietary.ts';
import type { CatalogData } from './types.ts';

export const builtinCatalog: CatalogData = {
  version: '2026-11-21',
  models: [...proprietaryModels, ...openWeightModels],
  // retentionDays: how long prompts and answers are kept by default (abuse monitoring included);
  // null where the provider does not say or it depends on where the request is sent on to.
  dataPolicies: {
    openai: { training: false, retentionDays: 30 },
    azure: { training: false, retentionDays: 30 },
    anthropic: { training: false, retentionDays: 30 },
    gemini: { training: false, retentionDays: 55 }, // paid tier; the free tier may train on data
    vertex: { training: false, retentionDays: 1 }, // in-memory prompt caching up to 24 hours unless disabled
    bedrock: { training: false, retentionDays: 0 },
    groq: { training: false, retentionDays: 0 },
    together: { training: false, retentionDays: null },
    fireworks: { training: false, retentionDays: 0 },
    deepinfra: { training: false, retentionDays: 0 },
    cerebras: { training: false, retentionDays: null },
    sambanova: { training: false, retentionDays: null },
    nebius: { training: false, retentionDays: null },
    novita: { training: false, retentionDays: null },
    mistral: { training: false, retentionDays: 30 }, // paid API; the free tier may train on data
    cohere: { training: false, retentionDays: 30 },
    xai: { training: false, retentionDays: 30 },
    perplexity: { training: false, retentionDays: 0 },
    deepseek: { training: true, retentionDays: null },
    moonshot: { training: true, retentionDays: null },
    dashscope: { training: false, retentionDays: null },
    openrouter: { training: false, retentionDays: null }, // depends on the provider it routes to
    huggingface: { training: false, retentionDays: null }, // depends on the provider it routes to
    ollama: { training: false, retentionDays: 0 },
    vllm: { training: false, retentionDays: 0 },
    llamacpp: { training: false, retentionDays: 0 },
    lmstudio: { training: false, retentionDays: 0 },
  },
};
