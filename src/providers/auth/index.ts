// How a provider proves who is calling: a static header for key-based schemes, or a function run
// per request for schemes that sign the request (AWS SigV4) or use short-lived tokens (Google OAuth).
import { readFileSync } from 'node:fs';
import type { ProviderConfig } from '../config.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { GoogleTokenSource } from './google.ts';
import { signAwsRequest } from './sigv4.ts';

export interface SignableRequest {
  method: string;
  url: URL;
  /** Every header that will be sent, lower-case names (the signature may cover them). */
  headers: Record<string, string>;
  body: string;
}

export type RequestAuthorizer = (request: SignableRequest) => Promise<Record<string, string>>;

export function staticAuthHeaders(config: ProviderConfig): Record<string, string> {
  const key = config.apiKey;
  switch (config.auth) {
    case 'bearer':
      return key ? { authorization: `Bearer ${key}` } : {};
    case 'x-api-key':
      return key ? { 'x-api-key': key } : {};
    case 'api-key':
      return key ? { 'api-key': key } : {};
    case 'x-goog-api-key':
      return key ? { 'x-goog-api-key': key } : {};
    case 'aws-sigv4': {
      // A Bedrock API key replaces signing altogether.
      const token = config.settings.AWS_BEARER_TOKEN_BEDROCK ?? (config.settings.AWS_ACCESS_KEY_ID ? undefined : key ?? undefined);
      return token ? { authorization: `Bearer ${token}` } : {};
    }
    default:
      return {};
  }
}

export function requestAuthorizer(config: ProviderConfig): RequestAuthorizer | null {
  const settings = config.settings;
  if (config.auth === 'aws-sigv4' && settings.AWS_ACCESS_KEY_ID && !settings.AWS_BEARER_TOKEN_BEDROCK) {
    const credentials = { accessKeyId: settings.AWS_ACCESS_KEY_ID, secretAccessKey: settings.AWS_SECRET_ACCESS_KEY ?? '', sessionToken: settings.AWS_SESSION_TOKEN };
    if (!credentials.secretAccessKey) return async () => Promise.reject(authFailure(config, 'AWS_SECRET_ACCESS_KEY is not set'));
    const region = settings.AWS_REGION ?? regionOf(config.baseUrl);
    return async (request) => signAwsRequest({ ...request, region, service: 'bedrock', credentials });
  }
  if (config.auth === 'google-oauth') {
    const source = googleTokenSource(config);
    return async () => ({ authorization: `Bearer ${await source.token()}` });
  }
  return null;
}

function googleTokenSource(config: ProviderConfig): { token(): Promise<string> } {
  const { GOOGLE_VERTEX_ACCESS_TOKEN: accessToken, GOOGLE_APPLICATION_CREDENTIALS: file } = config.settings;
  if (accessToken) return new GoogleTokenSource({ accessToken });
  if (!file) return { token: () => Promise.reject(authFailure(config, 'set GOOGLE_APPLICATION_CREDENTIALS (a service-account JSON file) or GOOGLE_VERTEX_ACCESS_TOKEN')) };
  let credentials: unknown;
  try {
    credentials = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : 'the file is not valid JSON';
    return { token: () => Promise.reject(authFailure(config, `GOOGLE_APPLICATION_CREDENTIALS: ${reason}`)) };
  }
  return new GoogleTokenSource({ serviceAccount: credentials as never });
}

function regionOf(baseUrl: string): string {
  return /bedrock-runtime[.-]([a-z0-9-]+)\./.exec(baseUrl)?.[1] ?? 'us-east-1';
}

function authFailure(config: ProviderConfig, reason: string): GatewayError {
  return new GatewayError(`provider "${config.id}" cannot authenticate: ${reason}`, { status: 502, type: 'upstream_error', code: 'upstream_auth_failed' });
}
