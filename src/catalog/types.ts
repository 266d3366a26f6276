// What the gateway knows about models and who serves them: one entry per public model, with the
// providers that serve it under their own names and prices. The built-in catalog (builtin.ts) is
// versioned; modelmux.yaml adds to it and overrides it (see catalog.ts).

export interface Capabilities {
  /** Function / tool calling. */
  tools: boolean;
  /** Image input. */
  vision: boolean;
  /** Structured output constrained by a JSON schema. */
  jsonSchema: boolean;
  /** Reasoning (thinking) tokens. */
  reasoning: boolean;
}

export interface License {
  /** SPDX-like short name: `proprietary`, `apache-2.0`, `mit`, `llama-3.3`, `cc-by-nc-4.0`, ... */
  name: string;
  /** Whether commercial use is allowed (under the licence's own conditions). */
  commercial: boolean;
  url?: string;
}

/** How a provider treats prompts and answers. */
export interface DataPolicy {
  /** The provider may train on the data. */
  training: boolean;
  /** Days the provider keeps prompts and answers (0: not kept beyond the request; null: unknown). */
  retentionDays: number | null;
}

/** USD per 1M tokens. */
export interface Prices {
  input: number;
  output: number;
  /** Input tokens read from a prompt cache (null: no discount / unknown). */
  cachedInput: number | null;
  /** Input tokens written to a prompt cache (null: priced as input). */
  cacheWrite: number | null;
}

/** One provider serving one model. */
export interface CatalogOffer {
  /** A provider definition id (`groq`, `together`, ...); it applies to every configured provider of
   * that kind, and to a configured provider with that id. */
  provider: string;
  /** The provider's own name for the model. */
  upstream: string;
  prices: Prices | null;
  /** Where the provider's limits differ from the model's. */
  contextWindow?: number;
  maxOutput?: number;
  /** Where the provider supports less (or more) than the model does. */
  capabilities?: Partial<Capabilities>;
}

export interface CatalogModel {
  /** The public id clients send. */
  id: string;
  /** Display name. */
  name: string;
  /** Who made it: `openai`, `anthropic`, `meta`, `qwen`, ... */
  vendor: string;
  /** Other names that lead to it (OpenRouter's `vendor/model`, Hugging Face repo ids, ...). */
  aliases: string[];
  contextWindow: number | null;
  maxOutput: number | null;
  capabilities: Capabilities;
  openWeights: boolean;
  license: License;
  offers: CatalogOffer[];
}

export interface CatalogData {
  /** Date-stamped: bumped whenever prices or offers change. */
  version: string;
  models: CatalogModel[];
  /** Data policy per provider definition id. */
  dataPolicies: Record<string, DataPolicy>;
}
