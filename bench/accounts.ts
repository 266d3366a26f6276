// Accounts: what virtual keys cost a request. Two modelmux processes on the gateway core serve the
// same simulated model: `bare` with no ledger and no keys (--data-dir none, open), `keyed` with keys
// on and a virtual key carrying every limit: a hard budget, credits, requests and tokens per minute,
// an allow-list. A keyed request is authenticated (hash lookup), rate-limited, reserved against its
// budget and credits, and settled with two ledger rows (SQLite, WAL) before its response ends.
// Requests alternate between the two, one at a time on one connection each, so drift on this shared
// machine hits both alike; the added latency is the difference of their percentiles.
// Also a script (`node bench/accounts.ts [--quick]`): this phase alone, on its own simulator.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { runAlone } from './alone.ts';
import type { LatencyFigures } from './chaos.ts';
import { checkAccountsGoals } from './goals.ts';
import type { Plan } from './plan.ts';
import { serveModelmux } from './targets/modelmux.ts';
import { accountsTable, goalLines } from './table.ts';
import type { StartContext } from './targets/target.ts';

export type AccountsResult =
  | {
      available: true;
      requests: number;
      warmups: number;
      bare: LatencyFigures;
      keyed: LatencyFigures;
      addedP50Ms: number;
      addedP99Ms: number;
      /** Ledger rows written by the keyed gateway during the run (attempt + request per call). */
      ledgerRows: number;
      errors: number;
    }
  | { available: false; reason: string };

const adminKey = 'bench-admin-key-0123456789abcdef';

function configYaml(simulatorUrl: string): string {
  return [
    'providers:',
    '  - id: bench',
    '    type: openai-compatible',
    `    base_url: ${simulatorUrl}/v1`,
    '    discover_models: false',
    '    models: [ { id: bench-model, upstream: fast, input_price: 0.05, output_price: 0.08, context_window: 131072 } ]',
    '',
  ].join('\n');
}

function startGateway(context: StartContext, name: string, dataDir: string, environment: Record<string, string>): Promise<{ origin: string; stop(): Promise<void> }> {
  return serveModelmux(context, { name: `modelmux-${name}`, config: configYaml(context.simulatorUrl), logLevel: 'warn', dataDir, environment });
}

export async function measureAccounts(context: StartContext, plan: Plan, say: (line: string) => void): Promise<AccountsResult> {
  const requests = plan.accountsRequests;
  say(`  ${requests.toLocaleString('en')} requests to each gateway, alternating, one at a time (after ${plan.accountsWarmups.toLocaleString('en')} warm-ups)`);
  const bare = await startGateway(context, 'bare', 'none', {});
  const keyed = await startGateway(context, 'keyed', join(context.workDirectory, 'accounts-ledger'), { MODELMUX_ADMIN_KEY: adminKey });
  const pools = { bare: new Pool(bare.origin, { connections: 1 }), keyed: new Pool(keyed.origin, { connections: 1 }) };
  try {
    const created = await pools.keyed.request({
      path: '/admin/keys',
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', team: 'bench', allowed_models: ['bench-*'], budget: { limit_usd: 1_000_000, period: 'month' }, credits_usd: 1_000_000, requests_per_minute: 100_000_000, tokens_per_minute: 1_000_000_000 }),
    });
    const key = ((await created.body.json()) as { key: string }).key;
    const times = { bare: [] as number[], keyed: [] as number[] };
    let errors = 0;
    const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'One sentence about ledgers.' }], max_tokens: 16 });
    const send = async (which: 'bare' | 'keyed', record: boolean): Promise<void> => {
      const started = process.hrtime.bigint();
      const response = await pools[which].request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${which === 'keyed' ? key : 'none'}` }, body });
      await response.body.text();
      const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
      if (response.statusCode !== 200) errors++;
      if (record) times[which].push(milliseconds);
    };
    for (let index = 0; index < plan.accountsWarmups; index++) {
      await send('bare', false);
      await send('keyed', false);
    }
    for (let index = 0; index < requests; index++) {
      // Which goes first alternates too, so neither always follows the other's work.
      const order: ('bare' | 'keyed')[] = index % 2 === 0 ? ['bare', 'keyed'] : ['keyed', 'bare'];
      for (const which of order) await send(which, true);
    }
    const usage = await pools.keyed.request({ path: '/admin/usage', method: 'GET', headers: { authorization: `Bearer ${adminKey}` } });
    const totals = ((await usage.body.json()) as { totals: { requests: number } }).totals;
    const bareFigures = figuresOf(times.bare);
    const keyedFigures = figuresOf(times.keyed);
    const result: AccountsResult = {
      available: true,
      requests,
      warmups: plan.accountsWarmups,
      bare: bareFigures,
      keyed: keyedFigures,
      addedP50Ms: keyedFigures.p50Ms - bareFigures.p50Ms,
      addedP99Ms: keyedFigures.p99Ms - bareFigures.p99Ms,
      ledgerRows: totals.requests * 2,
      errors,
    };
    say(`  keyed p50 ${keyedFigures.p50Ms.toFixed(3)} ms vs bare ${bareFigures.p50Ms.toFixed(3)} ms; ${totals.requests.toLocaleString('en')} requests in the ledger; ${errors} errors`);
    return result;
  } finally {
    await pools.bare.close();
    await pools.keyed.close();
    await bare.stop();
    await keyed.stop();
  }
}

function figuresOf(samples: number[]): LatencyFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (quantile: number): number => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? Number.NaN;
  return { samples: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? Number.NaN };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runAlone('accounts', measureAccounts, (result) => `${accountsTable(result)}\n\n${goalLines(checkAccountsGoals(result))}`);
}
