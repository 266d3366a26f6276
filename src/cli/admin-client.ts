// How `modelmux keys` and `modelmux usage` reach a running gateway: its URL and the admin key (or,
// for the caller's own usage, a virtual key or none), from flags or the environment; errors come back
// as the gateway's own message.

export interface AdminTarget {
  url: string;
  adminKey: string;
}

export const adminOptionsHelp = `  --url URL          gateway to manage (env MODELMUX_URL; default http://127.0.0.1:4000)
  --admin-key KEY    the admin key (env MODELMUX_ADMIN_KEY; prefer the variable: flags show in ps)`;

export function adminTarget(values: { url?: string; 'admin-key'?: string }, env: Record<string, string | undefined>): AdminTarget {
  const adminKey = givenAdminKey(values, env);
  if (adminKey === null) throw new Error('no admin key: set MODELMUX_ADMIN_KEY (the one the gateway was started with) or pass --admin-key');
  return { url: gatewayUrl(values, env), adminKey };
}

/** The admin key from the flag or the environment; null when neither gives one. */
export function givenAdminKey(values: { 'admin-key'?: string }, env: Record<string, string | undefined>): string | null {
  return values['admin-key'] || env.MODELMUX_ADMIN_KEY || null;
}

export function gatewayUrl(values: { url?: string }, env: Record<string, string | undefined>): string {
  return (values.url ?? env.MODELMUX_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
}

/** One admin API call; throws with the gateway's error message on a non-2xx answer. */
export function adminCall(target: AdminTarget, method: string, path: string, body?: unknown): Promise<Response> {
  return gatewayCall(target.url, target.adminKey, method, path, body);
}

/** One call with `bearer` as the key (none on an open gateway); throws as adminCall does. */
export async function gatewayCall(url: string, bearer: string | null, method: string, path: string, body?: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(`no gateway answers at ${url} (start one with \`modelmux serve\`, or pass --url)`);
  }
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // Not JSON: the text as it came.
    }
    throw new Error(`${response.status}: ${message}`);
  }
  return response;
}

export function dollars(value: unknown): string {
  return typeof value === 'number' ? `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 6 : 2)}` : '-';
}
