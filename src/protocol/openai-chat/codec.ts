// OpenAI Chat Completions as one codec: the surface Chat clients (the `openai` SDK's
// `chat.completions.create`) speak, and the format of every OpenAI-compatible provider.
import type { ProviderCodec, SurfaceCodec } from '../ir.ts';
import { decodeRequest, encodeRequest } from './request.ts';
import { decodeResponse, encodeResponse } from './response.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { createStreamEncoder } from './stream-encoder.ts';

export const openAIChatCodec: SurfaceCodec & ProviderCodec = {
  format: 'openai-chat',
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  createStreamDecoder,
  createStreamEncoder,
};
