// The codec for each wire format: surfaces decode clients with them, providers are spoken to with them.
import { anthropicCodec } from './anthropic/codec.ts';
import { bedrockConverseCodec } from './bedrock/codec.ts';
import { geminiCodec } from './gemini/codec.ts';
import type { ClientFormat } from './formats.ts';
import type { ProviderCodec, SurfaceCodec, WireFormat } from './ir.ts';
import { openAIChatCodec } from './openai-chat/codec.ts';
import { openAIResponsesCodec } from './openai-responses/codec.ts';

const providerCodecs: Record<WireFormat, ProviderCodec> = {
  'openai-chat': openAIChatCodec,
  'openai-responses': openAIResponsesCodec,
  anthropic: anthropicCodec,
  gemini: geminiCodec,
  'bedrock-converse': bedrockConverseCodec,
};

export function providerCodec(format: WireFormat): ProviderCodec {
  return providerCodecs[format];
}

export const surfaceCodecs: Readonly<Record<ClientFormat, SurfaceCodec>> = {
  'openai-chat': openAIChatCodec,
  'openai-responses': openAIResponsesCodec,
  anthropic: anthropicCodec,
};
