// The gateway's store of the Responses items it minted. A Responses client answered by a provider of
// another format gets ids the gateway made up (`resp_`, `msg_`, `fc_`, `rs_`); clients that keep
// `store` on (the ai SDK by default) then refer to those ids (`item_reference`, and
// `previous_response_id`) instead of sending the items again, as OpenAI would let them. So each such
// answer is kept: its output items by id, and with its own input for a later request that continues
// it. Entries are scoped to the caller (its virtual key, or on an open gateway a hash of its
// credentials), so no caller can read another's. The store is behind a small asynchronous interface
// so that a shared one (Redis, PostgreSQL) can replace the in-memory one (response-items-memory.ts).
import { createHash } from 'node:crypto';
import { presentedKey } from '../accounts/keys.ts';
import { expandReferences, inputItems, referencesIn } from '../protocol/openai-responses/references.ts';
import type { CallContext } from './call.ts';

/** One answer as kept. */
export interface StoredResponse {
  id: string;
  /** The response it continued (`previous_response_id`), or null. */
  previousId: string | null;
  /** The request's own input items, references resolved. */
  input: unknown[];
  output: Record<string, unknown>[];
}

export interface ResponseItemStore {
  keep(scope: string, response: StoredResponse): Promise<void>;
  /** The output items of kept responses, by id; ids not held are left out. */
  items(scope: string, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  /** The whole conversation up to and including response `id`: every input and output, oldest
   * first; null when it, or a response it continued, is not held. */
  conversation(scope: string, id: string): Promise<unknown[] | null>;
}

/** What one Responses request needs from the store. */
export interface ResponseItemsOfRequest {
  /** Bytes of JSON the resolved references added to the body (the prompt grew by as much). */
  addedBytes: number;
  /** Keeps the answer, given as the client's `response` object; null: nothing is kept
   * (`store: false`). */
  keep: ((response: Record<string, unknown>) => void) | null;
}

/**
 * Resolves the body's references to items and responses this caller kept (writing them into the
 * body, see references.ts), and says how to keep the answer. A request without references costs no
 * call to the store.
 */
export async function resolveResponseItems(store: ResponseItemStore, context: CallContext, body: Record<string, unknown>, onError: (error: unknown) => void): Promise<ResponseItemsOfRequest> {
  const scope = callerScope(context);
  const { itemIds, previousResponseId } = referencesIn(body);
  let ownInput = inputItems(body.input);
  let addedBytes = 0;
  let previousId: string | null = null;
  if (itemIds.length > 0 || previousResponseId !== null) {
    const [items, conversation] = await Promise.all([
      itemIds.length > 0 ? store.items(scope, itemIds) : new Map<string, Record<string, unknown>>(),
      previousResponseId !== null ? store.conversation(scope, previousResponseId) : null,
    ]);
    ({ ownInput, addedBytes } = expandReferences(body, items, conversation));
    if (conversation !== null) previousId = previousResponseId;
  }
  if (body.store === false) return { addedBytes, keep: null };
  const keep = (response: Record<string, unknown>): void => {
    if (typeof response.id !== 'string' || !Array.isArray(response.output) || response.status === 'failed') return;
    store.keep(scope, { id: response.id, previousId, input: ownInput, output: response.output as Record<string, unknown>[] }).catch(onError);
  };
  return { addedBytes, keep };
}

/** Whose items these are: the virtual key, the admin, or (on an open gateway, where any credential
 * is accepted) a hash of the credential the caller presented. */
export function callerScope(context: CallContext): string {
  const { account } = context;
  if (account.key !== null) return `key:${account.key.id}`;
  if (account.admin) return 'admin';
  const presented = presentedKey(context.headers);
  return presented === null ? 'open' : `open:${createHash('sha256').update(presented).digest('hex').slice(0, 32)}`;
}
