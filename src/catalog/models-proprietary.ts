// Proprietary models in the built-in catalog, served by their makers' APIs and the clouds that resell
// them (OpenAI, Anthropic, Google, xAI, Perplexity). See builtin.ts for the version rule.
import type { CatalogModel } from './types.ts';
import { ALL, ALL_REASONING, ANTHROPIC_TERMS, GOOGLE_TERMS, NO_SCHEMA, OPENAI_TERMS, PERPLEXITY_TERMS, TEXT_REASONING, XAI_TERMS, claude, license, offer, prices } from './entries.ts';

export const proprietaryModels: CatalogModel[] = [
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
];
