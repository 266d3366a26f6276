// What a Responses request refers to instead of sending it: earlier output items by id
// (`{"type": "item_reference", "id": "msg_..."}`, which the ai SDK sends whenever `store` is on) and
// a whole earlier exchange (`previous_response_id`). OpenAI resolves them from what it stored; for
// answers the gateway translated (and so minted the ids of), the gateway resolves them itself from
// its own store (engine/response-items.ts), by writing what they stand for into `input` before the
// request is decoded. What it does not hold stays a reference, refused for a provider of another
// format with the reason.
import { invalidRequest } from '../../errors/gateway-error.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { takeOutAnswered } from './echo.ts';
import { isRecord } from './response.ts';

export interface References {
  /** Ids of the `item_reference`s in `input`, in order. */
  itemIds: string[];
  previousResponseId: string | null;
}

/** The references in a request body; none for the usual request, found without copying. */
export function referencesIn(body: Record<string, unknown>): References {
  const itemIds: string[] = [];
  if (Array.isArray(body.input)) {
    for (const item of body.input) if (isReference(item)) itemIds.push(item.id);
  }
  const previous = body.previous_response_id;
  return { itemIds, previousResponseId: typeof previous === 'string' && previous !== '' ? previous : null };
}

/** The request's own input as a list of items (a string is one user message). */
export function inputItems(input: unknown): unknown[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  return Array.isArray(input) ? input : [];
}

/**
 * Writes into `body` what the gateway holds: each known `item_reference` becomes its item, and a
 * known previous response's conversation (its input and output, and theirs before them) goes
 * before the input, `previous_response_id` then taken out (the answer still repeats it). Returns the request's own input with its
 * references resolved (what a later request continuing this one needs), and roughly how many bytes
 * of JSON were added.
 */
export function expandReferences(body: Record<string, unknown>, items: ReadonlyMap<string, unknown>, conversation: readonly unknown[] | null): { ownInput: unknown[]; addedBytes: number } {
  let addedBytes = 0;
  let ownInput = inputItems(body.input);
  if (items.size > 0) {
    ownInput = ownInput.map((item) => {
      const found = isReference(item) ? items.get(item.id) : undefined;
      if (found === undefined) return item;
      addedBytes += JSON.stringify(found).length;
      return found;
    });
  }
  if (conversation === null) {
    if (items.size > 0) body.input = ownInput;
    return { ownInput, addedBytes };
  }
  addedBytes += JSON.stringify(conversation).length;
  body.input = [...conversation, ...ownInput];
  takeOutAnswered(body, 'previous_response_id');
  return { ownInput, addedBytes };
}

/** A 400 for the first reference still in the body (the gateway does not hold it), or null. */
export function unresolvedReference(body: Record<string, unknown>): GatewayError | null {
  const previous = body.previous_response_id;
  if (typeof previous === 'string' && previous !== '') {
    return invalidRequest(
      `previous_response_id "${previous}" is not held by this gateway: it expired, was stored with \`store: false\`, was made for another caller, or was not made by this gateway. Send the conversation in \`input\` instead.`,
      'previous_response_id',
      'previous_response_not_found',
    );
  }
  if (!Array.isArray(body.input)) return null;
  const index = body.input.findIndex(isReference);
  if (index === -1) return null;
  const id = (body.input[index] as { id: string }).id;
  return invalidRequest(
    `input[${index}] refers to item "${id}", which this gateway does not hold: it expired, was stored with \`store: false\`, was made for another caller, or was not made by this gateway. Send the item itself instead of a reference.`,
    `input[${index}]`,
    'item_not_found',
  );
}

function isReference(item: unknown): item is { type: 'item_reference'; id: string } {
  return isRecord(item) && item.type === 'item_reference' && typeof item.id === 'string' && item.id !== '';
}
