// Google Gemini as a provider format: Google AI Studio and Vertex AI take the same bodies under the
// same paths, so one codec serves both; only the base URL and the auth differ.
import type { ProviderCodec } from '../ir.ts';
import { encodeRequest } from './request.ts';
import { decodeResponse } from './response.ts';
import { createGeminiStreamDecoder } from './stream-decoder.ts';

export const geminiCodec: ProviderCodec = {
  format: 'gemini',
  encodeRequest,
  decodeResponse,
  createStreamDecoder: createGeminiStreamDecoder,
};
