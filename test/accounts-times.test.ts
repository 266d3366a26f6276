// Times a hostile caller gave the admin and usage APIs: ones no Date can hold, past year 9999, or (for
// a key's expiry) already gone; and a key row that holds such a time anyway, as an older gateway stored it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { databaseFileName } from '../src/store/sqlite.ts';
import { runCommand } from '../src/cli/commands.ts';
import { adminKey, ask, startBillingStack } from './accounts-helpers.ts';
import type { BillingStack } from './accounts-helpers.ts';

type ErrorBody = { error: { code?: string; param?: string; type?: string; message: string }; type?: string };

let stack: BillingStack;
before(async () => {
  stack = await startBillingStack();
});
after(() => stack.close());

/** Runs a CLI command in process, against this stack, with the admin key in its environment. */
async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { log: (text: string) => void (stdout += `${text}\n`), error: (text: string) => void (stderr += `${text}\n`), write: (text: string) => void (stdout += text), env: { MODELMUX_ADMIN_KEY: adminKey } };
  const code = await runCommand([...args, '--url', stack.baseUrl], io);
  return { code, stdout, stderr };
}

function get(path: string, key = adminKey): Promise<Response> {
  return fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
}

async function refusal(response: Response, status: number, param: string): Promise<void> {
  assert.equal(response.status, status, `${response.url}: ${response.status}`);
  const body = (await response.json()) as ErrorBody;
  assert.equal(body.error.param, param, JSON.stringify(body));
}

function keyCount(): number {
  return stack.store.keys({ includeRevoked: true }).length;
}

describe('filters and teams left empty', () => {
  test('an empty key= or team= filter, and an empty team name, are a 400 naming the field', async () => {
    for (const query of ['team=', 'key=', 'team=&group_by=team']) {
      const field = query.slice(0, query.indexOf('='));
      await refusal(await get(`/admin/usage?${query}`), 400, field);
      await refusal(await get(`/admin/ledger?${query}`), 400, field);
    }
    const before = keyCount();
    const created = await stack.admin('POST', '/admin/keys', { team: '' });
    assert.equal(created.status, 400);
    assert.equal((created.body as ErrorBody).error.param, 'team');
    assert.equal(keyCount(), before, 'nothing is stored');
  });
});

describe('times out of range', () => {
  test('usage and ledger ranges no Date can hold, or past year 9999, are a 400 naming the field', async () => {
    const { key } = await stack.createKey();
    for (const query of ['to=9000000000000000', 'from=9000000000000000', 'to=99999999999999999999999', 'to=%2B275760-09-13T00:00:00Z', 'from=10000-01-01', 'to=-1']) {
      const field = query.slice(0, query.indexOf('='));
      await refusal(await get(`/v1/usage?${query}`, key), 400, field);
      await refusal(await get(`/admin/usage?${query}`), 400, field);
      await refusal(await get(`/admin/ledger?${query}`), 400, field);
    }
    const edge = await get('/v1/usage?from=0000-01-01&to=9999-12-31T23:59:59.999Z', key);
    assert.equal(edge.status, 200, 'the years 0000 to 9999 are all usable');
    assert.equal(((await edge.json()) as { to: string }).to, '9999-12-31T23:59:59.999Z');
    const earliest = await get('/v1/usage?to=0000-01-01', key);
    await refusal(earliest, 400, 'from');
    await refusal(await get('/v1/compare/win-rates?to=9000000000000000', key), 400, 'to');
  });

  test('an expiry no Date can hold, in the past or malformed is a 400 naming the field, and nothing is stored', async () => {
    const before = keyCount();
    const future = Date.now() + 86_400_000;
    for (const [body, field] of [
      [{ expires_at: 1e308 }, 'expires_at'],
      [{ expires_at: -1e308 }, 'expires_at'],
      [{ expires_at: 8.64e15 }, 'expires_at'],
      [{ expires_at: '+275760-09-13T00:00:00.000Z' }, 'expires_at'],
      [{ expires_at: '10000-01-01T00:00:00Z' }, 'expires_at'],
      [{ expires_at: future + 0.5 }, 'expires_at'],
      [{ expires_at: Date.now() - 1_000 }, 'expires_at'],
      [{ expires_at: new Date(Date.now() - 1_000).toISOString() }, 'expires_at'],
      [{ expires_in: '0s' }, 'expires_in'],
      [{ expires_in: '-5d' }, 'expires_in'],
    ] as const) {
      const created = await stack.admin('POST', '/admin/keys', body);
      assert.equal(created.status, 400, JSON.stringify(body));
      assert.equal((created.body as ErrorBody).error.param, field, JSON.stringify(created.body));
    }
    assert.equal(keyCount(), before, 'no refused key was stored');
    assert.equal((await stack.admin('GET', '/admin/keys')).status, 200);

    const made = await stack.admin('POST', '/admin/keys', { expires_at: '9999-12-31T23:59:59.999Z' });
    assert.equal(made.status, 201);
    assert.equal(made.body.expires_at, '9999-12-31T23:59:59.999Z');
    const soon = await stack.admin('POST', '/admin/keys', { expires_at: future });
    assert.equal(soon.body.expires_at, new Date(future).toISOString(), 'epoch milliseconds are taken as well');
  });

  test('PATCH checks an expiry the same way and leaves the key as it was', async () => {
    const { id } = await stack.createKey({ expires_in: '30d' });
    const original = await stack.admin('GET', `/admin/keys/${id}`);
    for (const expiry of [1e308, -1, '2001-01-01', 'soon']) {
      const patched = await stack.admin('PATCH', `/admin/keys/${id}`, { expires_at: expiry, name: 'changed' });
      assert.equal(patched.status, 400, String(expiry));
      assert.equal((patched.body as ErrorBody).error.param, 'expires_at');
    }
    const shown = await stack.admin('GET', `/admin/keys/${id}`);
    assert.deepEqual([shown.body.name, shown.body.expires_at], [original.body.name, original.body.expires_at]);
    assert.equal((await stack.admin('GET', '/admin/keys')).status, 200);
  });

  test('a key row holding a time no Date can hold still lists, shows and revokes; its caller gets a 401', async () => {
    const far = await stack.createKey({ name: 'far-future' });
    const past = await stack.createKey({ name: 'far-past' });
    // As an older gateway stored them: straight into the database file.
    const database = new DatabaseSync(join(stack.dataDir, databaseFileName));
    try {
      database.prepare('UPDATE keys SET expires_at = ? WHERE id = ?').run(1e308, far.id);
      database.prepare('UPDATE keys SET expires_at = ?, created_at = ? WHERE id = ?').run(-1e308, 9e15, past.id);
    } finally {
      database.close();
    }
    const listed = await stack.admin('GET', '/admin/keys');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const entries = listed.body.data as { id: string; expires_at: string; created_at: string }[];
    const farEntry = entries.find((entry) => entry.id === far.id)!;
    assert.ok(Date.parse(farEntry.expires_at) > Date.UTC(10_000, 0, 1), `far future reads as far future: ${farEntry.expires_at}`);
    const pastEntry = entries.find((entry) => entry.id === past.id)!;
    assert.ok(Date.parse(pastEntry.expires_at) < 0, `far past reads as past: ${pastEntry.expires_at}`);
    assert.ok(!Number.isNaN(Date.parse(pastEntry.created_at)));
    assert.equal((await stack.admin('GET', '/admin/teams')).status, 200);

    const refused = await stack.call('/v1/chat/completions', past.key, ask);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as ErrorBody).error.code, 'key_expired');

    assert.equal((await stack.admin('GET', `/admin/keys/${far.id}`)).status, 200);
    const renamed = await stack.admin('PATCH', `/admin/keys/${far.id}`, { name: 'renamed' });
    assert.equal(renamed.status, 200, 'a field beside the odd one can still be changed');
    const fixed = await stack.admin('PATCH', `/admin/keys/${far.id}`, { expires_in: '1d' });
    assert.ok(Date.parse(fixed.body.expires_at as string) < Date.now() + 2 * 86_400_000);
    for (const { id } of [far, past]) {
      const revoked = await stack.admin('DELETE', `/admin/keys/${id}`);
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revoked_at);
    }
  });

  test('the CLI gets the gateway\'s 400 for an expiry out of range, and no key is made', async () => {
    const before = keyCount();
    for (const flags of [['--expires-at', '99999-01-01'], ['--expires-at', '2001-01-01'], ['--expires', '0s']]) {
      const result = await cli(['keys', 'create', '--name', 'cli-expiry', ...flags]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /400: `expires_(at|in)`/, result.stderr);
    }
    assert.equal(keyCount(), before);
    const listed = await cli(['keys', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
  });
});
