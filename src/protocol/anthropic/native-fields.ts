// Anthropic fields the IR has no place for (a tool's `input_examples`, a document's `citations`, a
// text block's `citations`) stay attached to the IR object they came with. Decoded from Anthropic
// and encoded back to Anthropic, a request loses nothing; decoded and sent elsewhere, the same
// fields are listed in `extra` under their path (`tools[2].input_examples`) and so get reported.
// A WeakMap rather than a property on the part keeps the IR objects exactly as the contract types
// them, and lets a part that was copied or rebuilt on the way simply come without them.

export interface NativeFields {
  /** Where the fields sat in the client's body (`messages[1].content[0]`). */
  path: string;
  fields: Record<string, unknown>;
}

const fieldsByPart = new WeakMap<object, NativeFields>();

/** Attaches the fields of `source` not named in `known` to `part`, and records them in `extra`. */
export function keepNativeFields(
  part: object,
  source: Record<string, unknown>,
  known: ReadonlySet<string>,
  path: string,
  extra: Record<string, unknown>,
): void {
  const fields: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of Object.entries(source)) {
    // null means "not set" in Anthropic's API; keeping it would only add noise to `dropped`.
    if (known.has(key) || value === null || value === undefined) continue;
    fields[key] = value;
    extra[`${path}.${key}`] = value;
    any = true;
  }
  if (any) fieldsByPart.set(part, { path, fields });
}

export function nativeFieldsOf(part: object): NativeFields | undefined {
  return fieldsByPart.get(part);
}
