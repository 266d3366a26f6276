// AWS Bedrock's Converse API as a provider format. Provider side only: no client speaks Converse
// to the gateway. Auth (SigV4 or a Bedrock API key) is added by the provider, not here.
import type { ProviderCodec } from '../ir.ts';
import { encodeRequest } from './request.ts';
import { decodeResponse } from './response.ts';
import { createStreamDecoder } from './stream-decoder.ts';

export const bedrockConverseCodec: ProviderCodec = {
  format: 'bedrock-converse',
  encodeRequest,
  decodeResponse,
  createStreamDecoder,
};
