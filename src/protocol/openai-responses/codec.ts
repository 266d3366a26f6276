// The OpenAI Responses API as both sides of the gateway: clients calling `responses.create` /
// `responses.stream` (Codex-style agents), and OpenAI or Azure `/responses` endpoints as providers.
import type { ProviderCodec, SurfaceCodec } from '../ir.ts';
import { decodeRequest, encodeRequest } from './request.ts';
import { RelayedResponses } from './relayed.ts';
import { decodeResponse, encodeResponse } from './response.ts';
import { ResponsesStreamDecoder } from './stream-decoder.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

export const openAIResponsesCodec: SurfaceCodec & ProviderCodec = {
  format: 'openai-responses',
  decodeRequest,
  encodeResponse,
  createStreamEncoder: (context) => new ResponsesStreamEncoder(context),
  followRelayed: (context) => new RelayedResponses(context),
  encodeRequest,
  decodeResponse,
  createStreamDecoder: () => new ResponsesStreamDecoder(),
};
