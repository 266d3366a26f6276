// Which provider refusals say the prompt is too long for the model's window, in each provider's words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../errors/gateway-error.ts';
import { isContextLengthError } from './context-length.ts';

const upstream = (status: number, message: string, code: string | null = null, type = 'invalid_request_error'): GatewayError =>
  new GatewayError(`provider "p" returned ${status}: ${message}`, { status, type, code, fromUpstream: true });

test('the refusals of each provider are recognised', () => {
  const refusals = [
    upstream(400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 204308 tokens.", 'context_length_exceeded'),
    upstream(400, 'Your input exceeds the context window of this model. Please adjust your input and try again.', 'context_length_exceeded'),
    upstream(400, 'Please reduce the length of the messages or completion.', 'context_length_exceeded'),
    upstream(400, 'prompt is too long: 209353 tokens > 199999 maximum'),
    upstream(400, 'input length and `max_tokens` exceed context limit: 189136 + 20000 > 204648, decrease input length or `max_tokens` and try again'),
    upstream(400, 'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).', 'INVALID_ARGUMENT'),
    upstream(400, 'Input is too long for requested model.', 'ValidationException'),
    upstream(400, 'the request exceeds the available context size, try increasing it', null, 'exceed_context_size_error'),
    upstream(422, 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 65537. Given: 79993 `inputs` tokens and 1024 `max_new_tokens`'),
    upstream(400, "This endpoint's maximum context length is 32768 tokens. However, you requested about 42832 tokens."),
  ];
  for (const error of refusals) assert.equal(isContextLengthError(error), true, error.message);
});

test('other refusals, and the gateway\'s own errors, are not', () => {
  const others = [
    upstream(400, "Invalid 'temperature': decimal above maximum value.", 'decimal_above_max_value'),
    upstream(400, 'max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens for claude-3-5-sonnet-20240620'),
    upstream(429, 'Rate limit reached: maximum context length of requests per minute', 'rate_limit_exceeded', 'rate_limit_error'),
    upstream(413, 'Request exceeds the maximum allowed number of bytes.', null, 'request_too_large'),
    new GatewayError("This model's maximum context length is 10 tokens", { status: 400, type: 'invalid_request_error' }),
  ];
  for (const error of others) assert.equal(isContextLengthError(error), false, error.message);
});
