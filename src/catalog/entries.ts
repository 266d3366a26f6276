// The vocabulary of the built-in catalog's entries: price and offer builders, capability sets and
// licences, so that each model in models-*.ts reads as one short entry.
import type { Capabilities, CatalogOffer, License, Prices } from './types.ts';

export const prices = (input: number, output: number, cachedInput: number | null = null, cacheWrite: number | null = null): Prices => ({ input, output, cachedInput, cacheWrite });
export const round = (value: number): number => Math.round(value * 1e6) / 1e6;
/** Anthropic's prompt cache: reads at 0.1x input, 5-minute writes at 1.25x. */
export const claude = (input: number, output: number): Prices => prices(input, output, round(input * 0.1), round(input * 1.25));
export const offer = (provider: string, upstream: string, price: Prices | null, extra: Omit<CatalogOffer, 'provider' | 'upstream' | 'prices'> = {}): CatalogOffer => ({ provider, upstream, prices: price, ...extra });

export const ALL: Capabilities = { tools: true, vision: true, jsonSchema: true, reasoning: false };
export const ALL_REASONING: Capabilities = { ...ALL, reasoning: true };
export const TEXT: Capabilities = { tools: true, vision: false, jsonSchema: true, reasoning: false };
export const TEXT_REASONING: Capabilities = { ...TEXT, reasoning: true };
/** Bedrock's Converse API drops `response_format` (see docs/providers.md). */
export const NO_SCHEMA = { capabilities: { jsonSchema: false } };

export const license = (name: string, commercial: boolean, url: string): License => ({ name, commercial, url });
export const PROPRIETARY = (url: string): License => license('proprietary', true, url);
export const APACHE = license('apache-2.0', true, 'https://www.apache.org/licenses/LICENSE-2.0');
export const MIT = license('mit', true, 'https://opensource.org/license/mit');
export const LLAMA_31 = license('llama-3.1', true, 'https://www.llama.com/llama3_1/license/');
export const LLAMA_33 = license('llama-3.3', true, 'https://www.llama.com/llama3_3/license/');
export const LLAMA_4 = license('llama-4', true, 'https://www.llama.com/llama4/license/');
export const QWEN = license('qwen', true, 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE');
export const KIMI = license('modified-mit', true, 'https://huggingface.co/moonshotai/Kimi-K2-Instruct-0905/blob/main/LICENSE');
/** Cohere's open weights: research and non-commercial use only (commercial use goes through Cohere's API terms). */
export const CC_BY_NC = license('cc-by-nc-4.0', false, 'https://creativecommons.org/licenses/by-nc/4.0/');
export const OPENAI_TERMS = PROPRIETARY('https://openai.com/policies/services-agreement/');
export const ANTHROPIC_TERMS = PROPRIETARY('https://www.anthropic.com/legal/commercial-terms');
export const GOOGLE_TERMS = PROPRIETARY('https://ai.google.dev/gemini-api/terms');
export const XAI_TERMS = PROPRIETARY('https://x.ai/legal/terms-of-service-enterprise');
export const MISTRAL_TERMS = PROPRIETARY('https://mistral.ai/terms');
export const PERPLEXITY_TERMS = PROPRIETARY('https://www.perplexity.ai/hub/legal/perplexity-api-terms-of-service');
