// AWS Signature Version 4 for one request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv4-create-signed-request.html).
// Written for Bedrock, correct for any non-S3 service: the canonical path is the request path
// URI-encoded once more (a model id's `%3A` is signed as `%253A`), which is what S3 alone skips.
//
// `x-amz-content-sha256` is not sent: only S3 requires it, and the payload hash is part of the
// signature either way.
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsSigningInput {
  method: string;
  url: URL;
  /** Headers that will be sent; names in any case. Those a proxy may rewrite are not signed. */
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  credentials: AwsCredentials;
  now?: Date;
}

/** The headers to add to the request: `x-amz-date`, `x-amz-security-token` with temporary
 * credentials, and `authorization`. */
export function signAwsRequest(input: AwsSigningInput): Record<string, string> {
  const timestamp = amzDate(input.now ?? new Date());
  const day = timestamp.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-date': timestamp };
  if (input.credentials.sessionToken) added['x-amz-security-token'] = input.credentials.sessionToken;

  const signed = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) {
    const key = name.toLowerCase();
    if (unsignedHeaders.has(key)) continue;
    signed.set(key, signed.has(key) ? `${signed.get(key)},${canonicalValue(value)}` : canonicalValue(value));
  }
  if (!signed.has('host')) signed.set('host', input.url.host);
  for (const [name, value] of Object.entries(added)) signed.set(name, value);
  const names = [...signed.keys()].sort();

  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath(input.url.pathname),
    canonicalQuery(input.url.search),
    names.map((name) => `${name}:${signed.get(name)}\n`).join(''),
    names.join(';'),
    sha256Hex(input.body),
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', timestamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(input.credentials.secretAccessKey, day, input.region, input.service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  added.authorization = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return added;
}

/** Hop-by-hop and client-identifying headers that intermediaries add or rewrite (the same list the
 * AWS SDK for JavaScript never signs), plus the authorization being computed. */
const unsignedHeaders = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

/** `YYYYMMDD'T'HHMMSS'Z'` */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Values are trimmed and inner runs of spaces collapse to one. */
function canonicalValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * Each segment of the path as it goes on the wire, URI-encoded again. URL has already removed
 * dot segments and percent-encoded what needs it, so the wire form is `pathname`.
 */
function canonicalPath(pathname: string): string {
  if (pathname === '') return '/';
  return pathname.split('/').map(uriEncode).join('/');
}

/** Parameters decoded, then encoded the AWS way and sorted by name, then value. */
function canonicalQuery(search: string): string {
  if (search === '' || search === '?') return '';
  const pairs = search.slice(1).split('&').filter((pair) => pair !== '').map((pair) => {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? '' : pair.slice(equals + 1);
    return [uriEncode(safeDecode(name)), uriEncode(safeDecode(value))] as const;
  });
  pairs.sort(([nameA, valueA], [nameB, valueB]) => (nameA < nameB ? -1 : nameA > nameB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/** RFC 3986 encoding: everything but unreserved characters, hex digits in upper case. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => '%' + character.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const dated = createHmac('sha256', 'AWS4' + secret).update(day).digest();
  const regional = createHmac('sha256', dated).update(region).digest();
  const serviced = createHmac('sha256', regional).update(service).digest();
  return createHmac('sha256', serviced).update('aws4_request').digest();
}
