// Anthropic Messages, both as the format clients speak (the Anthropic SDK, Claude Code) and as the
// format of Anthropic's API.
import type { ProviderCodec, SurfaceCodec } from '../ir.ts';
import { decodeRequest, encodeRequest } from './request.ts';
import { decodeResponse, encodeResponse } from './response.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { createStreamEncoder } from './stream-encoder.ts';

export const anthropicCodec: SurfaceCodec & ProviderCodec = {
  format: 'anthropic',
  decodeRequest,
  encodeRequest,
  encodeResponse,
  createStreamEncoder,
  decodeResponse,
  createStreamDecoder,
};
