// A fusion answer that is cancelled (its writer gave up on it, or its client left) stops its member and
// judge calls at once, however the cancel came: nothing goes on generating, and billing, for an answer
// nobody will read. The calls it stopped still have their ledger rows, with what they produced.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openAccount } from '../src/accounts/auth.ts';
import type { AnswerSink } from '../src/engine/answer.ts';
import { newCallContext } from '../src/engine/call.ts';
import { startFusionProvider } from './fusion-provider.ts';
import type { FusionProvider } from './fusion-provider.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';
import { until } from './until.ts';

/** A member that writes a long answer a word every 20 ms: seconds of generation. */
const longAnswer = Array.from({ length: 200 }, (_, index) => `word${index}`).join(' ');
const messages = [{ role: 'user', content: 'What is the capital of Australia?' }];

describe('a cancelled fusion', () => {
  let panel: FusionProvider;
  let stack: Stack;
  let dataDir: string;
  before(async () => {
    panel = await startFusionProvider({ trickle: { text: longAnswer, tokenDelayMs: 20 } });
    dataDir = mkdtempSync(join(tmpdir(), 'modelmux-fusion-cancel-'));
    stack = await startStack({ extraProviders: [panel.config('panel', ['trickle', 'judge'])], routing: { maxAttempts: 1 }, dataDir });
  });
  after(async () => {
    await stack.close();
    await panel.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const membersStarted = (since: number): boolean => panel.requests.slice(since).filter((request) => request.model === 'trickle').length === 2;

  test('stops its member calls when its answer is cancelled, and their rows are written', async () => {
    const since = panel.requests.length;
    const abandoned = panel.abandoned.length;
    const parent = newCallContext({ requestId: 'fusion-cancel', headers: {}, account: openAccount, controller: new AbortController(), stream: true, ledger: null });
    const body = { model: 'fusion', messages, stream: true, fusion: { pool: ['trickle', 'trickle'], judge: 'judge', progress: true } };
    const answer = await stack.gateway.runner.answer(parent, { format: 'openai-chat', body, bytes: JSON.stringify(body).length, includeUsage: true, relayBytes: false }, true);
    assert.equal(answer.kind, 'stream');
    if (answer.kind !== 'stream') return;
    const sink: AnswerSink = { piece: () => true, end() {}, fail() {} };
    answer.stream.start(sink);
    await until(() => membersStarted(since), 'both member calls');
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer.stream.cancel();
    await until(() => panel.abandoned.length - abandoned === 2, 'both member calls to stop', 2_000);
    const fusionId = answer.metadata.headers['x-modelmux-fusion-id'];
    const rows = () => stack.gateway.store!.rows({ from: 0, to: Date.now() + 60_000, limit: 1_000 }).filter((row) => row.groupId === fusionId && row.kind === 'request');
    await until(() => rows().length === 2, "the members' rows");
    for (const row of rows()) {
      assert.equal(row.model, 'trickle');
      assert.equal(row.status, 499);
      assert.ok(row.outputTokens > 0, 'billed for what it produced');
    }
    assert.equal(panel.requests.slice(since).some((request) => request.model === 'judge'), false, 'the judge is never asked');
  });

  test('stops its member calls when the client of a streamed fusion goes away', async () => {
    const since = panel.requests.length;
    const abandoned = panel.abandoned.length;
    const controller = new AbortController();
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fusion', messages, stream: true, fusion: { pool: ['trickle', 'trickle'], judge: 'judge', progress: true } }),
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    await until(() => membersStarted(since), 'both member calls');
    controller.abort();
    await until(() => panel.abandoned.length - abandoned === 2, 'both member calls to stop', 2_000);
  });
});
