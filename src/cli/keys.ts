// `modelmux keys create|list|show|update|revoke`: virtual keys, through the running gateway's admin API.
import { parseArgs } from 'node:util';
import { adminCall, adminOptionsHelp, adminTarget, dollars } from './admin-client.ts';
import type { CommandIo } from './io.ts';
import { processIo } from './io.ts';
import { formatTable } from './table.ts';

const usage = `Usage: modelmux keys <create|list|show|update|revoke> [ID] [options]

  create              make a key; its secret is printed once, and never again
  list                the keys (by prefix), with --team T and --all (revoked too)
  show ID             one key, with its spend in the current budget period
  update ID           change the fields given below (--budget none, --rpm none ... clear them)
  revoke ID           the key stops working at once

Key fields (create and update):
  --name TEXT  --team TEXT
  --models A,B        allowed models: names or patterns with * (default: all)
  --budget USD        spending limit, with --period day|month|total (default month)
  --soft              let requests over the budget through, flagged (default: refuse them)
  --credits USD       prepaid balance the key spends down
  --rpm N  --tpm N    requests / tokens per minute
  --expires DURATION  e.g. 30d, 12h (or --expires-at 2027-01-01)
  --commercial        the key's callers use answers commercially (routing honours licences);
                      --no-commercial turns it off
  --meta K=V          metadata, repeatable

Options:
${adminOptionsHelp}
  --json             print the gateway's JSON
  -h, --help         show this help`;

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      url: { type: 'string' },
      'admin-key': { type: 'string' },
      name: { type: 'string' },
      team: { type: 'string' },
      models: { type: 'string' },
      budget: { type: 'string' },
      period: { type: 'string' },
      soft: { type: 'boolean' },
      credits: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      expires: { type: 'string' },
      'expires-at': { type: 'string' },
      commercial: { type: 'boolean' },
      meta: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, id] = positionals;
  if (values.help || action === undefined) {
    io.log(usage);
    return 0;
  }
  const target = adminTarget(values, io.env);
  const print = (value: Record<string, unknown>): number => {
    io.log(values.json ? JSON.stringify(value, null, 2) : describe(value));
    return 0;
  };
  switch (action) {
    case 'create': {
      const created = (await (await adminCall(target, 'POST', '/admin/keys', fields(values))).json()) as Record<string, unknown>;
      if (values.json) return print(created);
      io.log(`${describe(created)}\n\nkey: ${created.key}\nThis is the only time the key is shown: store it now.`);
      return 0;
    }
    case 'list': {
      const query = new URLSearchParams();
      if (values.team) query.set('team', values.team);
      if (values.all) query.set('include_revoked', 'true');
      const listed = (await (await adminCall(target, 'GET', `/admin/keys?${query}`)).json()) as { data: Record<string, unknown>[] };
      if (values.json) return print(listed);
      const rows = listed.data.map((key) => [String(key.id), `${key.prefix}...`, String(key.name ?? ''), String(key.team ?? ''), budgetText(key), key.revoked_at ? 'revoked' : 'active']);
      io.log(rows.length === 0 ? 'No keys yet: modelmux keys create --name NAME' : formatTable(['id', 'key', 'name', 'team', 'budget', 'state'], rows));
      return 0;
    }
    case 'show':
    case 'update':
    case 'revoke': {
      if (!id) throw new Error(`modelmux keys ${action} needs the key's id (see modelmux keys list)`);
      const path = `/admin/keys/${encodeURIComponent(id)}`;
      const method = action === 'show' ? 'GET' : action === 'update' ? 'PATCH' : 'DELETE';
      let body: Record<string, unknown> | undefined;
      if (action === 'update') {
        // A new limit keeps the budget's period and kind unless they are given too.
        const current = values.budget !== undefined && values.budget !== 'none' ? ((await (await adminCall(target, 'GET', path)).json()) as Record<string, unknown>) : null;
        body = fields(values, current?.budget as { period: string; hard: boolean } | null | undefined);
      }
      return print((await (await adminCall(target, method, path, body)).json()) as Record<string, unknown>);
    }
    default:
      throw new Error(`unknown action "${action}"\n\n${usage}`);
  }
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** The admin API's key fields from the flags given; "none" clears a limit. `budget` is the key's
 * current one, whose period and kind a new limit keeps unless given. */
function fields(values: Values, budget: { period: string; hard: boolean } | null = null): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const text = (name: string): string | undefined => values[name] as string | undefined;
  if (text('name') !== undefined) body.name = text('name');
  if (text('team') !== undefined) body.team = text('team');
  if (text('models') !== undefined) body.allowed_models = text('models') === 'all' ? [] : text('models')!.split(',').map((model) => model.trim()).filter(Boolean);
  if (text('budget') !== undefined) {
    body.budget = text('budget') === 'none' ? null : { limit_usd: number(text('budget')!, '--budget'), period: text('period') ?? budget?.period ?? 'month', hard: values.soft === undefined ? (budget?.hard ?? true) : values.soft !== true };
  }
  if (text('credits') !== undefined) body.credits_usd = text('credits') === 'none' ? null : number(text('credits')!, '--credits');
  if (text('rpm') !== undefined) body.requests_per_minute = text('rpm') === 'none' ? null : number(text('rpm')!, '--rpm');
  if (text('tpm') !== undefined) body.tokens_per_minute = text('tpm') === 'none' ? null : number(text('tpm')!, '--tpm');
  if (text('expires') !== undefined) body.expires_in = text('expires') === 'none' ? null : text('expires');
  if (text('expires-at') !== undefined) body.expires_at = text('expires-at');
  if (values.commercial !== undefined) body.commercial_use = values.commercial === true;
  const meta = values.meta as string[] | undefined;
  if (meta) {
    for (const pair of meta) if (pair.indexOf('=') < 1) throw new Error(`--meta takes NAME=VALUE, not "${pair}"`);
    body.metadata = Object.fromEntries(meta.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  }
  return body;
}

function number(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new Error(`${flag} must be a number (or none), not "${value}"`);
  return parsed;
}

function budgetText(key: Record<string, unknown>): string {
  const budget = key.budget as { limit_usd: number; period: string; hard: boolean } | null;
  const parts: string[] = [];
  if (budget) parts.push(`${dollars(budget.limit_usd)}/${budget.period}${budget.hard ? '' : ' (soft)'}`);
  if (typeof key.credits_usd === 'number') parts.push(`${dollars(key.credits_usd)} credits`);
  return parts.join(', ') || '-';
}

function describe(key: Record<string, unknown>): string {
  const spend = key.spend as { spent_usd: number; reserved_usd: number; credits_usd: number | null; resets_at: string | null } | undefined;
  const lines = [
    ['id', key.id],
    ['key', `${key.prefix}...`],
    ['name', key.name],
    ['team', key.team],
    ['models', (key.allowed_models as string[]).length === 0 ? 'all' : (key.allowed_models as string[]).join(', ')],
    ['budget', budgetText(key)],
    ['rate limits', `${key.requests_per_minute ?? '-'} requests/min, ${key.tokens_per_minute ?? '-'} tokens/min`],
    ['expires', key.expires_at ?? 'never'],
    ['commercial use', key.commercial_use ? 'yes' : 'no'],
    ['metadata', Object.entries(key.metadata as Record<string, string>).map(([name, value]) => `${name}=${value}`).join(', ') || '-'],
    ['created', key.created_at],
    ['state', key.revoked_at ? `revoked ${key.revoked_at}` : 'active'],
  ];
  if (spend) lines.push(['spent', `${dollars(spend.spent_usd)} this period, ${dollars(spend.reserved_usd)} in flight${spend.resets_at ? `, resets ${spend.resets_at}` : ''}`]);
  return lines.map(([name, value]) => `${String(name).padEnd(15)}${value ?? '-'}`).join('\n');
}
