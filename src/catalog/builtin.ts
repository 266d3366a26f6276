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
import type { Capabilities, CatalogData, CatalogOffer, License, Prices } from './types.ts';

const prices = (input: number, output: number, cachedInput: number | null = null, cacheWrite: number | null = null): Prices => ({ input, output, cachedInput, cacheWrite });
const round = (value: number): number => Math.round(value * 1e6) / 1e6;
/** Anthropic's prompt cache: reads at 0.1x input, 5-minute writes at 1.25x. */
const claude = (input: number, output: number): Prices => prices(input, output, round(input * 0.1), round(input * 1.25));
const offer = (provider: string, upstream: string, price: Prices | null, extra: Omit<CatalogOffer, 'provider' | 'upstream' | 'prices'> = {}): CatalogOffer => ({ provider, upstream, prices: price, ...extra });

const ALL: Capabilities = { tools: true, vision: true, jsonSchema: true, reasoning: false };
const ALL_REASONING: Capabilities = { ...ALL, reasoning: true };
const TEXT: Capabilities = { tools: true, vision: false, jsonSchema: true, reasoning: false };
const TEXT_REASONING: Capabilities = { ...TEXT, reasoning: true };
/** Bedrock's Converse API drops `response_format` (see docs/providers.md). */
const NO_SCHEMA = { capabilities: { jsonSchema: false } };

const license = (name: string, commercial: boolean, url: string): License => ({ name, commercial, url });
const PROPRIETARY = (url: string): License => license('proprietary', true, url);
const APACHE = license('apache-2.0', true, 'https://www.apache.org/licenses/LICENSE-2.0');
const MIT = license('mit', true, 'https://opensource.org/license/mit');
const LLAMA_31 = license('llama-3.1', true, 'https://www.llama.com/llama3_1/license/');
const LLAMA_33 = license('llama-3.3', true, 'https://www.llama.com/llama3_3/license/');
const LLAMA_4 = license('llama-4', true, 'https://www.llama.com/llama4/license/');
const QWEN = license('qwen', true, 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE');
const KIMI = license('modified-mit', true, 'https://huggingface.co/moonshotai/Kimi-K2-Instruct-0905/blob/main/LICENSE');
/** Cohere's open weights: research and non-commercial use only (commercial use goes through Cohere's API terms). */
const CC_BY_NC = license('cc-by-nc-4.0', false, 'https://creativecommons.org/licenses/by-nc/4.0/');
const OPENAI_TERMS = PROPRIETARY('https://openai.com/policies/services-agreement/');
const ANTHROPIC_TERMS = PROPRIETARY('https://www.anthropic.com/legal/commercial-terms');
const GOOGLE_TERMS = PROPRIETARY('https://ai.google.dev/gemini-api/terms');
const XAI_TERMS = PROPRIETARY('https://x.ai/legal/terms-of-service-enterprise');
const MISTRAL_TERMS = PROPRIETARY('https://mistral.ai/terms');
const PERPLEXITY_TERMS = PROPRIETARY('https://www.perplexity.ai/hub/legal/perplexity-api-terms-of-service');

export const builtinCatalog: CatalogData = {
  version: '2026-11-21',
  models: [
    // OpenAI. Azure deployments are assumed to be named after the model (global standard prices).
    {
      id: 'gpt-4.1', name: 'GPT-4.1', vendor: 'openai', aliases: ['openai/gpt-4.1', 'gpt-4.1-2025-04-14'],
      contextWindow: 1047576, maxOutput: 32768, capabilities: ALL, openWeights: false, license: OPENAI_TERMS,
      offers: [offer('openai', 'gpt-4.1', prices(2, 8, 0.5)), offer('azure', 'gpt-4.1', prices(2, 8, 0.5)), offer('openrouter', 'openai/gpt-4.1', prices(2, 8, 0.5))],
    },
    {
      id: 'gpt-4.1-mini', name: 'GPT-4.1 mini', vendor: 'openai', aliases: ['openai/gpt-4.1-mini', 'gpt-4.1-mini-2025-04-14'],
      contextWindow: 1047576, maxOutput: 32768, capabilities: ALL, openWeights: false, license: OPENAI_TERMS,
      offers: [offer('openai', 'gpt-4.1-mini', prices(0.4, 1.6, 0.1)), offer('azure', 'gpt-4.1-mini', prices(0.4, 1.6, 0.1))],
    },
    {
      id: 'gpt-4o', name: 'GPT-4o', vendor: 'openai', aliases: ['openai/gpt-4o', 'gpt-4o-2024-08-06'],
      contextWindow: 128000, maxOutput: 16384, capabilities: ALL, openWeights: false, license: OPENAI_TERMS,
      offers: [offer('openai', 'gpt-4o', prices(2.5, 10, 1.25)), offer('azure', 'gpt-4o', prices(2.5, 10, 1.25))],
    },
    {
      id: 'gpt-4o-mini', name: 'GPT-4o mini', vendor: 'openai', aliases: ['openai/gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
      contextWindow: 128000, maxOutput: 16384, capabilities: ALL, openWeights: false, license: OPENAI_TERMS,
      offers: [offer('openai', 'gpt-4o-mini', prices(0.15, 0.6, 0.075)), offer('azure', 'gpt-4o-mini', prices(0.15, 0.6, 0.075))],
    },
    {
      id: 'o4-mini', name: 'o4-mini', vendor: 'openai', aliases: ['openai/o4-mini', 'o4-mini-2025-04-16'],
      contextWindow: 200000, maxOutput: 100000, capabilities: ALL_REASONING, openWeights: false, license: OPENAI_TERMS,
      offers: [offer('openai', 'o4-mini', prices(1.1, 4.4, 0.275)), offer('azure', 'o4-mini', prices(1.1, 4.4, 0.275))],
    },
    {
      id: 'gpt-5', name: 'GPT-5', vendor: 'openai', aliases: ['openai/gpt-5', 'gpt-5-2025-08-07'],
      contextWindow: 400000, maxOutput: 128000, capabilities: ALL_REASONING, openWeights: false, license: OPENAI_TERMS,
      offers: [offer('openai', 'gpt-5', prices(1.25, 10, 0.125)), offer('azure', 'gpt-5', prices(1.25, 10, 0.125)), offer('openrouter', 'openai/gpt-5', prices(1.25, 10, 0.125))],
    },
    {
      id: 'gpt-5-mini', name: 'GPT-5 mini', vendor: 'openai', aliases: ['openai/gpt-5-mini', 'gpt-5-mini-2025-08-07'],
      contextWindow: 400000, maxOutput: 128000, capabilities: ALL_REASONING, openWeights: false, license: OPENAI_TERMS,
      offers: [offer('openai', 'gpt-5-mini', prices(0.25, 2, 0.025)), offer('azure', 'gpt-5-mini', prices(0.25, 2, 0.025))],
    },

    // Anthropic. Bedrock serves Claude 4.x only through inference profiles; the `us.` (regional)
    // profiles of 4.5-generation models cost 10% more than Anthropic's API. The vertex provider
    // definition targets Google's publisher path only, so Claude on Vertex is not offered here.
    {
      id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', vendor: 'anthropic', aliases: ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
      contextWindow: 200000, maxOutput: 64000, capabilities: ALL_REASONING, openWeights: false, license: ANTHROPIC_TERMS,
      offers: [
        offer('anthropic', 'claude-sonnet-4-5-20250929', claude(3, 15)),
        offer('bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', claude(3.3, 16.5), NO_SCHEMA),
        offer('openrouter', 'anthropic/claude-sonnet-4.5', claude(3, 15)),
      ],
    },
    {
      id: 'claude-haiku-4-5', name: 'Claude Haiku 4.5', vendor: 'anthropic', aliases: ['anthropic/claude-haiku-4.5', 'claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
      contextWindow: 200000, maxOutput: 64000, capabilities: ALL_REASONING, openWeights: false, license: ANTHROPIC_TERMS,
      offers: [offer('anthropic', 'claude-haiku-4-5-20251001', claude(1, 5)), offer('bedrock', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', claude(1.1, 5.5), NO_SCHEMA)],
    },
    {
      // Retired on Anthropic's own API; still served by Bedrock (and Google Cloud).
      id: 'claude-opus-4-1', name: 'Claude Opus 4.1', vendor: 'anthropic', aliases: ['anthropic/claude-opus-4.1', 'claude-opus-4-1-20250805', 'claude-opus-4.1'],
      contextWindow: 200000, maxOutput: 32000, capabilities: ALL_REASONING, openWeights: false, license: ANTHROPIC_TERMS,
      offers: [offer('bedrock', 'us.anthropic.claude-opus-4-1-20250805-v1:0', claude(15, 75), NO_SCHEMA)],
    },
    {
      id: 'claude-opus-4-5', name: 'Claude Opus 4.5', vendor: 'anthropic', aliases: ['anthropic/claude-opus-4.5', 'claude-opus-4-5-20251101', 'claude-opus-4.5'],
      contextWindow: 200000, maxOutput: 64000, capabilities: ALL_REASONING, openWeights: false, license: ANTHROPIC_TERMS,
      offers: [offer('anthropic', 'claude-opus-4-5-20251101', claude(5, 25)), offer('bedrock', 'us.anthropic.claude-opus-4-5-20251101-v1:0', claude(5.5, 27.5), NO_SCHEMA)],
    },

    // Google. Prices for prompts up to 200k tokens (2.5 Pro doubles its input price above that).
    {
      id: 'gemini-2.5-pro', name: 'Gemini 2.5 Pro', vendor: 'google', aliases: ['google/gemini-2.5-pro'],
      contextWindow: 1048576, maxOutput: 65536, capabilities: ALL_REASONING, openWeights: false, license: GOOGLE_TERMS,
      offers: [offer('gemini', 'gemini-2.5-pro', prices(1.25, 10, 0.125)), offer('vertex', 'gemini-2.5-pro', prices(1.25, 10, 0.125))],
    },
    {
      id: 'gemini-2.5-flash', name: 'Gemini 2.5 Flash', vendor: 'google', aliases: ['google/gemini-2.5-flash'],
      contextWindow: 1048576, maxOutput: 65536, capabilities: ALL_REASONING, openWeights: false, license: GOOGLE_TERMS,
      offers: [offer('gemini', 'gemini-2.5-flash', prices(0.3, 2.5, 0.03)), offer('vertex', 'gemini-2.5-flash', prices(0.3, 2.5, 0.03)), offer('openrouter', 'google/gemini-2.5-flash', prices(0.3, 2.5, 0.03))],
    },
    {
      id: 'gemini-2.5-flash-lite', name: 'Gemini 2.5 Flash-Lite', vendor: 'google', aliases: ['google/gemini-2.5-flash-lite'],
      contextWindow: 1048576, maxOutput: 65536, capabilities: ALL_REASONING, openWeights: false, license: GOOGLE_TERMS,
      offers: [offer('gemini', 'gemini-2.5-flash-lite', prices(0.1, 0.4, 0.01)), offer('vertex', 'gemini-2.5-flash-lite', prices(0.1, 0.4, 0.01))],
    },

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

    // xAI.
    {
      id: 'grok-4', name: 'Grok 4', vendor: 'xai', aliases: ['x-ai/grok-4', 'grok-4-0709'],
      contextWindow: 256000, maxOutput: null, capabilities: ALL_REASONING, openWeights: false, license: XAI_TERMS,
      offers: [offer('xai', 'grok-4-0709', prices(3, 15, 0.75)), offer('openrouter', 'x-ai/grok-4', prices(3, 15, 0.75))],
    },
    {
      id: 'grok-3-mini', name: 'Grok 3 Mini', vendor: 'xai', aliases: ['x-ai/grok-3-mini'],
      contextWindow: 131072, maxOutput: null, capabilities: TEXT_REASONING, openWeights: false, license: XAI_TERMS,
      offers: [offer('xai', 'grok-3-mini', prices(0.3, 0.5, 0.075)), offer('openrouter', 'x-ai/grok-3-mini', prices(0.3, 0.5, 0.075))],
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

    // Perplexity (web-grounded; per-request search fees come on top of these token prices).
    {
      id: 'sonar', name: 'Sonar', vendor: 'perplexity', aliases: ['perplexity/sonar'],
      contextWindow: 127072, maxOutput: null, capabilities: { tools: false, vision: false, jsonSchema: true, reasoning: false }, openWeights: false, license: PERPLEXITY_TERMS,
      offers: [offer('perplexity', 'sonar', prices(1, 1))],
    },
    {
      id: 'sonar-pro', name: 'Sonar Pro', vendor: 'perplexity', aliases: ['perplexity/sonar-pro'],
      contextWindow: 200000, maxOutput: 8000, capabilities: { tools: false, vision: false, jsonSchema: true, reasoning: false }, openWeights: false, license: PERPLEXITY_TERMS,
      offers: [offer('perplexity', 'sonar-pro', prices(3, 15))],
    },
  ],
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
