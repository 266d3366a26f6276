// Gemini 3 can stream one function call's arguments in pieces (`streamFunctionCallArguments` on
// Vertex AI): each piece is a `partialArg` naming a JSON path (`$.recipe.ingredients[0].name`) and a
// typed value, strings arriving in several pieces (`willContinue`). Other formats stream arguments
// as JSON text, so the writer turns the pieces into that text as they come. A model writes its
// arguments front to back, so the paths arrive in document order; a piece that would go back into
// what is already written cannot be streamed as text, and is refused.

/** A member name or an array index. */
type Segment = string | number;

interface Frame {
  kind: 'object' | 'array';
  /** Where the container sits in its parent (null for the root object). */
  key: Segment | null;
  /** Members (or elements) written so far. */
  count: number;
  names: Set<string>;
}

export class PartialArgsError extends Error {}

export class PartialArgsWriter {
  private frames: Frame[] = [];
  /** The path of a string whose pieces are still coming. */
  private openString: string | null = null;

  /** The JSON text one partial arg adds; '' for one that carries no value. */
  push(arg: Record<string, unknown>): string {
    if (typeof arg.jsonPath !== 'string') throw new PartialArgsError('a partialArg has no jsonPath');
    const path = parsePath(arg.jsonPath);
    let text = '';
    if (this.openString !== null) {
      if (this.openString === arg.jsonPath && typeof arg.stringValue === 'string') return this.stringPiece(arg.stringValue, arg.willContinue === true);
      text += '"';
      this.openString = null;
    }
    if (typeof arg.stringValue === 'string') {
      text += this.member(path) + '"';
      this.openString = arg.jsonPath;
      return text + this.stringPiece(arg.stringValue, arg.willContinue === true);
    }
    const value = scalar(arg);
    return value === null ? text : text + this.member(path) + value;
  }

  /** A whole value at a path (the `args` a call may start with). */
  pushValue(name: string, value: unknown): string {
    const closing = this.openString === null ? '' : '"';
    this.openString = null;
    return closing + this.member([name]) + (JSON.stringify(value) ?? 'null');
  }

  /** Closes what is open; "{}" when nothing came. */
  end(): string {
    let text = this.frames.length === 0 ? '{' : '';
    if (this.openString !== null) text += '"';
    this.openString = null;
    if (this.frames.length === 0) return `${text}}`;
    while (this.frames.length > 0) text += this.frames.pop()?.kind === 'array' ? ']' : '}';
    return text;
  }

  private stringPiece(piece: string, continues: boolean): string {
    const escaped = JSON.stringify(piece).slice(1, -1);
    if (continues) return escaped;
    this.openString = null;
    return `${escaped}"`;
  }

  /** Closes the containers the path leaves, opens those it enters, and writes its member name. */
  private member(path: Segment[]): string {
    if (path.length === 0) throw new PartialArgsError('a partialArg sets the whole arguments object');
    let text = '';
    if (this.frames.length === 0) {
      this.frames.push({ kind: 'object', key: null, count: 0, names: new Set() });
      text += '{';
    }
    // Frames still open that are ancestors of this path stay; the others are complete.
    let kept = 1;
    while (kept < this.frames.length && kept < path.length && this.frames[kept].key === path[kept - 1]) kept++;
    while (this.frames.length > kept) text += this.frames.pop()?.kind === 'array' ? ']' : '}';
    for (let depth = kept - 1; depth < path.length; depth++) {
      text += this.child(this.frames[this.frames.length - 1], path[depth]);
      if (depth === path.length - 1) break;
      const kind = typeof path[depth + 1] === 'number' ? 'array' : 'object';
      this.frames.push({ kind, key: path[depth], count: 0, names: new Set() });
      text += kind === 'array' ? '[' : '{';
    }
    return text;
  }

  /** The separator and name that start a new member or element of `frame`. */
  private child(frame: Frame, segment: Segment): string {
    if (frame.kind === 'object') {
      if (typeof segment !== 'string' || frame.names.has(segment)) throw new PartialArgsError(`the arguments went back to ${JSON.stringify(segment)}, already written`);
      frame.names.add(segment);
      return `${frame.count++ > 0 ? ',' : ''}${JSON.stringify(segment)}:`;
    }
    if (typeof segment !== 'number' || segment < frame.count) throw new PartialArgsError(`the arguments went back to element ${String(segment)}, already written`);
    // Elements skipped over are null, so the indexes still hold.
    let text = '';
    while (frame.count < segment) text += `${frame.count++ > 0 ? ',' : ''}null`;
    return text + (frame.count++ > 0 ? ',' : '');
  }
}

function scalar(arg: Record<string, unknown>): string | null {
  if (typeof arg.numberValue === 'number') return Number.isFinite(arg.numberValue) ? String(arg.numberValue) : 'null';
  if (typeof arg.boolValue === 'boolean') return String(arg.boolValue);
  if (arg.nullValue !== undefined) return 'null';
  return null;
}

/** `$.a.b[0]['c d']` into its segments. */
export function parsePath(path: string): Segment[] {
  if (!path.startsWith('$')) throw new PartialArgsError(`jsonPath ${JSON.stringify(path)} does not start at $`);
  const segments: Segment[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) throw new PartialArgsError(`jsonPath ${JSON.stringify(path)} cannot be read`);
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push((match[3] ?? match[4]).replace(/\\(.)/g, '$1'));
  }
  return segments;
}
