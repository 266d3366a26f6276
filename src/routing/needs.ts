// What a request needs from a provider, read from the client's own body: tools, images, a JSON
// schema, room for the prompt plus the answer. The costly readings (walking every message) happen
// only when a filter asks, and once.
import { PromptTokens } from '../protocol/estimate.ts';
import type { TokenizerFamily } from '../protocol/estimate.ts';
import { clientFormats } from '../protocol/formats.ts';
import type { ClientFormat, ClientFormatFacts } from '../protocol/formats.ts';

/** The formats a routed request comes in: a client format, or an embeddings request. */
export type RequestFormat = ClientFormat | 'embeddings';

export interface RouteNeeds {
  /** Estimated prompt tokens, at least what any tokenizer would make of them; read only when a
   * context window is close. */
  readonly promptTokens: number;
  /** Whether the prompt takes at most `room` tokens of `family`'s tokenizer (counted lazily, once). */
  promptFits(family: TokenizerFamily, room: number): boolean;
  /** A cheap upper bound on the prompt tokens (the body's size in bytes). */
  readonly promptTokensAtMost: number;
  maxTokens: number | null;
  tools: boolean;
  jsonSchema: boolean;
  readonly vision: boolean;
  /** The prompt names documents or files by URL or id (see PromptTokens): their size is unknown here. */
  readonly remoteDocuments: boolean;
}

type NeedsFacts = Pick<ClientFormatFacts, 'promptParts' | 'maxOutputTokens' | 'usesTools' | 'wantsJsonSchema' | 'hasImages'>;

export function needsOf(format: RequestFormat, body: Record<string, unknown>, bodyBytes: number): RouteNeeds {
  return new RequestNeeds(format === 'embeddings' ? embeddingsFacts : clientFormats[format], body, bodyBytes);
}

/** A class, not an object literal with getters: a literal's getters go on each object (which V8 then
 * keeps as a dictionary, 470 bytes held for the life of every request, a stream's included). */
class RequestNeeds implements RouteNeeds {
  readonly promptTokensAtMost: number;
  maxTokens: number | null;
  tools: boolean;
  jsonSchema: boolean;
  private readonly facts: NeedsFacts;
  private readonly body: Record<string, unknown>;
  private prompt: PromptTokens | null = null;
  private images: boolean | null = null;

  constructor(facts: NeedsFacts, body: Record<string, unknown>, bodyBytes: number) {
    this.facts = facts;
    this.body = body;
    this.promptTokensAtMost = bodyBytes;
    this.maxTokens = facts.maxOutputTokens(body);
    this.tools = facts.usesTools(body);
    this.jsonSchema = facts.wantsJsonSchema(body);
  }

  get promptTokens(): number {
    return this.promptOf().upperBound;
  }

  promptFits(family: TokenizerFamily, room: number): boolean {
    return this.promptOf().fits(family, room);
  }

  get remoteDocuments(): boolean {
    return this.promptOf().remoteDocuments > 0;
  }

  get vision(): boolean {
    this.images ??= this.facts.hasImages(this.body);
    return this.images;
  }

  private promptOf(): PromptTokens {
    return (this.prompt ??= new PromptTokens(this.facts.promptParts(this.body)));
  }
}

/** Needs stated outright, for a dry run (`GET /v1/route?tools=true&prompt_tokens=...`). */
export function statedNeeds(stated: { promptTokens?: number; maxTokens?: number | null; tools?: boolean; vision?: boolean; jsonSchema?: boolean }): RouteNeeds {
  const promptTokens = stated.promptTokens ?? 0;
  return { promptTokens, promptTokensAtMost: promptTokens, promptFits: (_family, room) => promptTokens <= room, maxTokens: stated.maxTokens ?? null, tools: stated.tools ?? false, jsonSchema: stated.jsonSchema ?? false, vision: stated.vision ?? false, remoteDocuments: false };
}

/** A request that needs nothing in particular: for asking which offers serve a model at all. */
export const noNeeds: RouteNeeds = statedNeeds({});

/** Embeddings are no chat format: their prompt is `input`, and they generate nothing. */
const embeddingsFacts: NeedsFacts = {
  promptParts: (body) => ({ input: body.input }),
  maxOutputTokens: () => null,
  usesTools: () => false,
  wantsJsonSchema: () => false,
  hasImages: () => false,
};
