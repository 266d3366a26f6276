// Error responses in each provider's own body shape, so a gateway's error mapping is tested
// against what the providers really send.
import type { ServerResponse } from 'node:http';

export type WireFormat = 'openai' | 'anthropic' | 'google' | 'bedrock';

/** Sends an error of `status` in the body shape of `format`. */
export function sendError(
  response: ServerResponse,
  format: WireFormat,
  status: number,
  message: string,
  options: { code?: string | null; param?: string | null; retryAfterSeconds?: number } = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const body = errorBody(format, status, message, options);
  const headers: Record<string, string | number> = {
    'content-type': format === 'google' ? 'application/json; charset=UTF-8' : 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  // AWS names the error in a header, not in the body, and sends no retry-after.
  if (format === 'bedrock') headers['x-amzn-errortype'] = `${bedrockErrorType(status)}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
  else if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
  response.writeHead(status, headers);
  response.end(body);
}

/** The error body `format` sends for `status`. */
export function errorBody(
  format: WireFormat,
  status: number,
  message: string,
  options: { code?: string | null; param?: string | null; retryAfterSeconds?: number } = {},
): string {
  if (format === 'anthropic') {
    return JSON.stringify({ type: 'error', error: { type: anthropicType(status), message } });
  }
  if (format === 'bedrock') return JSON.stringify({ message });
  if (format === 'google') {
    const error: Record<string, unknown> = { code: status, message, status: googleStatus(status) };
    if (status === 429) {
      // Google tells clients how long to wait in a RetryInfo detail, not in a header.
      error.details = [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-Simulated' }],
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${options.retryAfterSeconds ?? 1}s` },
      ];
    }
    return JSON.stringify({ error });
  }
  return JSON.stringify({
    error: {
      message,
      type: openaiType(status),
      param: options.param ?? null,
      code: options.code !== undefined ? options.code : openaiCode(status),
    },
  });
}

/** Messages for injected faults, worded like each provider's own. */
export function faultMessage(format: WireFormat, status: number, retryAfterSeconds: number): string {
  if (status === 429) {
    if (format === 'anthropic') return 'This request would exceed the rate limit for your organization (simulated).';
    if (format === 'google') return 'You exceeded your current quota, please check your plan and billing details (simulated).';
    if (format === 'bedrock') return 'Too many requests, please wait before trying again. (simulated)';
    return `Rate limit reached for requests (simulated). Please try again in ${retryAfterSeconds}s.`;
  }
  if (status === 503) {
    if (format === 'anthropic') return 'Overloaded (simulated)';
    if (format === 'google') return 'The model is overloaded. Please try again later. (simulated)';
    if (format === 'bedrock') return 'Bedrock is unable to process your request. (simulated)';
    return 'The server is overloaded or not ready yet (simulated).';
  }
  if (format === 'anthropic') return 'Internal server error (simulated)';
  if (format === 'bedrock') return 'The system encountered an unexpected error during processing. Try your request again. (simulated)';
  if (format === 'google') return 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting (simulated)';
  return 'The server had an error while processing your request. Sorry about that! (simulated)';
}

/** The 400 each provider answers to a body that is not JSON. */
export function malformedBodyMessage(format: WireFormat): string {
  if (format === 'anthropic') return 'There was an error parsing the body of your request: invalid JSON.';
  if (format === 'google') return 'Invalid JSON payload received. Unexpected token.';
  if (format === 'bedrock') return 'Malformed input request, please reformat your input and try again.';
  return "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";
}

/** The format whose error shape fits a path, for routes that do not exist. */
export function formatOfPath(path: string): WireFormat {
  if (path.startsWith('/v1beta/') || path.includes(':generateContent') || path.includes(':streamGenerateContent')) return 'google';
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (path.startsWith('/model/')) return 'bedrock';
  return 'openai';
}

function anthropicType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** The exception Bedrock names in `x-amzn-errortype` for a status. */
function bedrockErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'ValidationException';
    case 403:
      return 'AccessDeniedException';
    case 404:
      return 'ResourceNotFoundException';
    case 408:
      return 'ModelTimeoutException';
    case 424:
      return 'ModelErrorException';
    case 429:
      return 'ThrottlingException';
    case 503:
      return 'ServiceUnavailableException';
    default:
      return 'InternalServerException';
  }
}

function googleStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return 'INTERNAL';
  }
}

function openaiType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function openaiCode(status: number): string | null {
  if (status === 429) return 'rate_limit_exceeded';
  return null;
}
