// `modelmux keys` and `modelmux usage` against a running gateway, as an operator uses them: the
// admin key from the environment, a key shown once at creation, tables and CSV out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminKey, ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';
import { cli as runCli } from './cli-io.ts';

let stack: BillingStack;

before(async () => {
  stack = await startBillingStack();
});
after(() => stack.close());

/** Runs the CLI in process against the test gateway, with only the environment given. */
function cli(args: string[], env: Record<string, string> = { MODELMUX_ADMIN_KEY: adminKey }): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli([...args, '--url', stack.baseUrl], env);
}

test('keys create shows the secret once; list, show, update and revoke manage it by id', async () => {
  const created = await cli(['keys', 'create', '--name', 'cli-key', '--team', 'ops', '--budget', '5', '--rpm', '60', '--models', 'test-*', '--meta', 'owner=ana']);
  assert.equal(created.code, 0, created.stderr);
  const secret = /^key: (mmx-\S+)$/m.exec(created.stdout)?.[1];
  assert.ok(secret, created.stdout);
  assert.match(created.stdout, /only time the key is shown/);
  const id = /^id\s+(\S+)$/m.exec(created.stdout)![1];
  assert.equal((await stack.call('/v1/chat/completions', secret, ask)).status, 200);

  const listed = await cli(['keys', 'list', '--team', 'ops']);
  assert.match(listed.stdout, new RegExp(`${id}\\s+${secret.slice(0, 12)}\\.\\.\\.\\s+cli-key\\s+ops\\s+\\$5\\.00/month\\s+active`));
  assert.equal(listed.stdout.includes(secret), false);

  const shown = await cli(['keys', 'show', id]);
  assert.match(shown.stdout, /spent\s+\$0\.\d+ this period/);
  assert.match(shown.stdout, /models\s+test-\*/);
  await cli(['keys', 'update', id, '--budget', '3', '--period', 'day', '--soft']);
  const raised = await cli(['keys', 'update', id, '--budget', '7', '--no-commercial']);
  assert.match(raised.stdout, /budget\s+\$7\.00\/day \(soft\)\n/, 'a new limit keeps the period and kind');
  assert.match(raised.stdout, /commercial use\s+no/);
  const badMeta = await cli(['keys', 'update', id, '--meta', 'owner']);
  assert.match(badMeta.stderr, /--meta takes NAME=VALUE/);
  const updated = await cli(['keys', 'update', id, '--budget', 'none', '--tpm', '1000']);
  assert.match(updated.stdout, /budget\s+-/);
  assert.match(updated.stdout, /1000 tokens\/min/);
  const revoked = await cli(['keys', 'revoke', id]);
  assert.match(revoked.stdout, /state\s+revoked/);
  assert.equal((await stack.call('/v1/chat/completions', secret, ask)).status, 401);
});

test('usage prints a table with totals, CSV, and the ledger export', async () => {
  const { key } = await stack.createKey({ team: 'usage-cli' });
  assert.equal((await stack.call('/v1/chat/completions', key, ask)).status, 200);
  const table = await cli(['usage', '--by', 'team,model', '--team', 'usage-cli']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /usage-cli\s+test-model\s+1\s+0/);
  assert.match(table.stdout, /^total\s/m);
  const csv = await cli(['usage', '--by', 'day', '--csv']);
  assert.match(csv.stdout, /^day,requests,errors,/);
  const ledger = await cli(['usage', '--ledger', '--team', 'usage-cli']);
  assert.equal(ledger.stdout.trim().split('\n').length, 3, 'header, attempt row, request row');
});

test('without the admin key the CLI says how to give it; a wrong one is refused by the gateway', async () => {
  const missing = await cli(['keys', 'list'], {});
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /MODELMUX_ADMIN_KEY/);
  const wrong = await cli(['keys', 'list'], { MODELMUX_ADMIN_KEY: 'not-the-admin-key-at-all' });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /403/);
});
