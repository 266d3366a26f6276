// What a provider is, declaratively: where it lives, how it authenticates, which wire formats it
// speaks and what it does differently. One small file per provider under definitions/ holds one of
// these; nothing else in the gateway is specific to a provider.
import type { ProviderQuirks, WireFormat } from '../protocol/ir.ts';

export type AuthScheme =
  /** `authorization: Bearer <key>` (OpenAI and nearly everyone). */
  | 'bearer'
  /** `x-api-key: <key>` (Anthropic). */
  | 'x-api-key'
  /** `api-key: <key>` (Azure OpenAI). */
  | 'api-key'
  /** `x-goog-api-key: <key>` (Google AI Studio). */
  | 'x-goog-api-key'
  /** AWS Signature Version 4 from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY [/ AWS_SESSION_TOKEN], or
   * a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) sent as a bearer token. */
  | 'aws-sigv4'
  /** OAuth access token from a service account (GOOGLE_APPLICATION_CREDENTIALS) or a given token
   * (GOOGLE_VERTEX_ACCESS_TOKEN). */
  | 'google-oauth'
  /** Local servers. */
  | 'none';

export interface ProviderDefinition {
  id: string;
  /** Display name for docs and listings. */
  name: string;
  /** Wire formats the provider speaks natively, preferred first. A client speaking one of them is
   * relayed as is; any other client is translated into the first. */
  formats: WireFormat[];
  /** `${VAR}` and `${VAR:-default}` are filled from the provider's settings (the environment, or
   * `settings:` in modelmux.yaml). */
  baseUrl: string;
  auth: AuthScheme;
  /** Variables that must all be set for the provider to be configured from the environment alone
   * (`A|B`: either). For key-based auth the first one holds the key. Empty for local servers
   * (found by probing their port) and the generic entry (configured in modelmux.yaml). */
  env: string[];
  /** Headers the provider expects on every request. */
  headers?: Record<string, string>;
  /** Client headers passed on by default (e.g. `anthropic-beta`). */
  forwardHeaders?: string[];
  /** False where `GET /models` is missing or useless. */
  listsModels?: boolean;
  quirks?: ProviderQuirks;
  /** Open-weight servers on this machine: probed on this port at start. */
  localPort?: number;
}
