// `fusions:` in modelmux.yaml: named fusions are read whole at start, and mistakes name their line.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/load.ts';

function load(text: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'modelmux-fusions-')), 'modelmux.yaml');
  writeFileSync(path, text);
  return loadConfig({ path, env: {} });
}

describe('fusions in modelmux.yaml', () => {
  it('reads named fusions with their fields', () => {
    const config = load(`fusions:
  review:
    description: Three reviewers and a judge
    pool: [gpt-4.1, claude-sonnet-4, gemini-2.5-pro]
    judge: gpt-4.1
    mode: debate
    rounds: 2
    criteria: correctness first
    timeout_ms: 30000
    min_responses: 2
    return_analysis: true
  quick:
    pool: [gpt-4.1-mini, claude-haiku-4]
    judge: gpt-4.1-mini
`);
    assert.deepEqual(config.fusions, [
      {
        name: 'review',
        description: 'Three reviewers and a judge',
        fields: { pool: ['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-pro'], judge: 'gpt-4.1', mode: 'debate', rounds: 2, criteria: 'correctness first', timeoutMs: 30000, minResponses: 2, returnAnalysis: true },
      },
      { name: 'quick', description: null, fields: { pool: ['gpt-4.1-mini', 'claude-haiku-4'], judge: 'gpt-4.1-mini' } },
    ]);
  });

  it('has none when the key is absent', () => {
    assert.deepEqual(load('routing:\n  max_attempts: 3\n').fusions, []);
  });

  const mistakes: [string, RegExp][] = [
    ['fusions:\n  review:\n    pool: [a]\n    judge: b\n', /modelmux\.yaml:3: fusions\.review\.pool: has 1 models; a fusion needs 2 to 8/],
    ['fusions:\n  review:\n    pool: [a, b]\n', /modelmux\.yaml:\d+: fusions\.review\.judge: is required/],
    ['fusions:\n  review:\n    pool: [a, fusion/other]\n    judge: b\n', /fusions\.review\.pool\[1\]: "fusion\/other" is a fusion/],
    ['fusions:\n  review:\n    pool: [a, b]\n    judge: b\n    mode: vote\n', /modelmux\.yaml:5: fusions\.review\.mode: unknown mode "vote"/],
    ['fusions:\n  review:\n    pool: [a, b]\n    judge: b\n    min_responses: 3\n', /min_responses: is 3, more than the 2 models/],
    ['fusions:\n  review:\n    pool: [a, b]\n    judge: b\n    timeout: 5\n', /fusions\.review\.timeout: unknown field "timeout"/],
    ['fusions:\n  "bad name":\n    pool: [a, b]\n    judge: b\n', /fusion name "bad name" may only contain/],
  ];
  for (const [text, message] of mistakes) {
    it(`refuses ${message.source.slice(0, 60)}`, () => {
      assert.throws(() => load(text), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    });
  }
});
