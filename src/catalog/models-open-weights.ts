// Open-weight models in the built-in catalog, each served by several hosts at their own prices (Meta
// Llama, gpt-oss, DeepSeek, Qwen, Kimi, GLM, Mistral, Cohere). See builtin.ts for the version rule.
import type { CatalogModel } from './types.ts';
import { ALL, ALL_REASONING, APACHE, CC_BY_NC, KIMI, LLAMA_31, LLAMA_33, LLAMA_4, MISTRAL_TERMS, MIT, NO_SCHEMA, QWEN, TEXT, TEXT_REASONING, license, offer, prices } from './entries.ts';

export const openWeightModels: CatalogModel[] = [
  // Meta Llama.
  {
    id: 'meta-llama/Llama-3.3-70B-Instruct', name: 'Llama 3.3 70B Instruct', vendor: 'meta', aliases: ['meta-llama/llama-3.3-70b-instruct', 'llama-3.3-70b', 'llama-3.3-70b-instruct'],
    contextWindow: 131072, maxOutput: null, capabilities: TEXT, openWeights: true, license: LLAMA_33,
    offers: [
      offer('groq', 'llama-3.3-70b-versatile', prices(0.59, 0.79), { maxOutput: 32768 }),
      offer('together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', prices(0.88, 0.88)),
      offer('fireworks', 'accounts/fireworks/models/llama-v3p3-70b-instruct', prices(0.9, 0.9)),
      offer('deepinfra', 'meta-llama/Llama-3.3-70B-Instruct', prices(0.23, 0.4)),
      offer('sambanova', 'Meta-Llama-3.3-70B-Instruct', prices(0.6, 1.2)),
      offer('nebius', 'meta-llama/Llama-3.3-70B-Instruct', prices(0.13, 0.4)),
      offer('novita', 'meta-llama/llama-3.3-70b-instruct', prices(0.135, 0.4)),
      offer('bedrock', 'us.meta.llama3-3-70b-instruct-v1:0', prices(0.72, 0.72), NO_SCHEMA),
      offer('huggingface', 'meta-llama/Llama-3.3-70B-Instruct', null),
      offer('openrouter', 'meta-llama/llama-3.3-70b-instruct', prices(0.13, 0.39)),
    ],
  },
  {
    id: 'meta-llama/Llama-3.1-8B-Instruct', name: 'Llama 3.1 8B Instruct', vendor: 'meta', aliases: ['meta-llama/llama-3.1-8b-instruct', 'meta-llama/Meta-Llama-3.1-8B-Instruct', 'llama-3.1-8b'],
    contextWindow: 131072, maxOutput: null, capabilities: TEXT, openWeights: true, license: LLAMA_31,
    offers: [
      offer('groq', 'llama-3.1-8b-instant', prices(0.05, 0.08)),
      offer('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', prices(0.18, 0.18)),
      offer('fireworks', 'accounts/fireworks/models/llama-v3p1-8b-instruct', prices(0.2, 0.2)),
      offer('deepinfra', 'meta-llama/Meta-Llama-3.1-8B-Instruct', prices(0.03, 0.05)),
      offer('sambanova', 'Meta-Llama-3.1-8B-Instruct', prices(0.1, 0.2)),
      offer('nebius', 'meta-llama/Meta-Llama-3.1-8B-Instruct', prices(0.02, 0.06)),
      offer('novita', 'meta-llama/llama-3.1-8b-instruct', prices(0.02, 0.05), { contextWindow: 16384 }),
      offer('huggingface', 'meta-llama/Llama-3.1-8B-Instruct', null),
    ],
  },
  {
    id: 'meta-llama/Llama-4-Scout-17B-16E-Instruct', name: 'Llama 4 Scout', vendor: 'meta', aliases: ['meta-llama/llama-4-scout', 'llama-4-scout', 'meta-llama/llama-4-scout-17b-16e-instruct'],
    contextWindow: 10485760, maxOutput: null, capabilities: ALL, openWeights: true, license: LLAMA_4,
    offers: [
      offer('groq', 'meta-llama/llama-4-scout-17b-16e-instruct', prices(0.11, 0.34), { contextWindow: 131072, maxOutput: 8192 }),
      offer('together', 'meta-llama/Llama-4-Scout-17B-16E-Instruct', prices(0.18, 0.59)),
      offer('fireworks', 'accounts/fireworks/models/llama4-scout-instruct-basic', prices(0.15, 0.6)),
      offer('deepinfra', 'meta-llama/Llama-4-Scout-17B-16E-Instruct', prices(0.08, 0.3)),
      offer('novita', 'meta-llama/llama-4-scout-17b-16e-instruct', prices(0.1, 0.5), { contextWindow: 131072 }),
      offer('huggingface', 'meta-llama/Llama-4-Scout-17B-16E-Instruct', null),
    ],
  },
  {
    id: 'meta-llama/Llama-4-Maverick-17B-128E-Instruct', name: 'Llama 4 Maverick', vendor: 'meta', aliases: ['meta-llama/llama-4-maverick', 'llama-4-maverick', 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8'],
    contextWindow: 1048576, maxOutput: null, capabilities: ALL, openWeights: true, license: LLAMA_4,
    offers: [
      offer('groq', 'meta-llama/llama-4-maverick-17b-128e-instruct', prices(0.2, 0.6), { contextWindow: 131072, maxOutput: 8192 }),
      offer('together', 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', prices(0.27, 0.85)),
      offer('fireworks', 'accounts/fireworks/models/llama4-maverick-instruct-basic', prices(0.22, 0.88)),
      offer('deepinfra', 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', prices(0.15, 0.6)),
      offer('sambanova', 'Llama-4-Maverick-17B-128E-Instruct', prices(0.63, 1.8)),
      offer('novita', 'meta-llama/llama-4-maverick-17b-128e-instruct-fp8', prices(0.17, 0.85)),
      offer('bedrock', 'us.meta.llama4-maverick-17b-instruct-v1:0', prices(0.24, 0.97), NO_SCHEMA),
      offer('openrouter', 'meta-llama/llama-4-maverick', prices(0.15, 0.6)),
    ],
  },

  // OpenAI open weights.
  {
    id: 'openai/gpt-oss-120b', name: 'gpt-oss-120b', vendor: 'openai', aliases: ['gpt-oss-120b'],
    contextWindow: 131072, maxOutput: null, capabilities: TEXT_REASONING, openWeights: true, license: APACHE,
    offers: [
      offer('groq', 'openai/gpt-oss-120b', prices(0.15, 0.6, 0.075), { maxOutput: 65536 }),
      offer('cerebras', 'gpt-oss-120b', prices(0.35, 0.75)),
      offer('together', 'openai/gpt-oss-120b', prices(0.15, 0.6)),
      offer('fireworks', 'accounts/fireworks/models/gpt-oss-120b', prices(0.15, 0.6, 0.075)),
      offer('deepinfra', 'openai/gpt-oss-120b', prices(0.05, 0.45)),
      offer('sambanova', 'gpt-oss-120b', prices(0.22, 0.59)),
      offer('nebius', 'openai/gpt-oss-120b', prices(0.15, 0.6)),
      offer('novita', 'openai/gpt-oss-120b', prices(0.05, 0.25)),
      offer('bedrock', 'openai.gpt-oss-120b-1:0', prices(0.15, 0.6), NO_SCHEMA),
      offer('huggingface', 'openai/gpt-oss-120b', null),
      offer('openrouter', 'openai/gpt-oss-120b', prices(0.05, 0.25)),
    ],
  },
  {
    id: 'openai/gpt-oss-20b', name: 'gpt-oss-20b', vendor: 'openai', aliases: ['gpt-oss-20b'],
    contextWindow: 131072, maxOutput: null, capabilities: TEXT_REASONING, openWeights: true, license: APACHE,
    offers: [
      offer('groq', 'openai/gpt-oss-20b', prices(0.075, 0.3, 0.0375), { maxOutput: 65536 }),
      offer('together', 'openai/gpt-oss-20b', prices(0.05, 0.2)),
      offer('fireworks', 'accounts/fireworks/models/gpt-oss-20b', prices(0.07, 0.3, 0.035)),
      offer('deepinfra', 'openai/gpt-oss-20b', prices(0.03, 0.14)),
      offer('nebius', 'openai/gpt-oss-20b', prices(0.05, 0.2)),
      offer('novita', 'openai/gpt-oss-20b', prices(0.04, 0.15)),
      offer('bedrock', 'openai.gpt-oss-20b-1:0', prices(0.07, 0.3), NO_SCHEMA),
      offer('huggingface', 'openai/gpt-oss-20b', null),
    ],
  },

  // DeepSeek. The deepseek API's `deepseek-chat` / `deepseek-reasoner` are V3.2's two modes.
  {
    id: 'deepseek-ai/DeepSeek-V3.2', name: 'DeepSeek V3.2', vendor: 'deepseek', aliases: ['deepseek/deepseek-v3.2', 'deepseek-v3.2', 'deepseek-chat'],
    contextWindow: 163840, maxOutput: null, capabilities: TEXT_REASONING, openWeights: true, license: MIT,
    offers: [
      offer('deepseek', 'deepseek-chat', prices(0.28, 0.42, 0.028), { contextWindow: 128000, maxOutput: 8192, capabilities: { reasoning: false } }),
      offer('fireworks', 'accounts/fireworks/models/deepseek-v3p2', prices(0.56, 1.68, 0.28)),
      offer('sambanova', 'DeepSeek-V3.2', prices(3, 4.5)),
      offer('openrouter', 'deepseek/deepseek-v3.2', prices(0.28, 0.42)),
    ],
  },
  {
    id: 'deepseek-reasoner', name: 'DeepSeek V3.2 (thinking mode)', vendor: 'deepseek', aliases: [],
    contextWindow: 128000, maxOutput: 65536, capabilities: TEXT_REASONING, openWeights: true, license: MIT,
    offers: [offer('deepseek', 'deepseek-reasoner', prices(0.28, 0.42, 0.028))],
  },
  {
    id: 'deepseek-ai/DeepSeek-V3.1', name: 'DeepSeek V3.1', vendor: 'deepseek', aliases: ['deepseek/deepseek-chat-v3.1', 'deepseek-v3.1'],
    contextWindow: 163840, maxOutput: null, capabilities: TEXT_REASONING, openWeights: true, license: MIT,
    offers: [
      offer('together', 'deepseek-ai/DeepSeek-V3.1', prices(0.6, 1.7)),
      offer('fireworks', 'accounts/fireworks/models/deepseek-v3p1', prices(0.56, 1.68, 0.28)),
      offer('deepinfra', 'deepseek-ai/DeepSeek-V3.1', prices(0.27, 1)),
      offer('sambanova', 'DeepSeek-V3.1', prices(3, 4.5)),
      offer('novita', 'deepseek/deepseek-v3.1', prices(0.27, 1)),
      offer('huggingface', 'deepseek-ai/DeepSeek-V3.1', null),
      offer('openrouter', 'deepseek/deepseek-chat-v3.1', prices(0.27, 1)),
    ],
  },
  {
    id: 'deepseek-ai/DeepSeek-R1-0528', name: 'DeepSeek R1 (0528)', vendor: 'deepseek', aliases: ['deepseek/deepseek-r1-0528', 'deepseek-r1', 'deepseek-r1-0528'],
    contextWindow: 163840, maxOutput: null, capabilities: TEXT_REASONING, openWeights: true, license: MIT,
    offers: [
      offer('together', 'deepseek-ai/DeepSeek-R1', prices(3, 7)),
      offer('fireworks', 'accounts/fireworks/models/deepseek-r1-0528', prices(3, 8)),
      offer('deepinfra', 'deepseek-ai/DeepSeek-R1-0528', prices(0.5, 2.15)),
      offer('sambanova', 'DeepSeek-R1-0528', prices(5, 7)),
      offer('nebius', 'deepseek-ai/DeepSeek-R1-0528', prices(0.8, 2.4)),
      offer('novita', 'deepseek/deepseek-r1-0528', prices(0.7, 2.5)),
      offer('huggingface', 'deepseek-ai/DeepSeek-R1-0528', null),
      offer('openrouter', 'deepseek/deepseek-r1-0528', prices(0.5, 2.15)),
    ],
  },

  // Qwen.
  {
    id: 'Qwen/Qwen3-235B-A22B-Instruct-2507', name: 'Qwen3 235B A22B Instruct (2507)', vendor: 'qwen', aliases: ['qwen/qwen3-235b-a22b-2507', 'qwen3-235b-a22b-instruct-2507', 'qwen3-235b'],
    contextWindow: 262144, maxOutput: null, capabilities: TEXT, openWeights: true, license: APACHE,
    offers: [
      offer('together', 'Qwen/Qwen3-235B-A22B-Instruct-2507-tput', prices(0.2, 0.6)),
      offer('fireworks', 'accounts/fireworks/models/qwen3-235b-a22b-instruct-2507', prices(0.22, 0.88)),
      offer('deepinfra', 'Qwen/Qwen3-235B-A22B-Instruct-2507', prices(0.13, 0.6)),
      offer('nebius', 'Qwen/Qwen3-235B-A22B-Instruct-2507', prices(0.2, 0.6)),
      offer('novita', 'qwen/qwen3-235b-a22b-instruct-2507', prices(0.09, 0.58)),
      offer('dashscope', 'qwen3-235b-a22b-instruct-2507', prices(0.7, 2.8), { contextWindow: 131072 }),
      offer('huggingface', 'Qwen/Qwen3-235B-A22B-Instruct-2507', null),
      offer('openrouter', 'qwen/qwen3-235b-a22b-2507', prices(0.13, 0.6)),
    ],
  },
  {
    id: 'Qwen/Qwen3-Coder-480B-A35B-Instruct', name: 'Qwen3 Coder 480B A35B Instruct', vendor: 'qwen', aliases: ['qwen/qwen3-coder', 'qwen3-coder-480b-a35b-instruct', 'qwen3-coder'],
    contextWindow: 262144, maxOutput: 65536, capabilities: TEXT, openWeights: true, license: APACHE,
    offers: [
      offer('together', 'Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8', prices(2, 2)),
      offer('fireworks', 'accounts/fireworks/models/qwen3-coder-480b-a35b-instruct', prices(0.45, 1.8)),
      offer('deepinfra', 'Qwen/Qwen3-Coder-480B-A35B-Instruct', prices(0.4, 1.6)),
      offer('nebius', 'Qwen/Qwen3-Coder-480B-A35B-Instruct', prices(0.4, 1.8)),
      offer('novita', 'qwen/qwen3-coder-480b-a35b-instruct', prices(0.35, 1.5)),
      offer('dashscope', 'qwen3-coder-480b-a35b-instruct', prices(1.5, 7.5)),
      offer('huggingface', 'Qwen/Qwen3-Coder-480B-A35B-Instruct', null),
      offer('openrouter', 'qwen/qwen3-coder', prices(0.4, 1.6)),
    ],
  },
  {
    id: 'Qwen/Qwen3-32B', name: 'Qwen3 32B', vendor: 'qwen', aliases: ['qwen/qwen3-32b', 'qwen3-32b'],
    contextWindow: 131072, maxOutput: null, capabilities: TEXT_REASONING, openWeights: true, license: APACHE,
    offers: [
      offer('groq', 'qwen/qwen3-32b', prices(0.29, 0.59), { maxOutput: 40960 }),
      offer('deepinfra', 'Qwen/Qwen3-32B', prices(0.1, 0.3)),
      offer('nebius', 'Qwen/Qwen3-32B', prices(0.1, 0.3)),
      offer('novita', 'qwen/qwen3-32b-fp8', prices(0.1, 0.45)),
      offer('huggingface', 'Qwen/Qwen3-32B', null),
    ],
  },
  {
    id: 'Qwen/Qwen2.5-72B-Instruct', name: 'Qwen2.5 72B Instruct', vendor: 'qwen', aliases: ['qwen/qwen-2.5-72b-instruct', 'qwen2.5-72b-instruct'],
    contextWindow: 131072, maxOutput: 8192, capabilities: TEXT, openWeights: true, license: QWEN,
    offers: [
      offer('together', 'Qwen/Qwen2.5-72B-Instruct-Turbo', prices(1.2, 1.2), { contextWindow: 32768 }),
      offer('deepinfra', 'Qwen/Qwen2.5-72B-Instruct', prices(0.12, 0.39), { contextWindow: 32768 }),
      offer('nebius', 'Qwen/Qwen2.5-72B-Instruct', prices(0.13, 0.4)),
      offer('novita', 'qwen/qwen-2.5-72b-instruct', prices(0.38, 0.4), { contextWindow: 32000 }),
      offer('huggingface', 'Qwen/Qwen2.5-72B-Instruct', null),
    ],
  },

  // Moonshot Kimi. The original K2 ids were retired from Moonshot's own API in 2026.
  {
    id: 'moonshotai/Kimi-K2-Instruct-0905', name: 'Kimi K2 Instruct (0905)', vendor: 'moonshot', aliases: ['moonshotai/kimi-k2-0905', 'kimi-k2-0905', 'kimi-k2-0905-preview', 'kimi-k2'],
    contextWindow: 262144, maxOutput: null, capabilities: TEXT, openWeights: true, license: KIMI,
    offers: [
      offer('groq', 'moonshotai/kimi-k2-instruct-0905', prices(1, 3, 0.5), { maxOutput: 16384 }),
      offer('together', 'moonshotai/Kimi-K2-Instruct-0905', prices(1, 3)),
      offer('fireworks', 'accounts/fireworks/models/kimi-k2-instruct-0905', prices(0.6, 2.5)),
      offer('deepinfra', 'moonshotai/Kimi-K2-Instruct-0905', prices(0.5, 2)),
      offer('novita', 'moonshotai/kimi-k2-0905', prices(0.6, 2.5)),
      offer('huggingface', 'moonshotai/Kimi-K2-Instruct-0905', null),
      offer('openrouter', 'moonshotai/kimi-k2-0905', prices(0.5, 2)),
    ],
  },
  {
    id: 'moonshotai/Kimi-K2.5', name: 'Kimi K2.5', vendor: 'moonshot', aliases: ['moonshotai/kimi-k2.5', 'kimi-k2.5'],
    contextWindow: 262144, maxOutput: null, capabilities: ALL_REASONING, openWeights: true, license: KIMI,
    offers: [
      offer('moonshot', 'kimi-k2.5', prices(0.6, 3, 0.1)),
      offer('together', 'moonshotai/Kimi-K2.5', prices(0.5, 2.8)),
      offer('fireworks', 'accounts/fireworks/models/kimi-k2p5', prices(0.6, 3, 0.1)),
      offer('novita', 'moonshotai/kimi-k2.5', prices(0.6, 3)),
    ],
  },

  // Zhipu (Z.ai) GLM.
  {
    id: 'zai-org/GLM-4.6', name: 'GLM-4.6', vendor: 'zhipu', aliases: ['z-ai/glm-4.6', 'glm-4.6'],
    contextWindow: 202752, maxOutput: 131072, capabilities: TEXT_REASONING, openWeights: true, license: MIT,
    offers: [
      offer('together', 'zai-org/GLM-4.6', prices(0.6, 2.2)),
      offer('fireworks', 'accounts/fireworks/models/glm-4p6', prices(0.55, 2.19)),
      offer('deepinfra', 'zai-org/GLM-4.6', prices(0.6, 1.9)),
      offer('novita', 'zai-org/glm-4.6', prices(0.6, 2.2)),
      offer('huggingface', 'zai-org/GLM-4.6', null),
      offer('openrouter', 'z-ai/glm-4.6', prices(0.6, 2.2)),
    ],
  },


  // Mistral. `mistral-large-latest` points at Mistral Large 3, released with open weights.
  {
    id: 'mistralai/Mistral-Large-3-675B-Instruct-2512', name: 'Mistral Large 3', vendor: 'mistral', aliases: ['mistral-large-latest', 'mistral-large-2512', 'mistralai/mistral-large-2512', 'mistral-large-3'],
    contextWindow: 262144, maxOutput: null, capabilities: ALL, openWeights: true, license: APACHE,
    offers: [offer('mistral', 'mistral-large-2512', prices(0.5, 1.5)), offer('openrouter', 'mistralai/mistral-large-2512', prices(0.5, 1.5))],
  },
  {
    id: 'mistral-medium-2508', name: 'Mistral Medium 3.1', vendor: 'mistral', aliases: ['mistralai/mistral-medium-3.1', 'mistral-medium-3.1'],
    contextWindow: 131072, maxOutput: null, capabilities: ALL, openWeights: false, license: MISTRAL_TERMS,
    offers: [offer('mistral', 'mistral-medium-2508', prices(0.4, 2)), offer('openrouter', 'mistralai/mistral-medium-3.1', prices(0.4, 2))],
  },
  {
    id: 'mistralai/Mistral-Small-3.2-24B-Instruct-2506', name: 'Mistral Small 3.2', vendor: 'mistral', aliases: ['mistralai/mistral-small-3.2-24b-instruct', 'mistral-small-2506', 'mistral-small-3.2'],
    contextWindow: 131072, maxOutput: null, capabilities: ALL, openWeights: true, license: APACHE,
    offers: [
      offer('mistral', 'mistral-small-2506', prices(0.1, 0.3)),
      offer('deepinfra', 'mistralai/Mistral-Small-3.2-24B-Instruct-2506', prices(0.075, 0.2)),
      offer('openrouter', 'mistralai/mistral-small-3.2-24b-instruct', prices(0.075, 0.2)),
    ],
  },

  // Cohere: open weights under CC-BY-NC (non-commercial); Cohere's API terms allow commercial use.
  {
    id: 'CohereLabs/c4ai-command-a-03-2025', name: 'Command A', vendor: 'cohere', aliases: ['command-a-03-2025', 'command-a', 'cohere/command-a'],
    contextWindow: 256000, maxOutput: 8000, capabilities: TEXT, openWeights: true, license: CC_BY_NC,
    offers: [offer('cohere', 'command-a-03-2025', prices(2.5, 10)), offer('huggingface', 'CohereLabs/c4ai-command-a-03-2025', null), offer('openrouter', 'cohere/command-a', prices(2.5, 10))],
  },
  {
    id: 'CohereLabs/c4ai-command-r-08-2024', name: 'Command R (08-2024)', vendor: 'cohere', aliases: ['command-r-08-2024', 'command-r', 'cohere/command-r-08-2024'],
    contextWindow: 128000, maxOutput: 4000, capabilities: TEXT, openWeights: true, license: CC_BY_NC,
    offers: [offer('cohere', 'command-r-08-2024', prices(0.15, 0.6)), offer('huggingface', 'CohereLabs/c4ai-command-r-08-2024', null), offer('openrouter', 'cohere/command-r-08-2024', prices(0.15, 0.6))],
  },
];
