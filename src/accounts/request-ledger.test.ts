import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Usage } from '../protocol/ir.ts';
import type { ModelTarget } from '../routing/catalog.ts';
import { checkRow } from '../store/ledger-values.ts';
import type { RateLimiter } from './rate-limit.ts';
import { RequestLedger } from './request-ledger.ts';

const target = { publicId: 'm', upstreamModel: 'm-upstream', provider: { id: 'p' }, offer: { prices: { input: 1, output: 2, cachedInput: null, cacheWrite: null } } } as unknown as ModelTarget;
const limiter = { correct() {} } as unknown as RateLimiter;

function usage(inputTokens: number, outputTokens: number): Usage {
  return { inputTokens, outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}

/** The rows of a request of `attempts` attempts, each ending with `outcome`. */
function rowsOf(attempts: number, outcome: { usage: Usage; complete: boolean; events: number }) {
  const ledger = new RequestLedger({ limiter, now: () => 1_000 }, { key: null, admin: false }, 'req-1', null);
  const ended = { status: 200, errorClass: null, usage: outcome.usage, ttftMs: 1, streamed: { events: outcome.events, characters: 0 }, complete: outcome.complete };
  for (let number = 1; number < attempts; number++) {
    ledger.beginAttempt(target, number);
    ledger.endAttempt(ended);
  }
  ledger.beginAttempt(target, attempts);
  return ledger.finish(ended, 'm', 'p')!.rows;
}

describe('request ledger rows a provider cannot make unwritable', () => {
  test('a stream cut short after an early usage report with a fractional count bills whole tokens', () => {
    // Anthropic-style: the output count comes early (message_start), then one token, then the break.
    const rows = rowsOf(1, { usage: usage(3, 1.5), complete: false, events: 1 });
    for (const row of rows) assert.doesNotThrow(() => checkRow(row), JSON.stringify(row));
    assert.equal(rows[0].outputTokens, 2);
  });

  test('absurd counts are kept within what the ledger can add up, over as many attempts as routing allows', () => {
    const rows = rowsOf(100, { usage: usage(1e300, 1e300), complete: true, events: 0 });
    for (const row of rows) assert.doesNotThrow(() => checkRow(row), JSON.stringify(row));
    const request = rows.find((row) => row.kind === 'request')!;
    assert.equal(request.outputTokens, 1e14);
    assert.ok(request.costUnits > 0);
  });
});
