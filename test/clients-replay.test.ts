// Requests captured from Claude Code and Codex CLI (test/fixtures/clients/, made by
// test/clients/capture.ts), replayed byte for byte, headers included, through the gateway to a
// provider of every wire format: each must get a 200 and a stream its client reads without a
// hitch, a tool call where the capture got one and text after a tool result.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readClientFixtures, secretsIn } from './clients/fixtures.ts';
import type { CapturedRequest, ClientFixture } from './clients/fixtures.ts';
import { readAnthropicStream, readResponsesStream } from './clients/streams.ts';
import type { Reading } from './clients/streams.ts';
import { formatProviders, startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const fixtures = readClientFixtures();
const providers = Object.keys(formatProviders);

/** Known gateway defects, by client turn and provider: the reason, until fixed. None at present. */
function knownDefect(_fixture: ClientFixture, _request: CapturedRequest, _provider: string): string | undefined {
  return undefined;
}

describe('captured agent requests through the gateway', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ everyFormat: true });
  });
  after(() => stack.close());

  test('the fixtures cover both agents, a one-shot prompt and a tool round trip, and hold no secret', () => {
    assert.deepEqual(fixtures.map((fixture) => `${fixture.client} ${fixture.turn} ${fixture.requests.length}`),
      ['claude-code one-shot 1', 'claude-code tool-turn 2', 'codex one-shot 1', 'codex tool-turn 2']);
    assert.deepEqual(secretsIn(JSON.stringify(fixtures)), []);
  });

  test('Codex\'s apply_patch, a custom (grammar) tool, reaches a provider of every format', async () => {
    const fixture = fixtures.find((candidate) => candidate.client === 'codex' && candidate.turn === 'tool-turn');
    assert.ok(fixture);
    const dropped: string[] = [];
    for (const provider of providers) {
      const response = await send(stack, fixture, fixture.requests[0], provider);
      await response.arrayBuffer();
      const names = response.headers.get('x-modelmux-dropped-params')?.split(', ') ?? [];
      if (names.some((name) => name === 'tools[3]' || name.startsWith('tools[3].'))) dropped.push(provider);
    }
    assert.deepEqual(dropped, []);
  });

  test('Codex\'s apply_patch call comes back as a custom_tool_call from every translated provider, and its output is answered', async () => {
    const fixture = fixtures.find((candidate) => candidate.client === 'codex' && candidate.turn === 'tool-turn');
    assert.ok(fixture);
    const [first] = fixture.requests;
    for (const provider of providers.filter((name) => name !== 'responses')) {
      const call = await replay(stack, { ...fixture, simulatorTool: 'apply_patch' }, first, provider);
      // The simulator fills the one string parameter the function has with "sim".
      assert.deepEqual(call.toolCalls, [{ name: 'apply_patch', input: 'sim' }], provider);
      // Codex's next turn sends the call and its output back.
      const body = structuredClone(first.body) as { input: unknown[] };
      body.input.push(
        { type: 'custom_tool_call', id: 'ctc_1', status: 'completed', call_id: 'call_patch', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' },
        { type: 'custom_tool_call_output', call_id: 'call_patch', output: 'Done!' },
      );
      const answer = await replay(stack, fixture, { ...first, body }, provider);
      assert.deepEqual(answer.toolCalls, [], provider);
      assert.match(answer.text, /Simulated reply/, provider);
    }
  });

  for (const fixture of fixtures) {
    fixture.requests.forEach((request, index) => {
      for (const provider of providers) {
        const name = `${fixture.client} ${fixture.version}, ${fixture.turn} request ${index + 1} of ${fixture.requests.length}, to ${provider}/`;
        test(name, { todo: knownDefect(fixture, request, provider) }, async () => {
          const reading = await replay(stack, fixture, request, provider);
          assert.ok(reading.inputTokens > 0 && reading.outputTokens > 0, `usage: ${JSON.stringify(reading)}`);
          if (endsWithToolResult(request.body) || fixture.simulatorTool === 'none') {
            assert.deepEqual(reading.toolCalls, []);
            assert.match(reading.text, /Simulated reply/);
          } else {
            assert.deepEqual(reading.toolCalls.map((call) => call.name), [fixture.simulatorTool]);
          }
        });
      }
    });
  }
});

/** The captured request, headers and all, with its model sent to `provider`. */
function send(stack: Stack, fixture: ClientFixture, request: CapturedRequest, provider: string): Promise<Response> {
  const body = { ...(request.body as Record<string, unknown>) };
  body.model = `${provider}/${String(body.model)}`;
  return fetch(stack.baseUrl + request.path, {
    method: request.method,
    headers: { ...request.headers, 'x-sim-tool': fixture.simulatorTool },
    body: JSON.stringify(body),
  });
}

async function replay(stack: Stack, fixture: ClientFixture, request: CapturedRequest, provider: string): Promise<Reading> {
  const response = await send(stack, fixture, request, provider);
  const text = await response.text();
  assert.equal(response.status, 200, text.slice(0, 800));
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  return fixture.client === 'claude-code' ? readAnthropicStream(text) : readResponsesStream(text);
}

/** The request's last message carries a tool result (Anthropic `tool_result`, Responses `function_call_output`). */
function endsWithToolResult(body: unknown): boolean {
  const { messages, input } = body as { messages?: Array<{ content: unknown }>; input?: Array<{ type?: string }> };
  const last = JSON.stringify(messages?.at(-1)?.content ?? input?.at(-1) ?? null);
  return last.includes('"tool_result"') || last.includes('"function_call_output"');
}
