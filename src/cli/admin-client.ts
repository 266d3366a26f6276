// How `modelmux keys` and `modelmux usage` reach a running gateway: its URL and the admin key, from
// flags or the environment; errors come back as the gateway's own message.

export interface AdminTarget {
  url: string;
  adminKey: string;
}

export const adminOptionsHelp = `  --url URL          gateway to manage (env MODELMUX_URL; default http://127.0.0.1:4000)
  --admin-key KEY    the admin key (env MODELMUX_ADMIN_KEY; prefer the variable: flags show in ps)`;

export function adminTarget(values: { url?: string; 'admin-key'?: string }, env: Record<string, string | undefined>): AdminTarget {
  const adminKey = values['admin-key'] ?? env.MODELMUX_ADMIN_KEY;
  if (!adminKey) throw new Error('no admin key: set MODELMUX_ADMIN_KEY (the one the gateway was started with) or pass --admin-key');
  return { url: (values.url ?? env.MODELMUX_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''), adminKey };
}

/** One admin API call; throws with the gateway's error message on a non-2xx answer. */
export async function adminCall(target: AdminTarget, method: string, path: string, body?: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${target.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(`no gateway answers at ${target.url} (start one with \`modelmux serve\`, or pass --url)`);
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
