// Simulator replay: every recording in test/fixtures/recorded comes back byte for byte, whole
// bodies as they are and streams framed the way the provider frames them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { startSimulator } from '../src/simulator/index.ts';
import { json, recorded, simulator, useSimulator } from './simulator-helpers.ts';

useSimulator();

type Family = 'chat' | 'responses' | 'embeddings' | 'anthropic' | 'google';
const families: Record<string, Family> = {
  'openai-chat': 'chat', groq: 'chat', deepseek: 'chat', mistral: 'chat', xai: 'chat', perplexity: 'chat',
  'openai-responses': 'responses', 'openai-embeddings': 'embeddings', anthropic: 'anthropic', google: 'google',
};

const recordings = readdirSync(recorded, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(new URL(`${folder.name}/`, recorded)).map((file) => ({ folder: folder.name, file })))
  .filter(({ file }) => file.endsWith('.json') || file.endsWith('.chunks.txt'));

describe('replay of every recording', () => {
  test('the recordings were found', () => {
    assert.ok(recordings.length >= 40, `only ${recordings.length} recordings found in ${fileURLToPath(recorded)}`);
    for (const { folder } of recordings) assert.ok(folder in families, `no endpoint known for folder ${folder}`);
  });

  for (const { folder, file } of recordings) {
    const family = families[folder];
    const streamed = file.endsWith('.chunks.txt');
    const name = file.slice(0, file.length - (streamed ? '.chunks.txt'.length : '.json'.length));
    const model = `replay:${folder}/${name}`;
    const bytes = readFileSync(new URL(`${folder}/${file}`, recorded));

    test(`${folder}/${file}`, async () => {
      const response = await request(family, model, streamed);
      const received = Buffer.from(await response.arrayBuffer());
      if (!streamed) {
        assert.equal(response.status, expectedStatus(bytes));
        assert.ok(received.equals(bytes), 'the body should be the recording, byte for byte');
        return;
      }
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      const lines = bytes.toString('utf8').split('\n').filter((line) => line !== '');
      assert.equal(received.toString('utf8'), framed(family, lines));
    });
  }
});

describe('replay errors and edges', () => {
  test('a missing recording is a 404 in the endpoint format, naming the file', async () => {
    const openai = await request('chat', 'replay:openai-chat/absent', false);
    assert.equal(openai.status, 404);
    assert.match((await json(openai)).error.message, /openai-chat\/absent\.json/);
    const anthropic = await request('anthropic', 'replay:anthropic/absent', true);
    assert.equal(anthropic.status, 404);
    const body = await json(anthropic);
    assert.equal(body.type, 'error');
    assert.match(body.error.message, /anthropic\/absent\.chunks\.txt/);
  });

  test('a streamed request for a recorded error gets the error', async () => {
    const response = await request('google', 'replay:google/google-429-retry-info', true);
    assert.equal(response.status, 429);
    assert.equal(await response.text(), readFileSync(new URL('google/google-429-retry-info.json', recorded), 'utf8'));
  });

  test('a recording of another format is refused; paths cannot leave the fixtures directory', async () => {
    const wrong = await request('chat', 'replay:anthropic/anthropic-text', false);
    assert.equal(wrong.status, 400);
    await wrong.arrayBuffer();
    const escape = await request('chat', 'replay:../../etc/passwd', false);
    assert.equal(escape.status, 404);
    await escape.arrayBuffer();
  });

  test('the Google model may be URL-encoded in the path', async () => {
    const path = `/v1beta/models/${encodeURIComponent('replay:google/google-text')}:generateContent`;
    const response = await fetch(simulator.url + path, { method: 'POST', body: JSON.stringify({ contents: [] }) });
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(readFileSync(new URL('google/google-text.json', recorded))));
  });

  test('without a fixtures directory replay is a 404 that says so', async () => {
    const bare = await startSimulator();
    try {
      const response = await fetch(bare.url + '/v1/chat/completions', {
        method: 'POST', body: JSON.stringify({ model: 'replay:openai-chat/openai-text', messages: [] }),
      });
      assert.equal(response.status, 404);
      assert.match((await json(response)).error.message, /fixtures directory/);
    } finally {
      await bare.close();
    }
  });
});

function request(family: Family, model: string, streamed: boolean): Promise<Response> {
  const paths: Record<Exclude<Family, 'google'>, string> = {
    chat: '/v1/chat/completions', responses: '/v1/responses', embeddings: '/v1/embeddings', anthropic: '/v1/messages',
  };
  let path: string;
  let body: Record<string, unknown>;
  if (family === 'google') {
    path = `/v1beta/models/${model}:${streamed ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
    body = { contents: [{ role: 'user', parts: [{ text: 'replay' }] }] };
  } else {
    path = paths[family];
    body = { model, stream: streamed, messages: [{ role: 'user', content: 'replay' }], input: 'replay', max_tokens: 100 };
  }
  return fetch(simulator.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The stream a provider sends for the recorded payloads. */
function framed(family: Family, lines: string[]): string {
  if (family === 'chat') return lines.map((line) => `data: ${line}\n\n`).join('') + 'data: [DONE]\n\n';
  if (family === 'google') return lines.map((line) => `data: ${line}\n\n`).join('');
  return lines.map((line) => `event: ${eventName(line)}\ndata: ${line}\n\n`).join('');
}

/** The payload's type; read from the raw text because one recorded line is truncated JSON. */
function eventName(line: string): string {
  const match = /^\{"type":"([^"]+)"/.exec(line);
  assert.ok(match, `no leading type in ${line.slice(0, 60)}`);
  return match[1];
}

/** Recordings keep only bodies; errors come back with the status the provider uses for them. */
function expectedStatus(bytes: Buffer): number {
  const body = JSON.parse(bytes.toString('utf8'));
  if (body.error === undefined || body.error === null) return 200;
  if (typeof body.error.code === 'number') return body.error.code;
  return body.error.type === 'insufficient_quota' ? 429 : 400;
}

