// A provider that refuses a prompt as too long for its context window hands the request on to the
// next candidate, preferably one with a larger window, and takes no blame for it; any other invalid
// request still goes back to the client at once.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import { scripted } from './scripted-provider.ts';
import type { Reply, ScriptedProvider } from './scripted-provider.ts';
import { hello, provider, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const timeouts = { ...defaultTimeouts, firstByteMs: 2_000, idleMs: 2_000 };
const providers: ScriptedProvider[] = [];
after(() => providers.forEach((scriptedProvider) => scriptedProvider.server.close()));

/** The refusals as each provider words them. */
const refusals: Record<string, Reply> = {
  openai: { status: 400, body: { error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9310 tokens. Please reduce the length of the messages.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } },
  anthropic: { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 209353 tokens > 199999 maximum' } } },
  gemini: { status: 400, body: { error: { code: 400, message: 'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } } },
};

async function stackOf(windows: Record<string, { replies: Reply[]; window: number }>): Promise<{ stack: Stack; servers: Record<string, ScriptedProvider> }> {
  const servers: Record<string, ScriptedProvider> = {};
  for (const [id, { replies }] of Object.entries(windows)) {
    servers[id] = await scripted(replies);
    providers.push(servers[id]);
  }
  const stack = await startStack({
    timeouts,
    extraProviders: Object.entries(windows).map(([id, { window }]) => provider(id, servers[id].url, timeouts, [{ id: 'shared', contextWindow: window }])),
  });
  return { stack, servers };
}

async function send(stack: Stack, order: string[]): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'shared', messages: hello, provider: { order } }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('a refusal as too long for the context window', () => {
  for (const [wording, refusal] of Object.entries(refusals)) {
    test(`in ${wording}'s words moves on to the next candidate, with no blame on the provider`, async () => {
      const { stack, servers } = await stackOf({ small: { replies: [refusal], window: 8_192 }, large: { replies: [], window: 131_072 } });
      try {
        const answer = await send(stack, ['small', 'large']);
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.headers.get('x-modelmux-provider'), 'large');
        assert.equal(answer.headers.get('x-modelmux-attempts'), '2');
        assert.equal(servers.small.calls, 1);
        assert.equal(stack.gateway.router.breakers.status('small/shared').state, 'closed');
      } finally {
        await stack.close();
      }
    });
  }

  test('the candidates with a larger window are tried first', async () => {
    const { stack, servers } = await stackOf({
      small: { replies: [refusals.openai], window: 8_192 },
      alike: { replies: [], window: 8_192 },
      large: { replies: [], window: 131_072 },
    });
    try {
      const answer = await send(stack, ['small', 'alike', 'large']);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.headers.get('x-modelmux-provider'), 'large');
      assert.equal(servers.alike.calls, 0, 'a window no larger than the one refused waits its turn');
    } finally {
      await stack.close();
    }
  });

  test('when every candidate refuses, the client gets the refusal, naming each', async () => {
    const { stack } = await stackOf({ small: { replies: [refusals.openai], window: 8_192 }, large: { replies: [refusals.anthropic], window: 131_072 } });
    try {
      const answer = await send(stack, ['small', 'large']);
      assert.equal(answer.status, 400);
      assert.match(answer.text, /no provider could answer after 2 attempts: 1\) .*maximum context length.*; 2\) .*prompt is too long/);
    } finally {
      await stack.close();
    }
  });

  test('any other invalid request is not retried elsewhere', async () => {
    const invalid: Reply = { status: 400, body: { error: { message: "Invalid 'temperature': decimal above maximum value.", type: 'invalid_request_error', param: 'temperature', code: 'decimal_above_max_value' } } };
    const { stack, servers } = await stackOf({ small: { replies: [invalid], window: 8_192 }, large: { replies: [], window: 131_072 } });
    try {
      const answer = await send(stack, ['small', 'large']);
      assert.equal(answer.status, 400);
      assert.equal(servers.large.calls, 0);
    } finally {
      await stack.close();
    }
  });
});
