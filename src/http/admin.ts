// The admin API, behind the admin key: virtual keys (create, list, show, update, revoke), teams, and
// usage for any key or team. A new key's secret is in the creation answer and nowhere else, ever.
import { randomUUID } from 'node:crypto';
import { authenticateAdmin } from '../accounts/auth.ts';
import type { AuthSettings } from '../accounts/auth.ts';
import { keyView, readKeyFields } from '../accounts/key-input.ts';
import { generateKey, hashKey, keyPrefix } from '../accounts/keys.ts';
import type { KeyRecord, Store } from '../store/store.ts';
import { readJsonObject } from './body.ts';
import type { Handler, RequestContext } from './context.ts';
import { GatewayError, methodNotAllowed, notFound } from '../errors/gateway-error.ts';
import { sendJson } from './models.ts';
import { handleAdminUsage, handleLedgerExport, requireStore } from './usage.ts';

export interface AdminDependencies {
  accounts: AuthSettings;
  store: Store | null;
}

/** Admin bodies are small; a larger one is a mistake. */
const adminBodyLimit = 64 * 1024;

export function adminRoutes(dependencies: AdminDependencies): [string, Handler][] {
  const guarded = (handler: (context: RequestContext, store: Store) => void | Promise<void>): Handler => (context) => {
    authenticateAdmin(context.request.headers, dependencies.accounts);
    return handler(context, requireStore(dependencies.store));
  };
  return [
    ['POST /admin/keys', guarded(createKey)],
    ['GET /admin/keys', guarded(listKeys)],
    ['GET /admin/teams', guarded(listTeams)],
    ['GET /admin/usage', guarded((context, store) => handleAdminUsage(context, store))],
    ['GET /admin/ledger', guarded((context, store) => handleLedgerExport(context, store))],
  ];
}

/** `/admin/keys/<id>`: GET shows it with its spend, PATCH changes it, DELETE revokes it. */
export function adminRoute(method: string, path: string, dependencies: AdminDependencies): Handler | null {
  const match = /^\/admin\/keys\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (!match) return null;
  const id = match[1];
  return async (context) => {
    authenticateAdmin(context.request.headers, dependencies.accounts);
    const store = requireStore(dependencies.store);
    const key = store.key(id);
    if (key === null) throw notFound(`there is no key "${id}"`, 'key_not_found');
    if (method === 'GET') return sendJson(context, keyView(key, store.spend(id, Date.now())));
    if (method === 'PATCH') {
      const { body } = await readJsonObject(context, adminBodyLimit);
      const updated = store.updateKey(id, readKeyFields(body, Date.now()));
      return sendJson(context, keyView(updated ?? key, store.spend(id, Date.now())));
    }
    if (method === 'DELETE') {
      store.revokeKey(id, Date.now());
      return sendJson(context, keyView(store.key(id) ?? key));
    }
    throw methodNotAllowed(`Method ${method} is not allowed on ${path}`);
  };
}

async function createKey(context: RequestContext, store: Store): Promise<void> {
  const { body } = await readJsonObject(context, adminBodyLimit);
  const now = Date.now();
  const fields = readKeyFields(body, now);
  const secret = generateKey();
  const record: KeyRecord = {
    id: `key_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
    hash: hashKey(secret),
    prefix: keyPrefix(secret),
    name: null,
    team: null,
    allowedModels: [],
    budget: null,
    creditsUnits: null,
    requestsPerMinute: null,
    tokensPerMinute: null,
    expiresAt: null,
    metadata: {},
    commercialUse: false,
    revokedAt: null,
    ...fields,
    createdAt: now,
  };
  // The only time the secret leaves the gateway. Made before the key is kept, so a key can never be
  // stored without its secret reaching the caller.
  const answer = { ...keyView(record), key: secret };
  store.createKey(record);
  sendJson(context, answer, 201);
}

function listKeys(context: RequestContext, store: Store): void {
  const query = new URL(context.request.url ?? '/', 'http://gateway').searchParams;
  const keys = store.keys({ team: query.get('team') ?? undefined, includeRevoked: query.get('include_revoked') === 'true' });
  sendJson(context, { object: 'list', data: keys.map((key) => keyView(key)) });
}

/** Teams are named on keys; this lists each with its keys, active and revoked. */
function listTeams(context: RequestContext, store: Store): void {
  const teams = new Map<string, { team: string; keys: number; active_keys: number }>();
  for (const key of store.keys({ includeRevoked: true })) {
    const name = key.team ?? '';
    const entry = teams.get(name) ?? { team: name, keys: 0, active_keys: 0 };
    entry.keys++;
    if (key.revokedAt === null) entry.active_keys++;
    teams.set(name, entry);
  }
  sendJson(context, { object: 'list', data: [...teams.values()].map((entry) => ({ ...entry, team: entry.team === '' ? null : entry.team })) });
}
