// `modelmux usage`: spend and tokens from the running gateway's ledger, grouped as asked, as a
// table or CSV. With the admin key it uses the admin API, so any key or team can be looked at;
// without one it asks GET /v1/usage, which an open gateway answers with everything and a virtual
// key with its own usage.
import { parseArgs } from 'node:util';
import { adminOptionsHelp, dollars, gatewayCall, gatewayUrl, givenAdminKey } from './admin-client.ts';
import type { CommandIo } from './io.ts';
import { processIo } from './io.ts';
import { formatTable } from './table.ts';

const usage = `Usage: modelmux usage [options]

Shows spend and tokens from the gateway's ledger. With an admin key (--admin-key or
MODELMUX_ADMIN_KEY) it reads GET /admin/usage: any key or team. Without one it reads GET /v1/usage:
everything on an open gateway (no admin key configured), or only your own usage with a virtual key
(--api-key or MODELMUX_API_KEY).

Options:
  --by A,B           group by key, team, model, provider, day (default: model)
  --from DATE        start (ISO date or time; default 30 days ago)
  --to DATE          end (default now)
  --key ID           one key only (admin key needed)
  --team NAME        one team only (admin key needed)
  --csv              print CSV (for a spreadsheet) instead of a table
  --ledger           print every ledger row in the range as CSV, the audit export (admin key needed)
${adminOptionsHelp}
  --api-key KEY      without an admin key: a virtual key, whose own usage is shown (env MODELMUX_API_KEY)
  -h, --help         show this help`;

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      by: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      key: { type: 'string' },
      team: { type: 'string' },
      csv: { type: 'boolean' },
      ledger: { type: 'boolean' },
      url: { type: 'string' },
      'admin-key': { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.log(usage);
    return 0;
  }
  const url = gatewayUrl(values, io.env);
  const adminKey = givenAdminKey(values, io.env);
  const needsAdmin = [values.key !== undefined && '--key', values.team !== undefined && '--team', values.ledger && '--ledger'].filter(Boolean);
  if (adminKey === null && needsAdmin.length > 0) {
    throw new Error(`${needsAdmin.join(', ')} need the admin key: set MODELMUX_ADMIN_KEY (the one the gateway was started with) or pass --admin-key`);
  }
  const bearer = adminKey ?? (values['api-key'] || io.env.MODELMUX_API_KEY || null);
  const path = adminKey === null ? '/v1/usage' : '/admin/usage';
  const query = new URLSearchParams();
  for (const name of ['from', 'to', 'key', 'team'] as const) if (values[name]) query.set(name, values[name]);
  if (values.ledger) {
    io.write(await (await gatewayCall(url, bearer, 'GET', `/admin/ledger?${query}`)).text());
    return 0;
  }
  const groupBy = (values.by ?? 'model').split(',').map((name) => name.trim()).filter(Boolean);
  query.set('group_by', groupBy.join(','));
  if (values.csv) {
    query.set('format', 'csv');
    io.write(await (await gatewayCall(url, bearer, 'GET', `${path}?${query}`)).text());
    return 0;
  }
  const result = (await (await gatewayCall(url, bearer, 'GET', `${path}?${query}`)).json()) as { from: string; to: string; totals: Record<string, number>; data: Record<string, unknown>[] };
  const rows = result.data.map((row) => [...groupBy.map((name) => String(row[name] ?? '-')), ...measures(row)]);
  rows.push([...groupBy.map((_name, index) => (index === 0 ? 'total' : '')), ...measures(result.totals)]);
  io.log(`${result.from} to ${result.to}\n`);
  io.log(formatTable([...groupBy, 'requests', 'errors', 'input', 'cached', 'output', 'reasoning', 'cost'], rows));
  return 0;
}

function measures(row: Record<string, unknown>): string[] {
  return [row.requests, row.errors, row.input_tokens, row.cached_input_tokens, row.output_tokens, row.reasoning_tokens].map((value) => String(value ?? 0)).concat(dollars(row.cost_usd));
}
