// Custom tools (`{"type": "custom"}`): the model writes free-form text for them (a patch, a query,
// a script), optionally held to a grammar, instead of JSON arguments. Only the Responses API has
// them, so the internal form holds one as the function every format can declare: one string
// parameter, `input`, whose description says what the text must be (the grammar, when there is
// one). The definition as the client wrote it rides along (`FunctionTool.freeform`) for a
// Responses provider. A call's arguments are `{"input": <the text>}` whichever provider made it;
// the Responses encoders turn a call of a custom tool back into a `custom_tool_call`.
import { invalidRequest } from '../../errors/gateway-error.ts';
import { isRecord } from '../body-fields.ts';
import type { ChatRequest, FunctionTool } from '../ir.ts';

/** A custom tool's definition as the function other formats are offered. */
export function customTool(definition: Record<string, unknown>, param: string): FunctionTool {
  const { name, description } = definition;
  if (typeof name !== 'string' || name === '') throw invalidRequest(`${param}.name must be a non-empty string`, `${param}.name`);
  if (description !== undefined && description !== null && typeof description !== 'string') throw invalidRequest(`${param}.description must be a string`, `${param}.description`);
  const deferLoading = definition.defer_loading;
  if (deferLoading !== undefined && deferLoading !== null && typeof deferLoading !== 'boolean') throw invalidRequest(`${param}.defer_loading must be a boolean`, `${param}.defer_loading`);
  const input = { type: 'string', description: inputDescription(definition.format, `${param}.format`) };
  const tool: FunctionTool = { type: 'function', name, parameters: { type: 'object', properties: { input }, required: ['input'] }, freeform: definition };
  if (typeof description === 'string') tool.description = description;
  if (typeof deferLoading === 'boolean') tool.deferLoading = deferLoading;
  return tool;
}

const rawText = 'The tool\'s input: free-form text, given to the tool exactly as written.';

/** What the `input` parameter says of the text: the format's grammar, when it has one. */
function inputDescription(format: unknown, param: string): string {
  if (format === undefined || format === null) return rawText;
  if (!isRecord(format)) throw invalidRequest(`${param} must be an object: {"type": "text"} or {"type": "grammar", "syntax": "lark", "definition": "..."}`, param);
  if (format.type === 'text') return rawText;
  if (format.type !== 'grammar') throw invalidRequest(`${param}.type must be text or grammar`, `${param}.type`);
  if (format.syntax !== 'lark' && format.syntax !== 'regex') throw invalidRequest(`${param}.syntax must be lark or regex`, `${param}.syntax`);
  if (typeof format.definition !== 'string' || format.definition === '') throw invalidRequest(`${param}.definition must be a non-empty string: the grammar`, `${param}.definition`);
  const grammar = format.syntax === 'lark' ? 'Lark grammar' : 'regular expression';
  return `${rawText} It must match this ${grammar}:\n${format.definition}`;
}

/** Whether the request declares `name` (inside `namespace`, if given) as a custom tool. */
export function isCustomTool(request: ChatRequest | undefined, name: string, namespace: string | undefined): boolean {
  if (!request) return false;
  return request.tools.some((tool) => tool.type === 'function' && tool.freeform !== undefined && tool.name === name && tool.namespace?.name === namespace);
}

/** A custom tool call's input as the arguments of the internal form. */
export function customCallArguments(input: string): string {
  return JSON.stringify({ input });
}

/** The text of a custom tool's call: its arguments' `input`; a bare JSON string or the arguments
 * themselves from a model that did not keep to the parameter. */
export function customCallInput(argumentsText: string): string {
  let value: unknown;
  try {
    value = JSON.parse(argumentsText);
  } catch {
    return argumentsText;
  }
  if (isRecord(value) && typeof value.input === 'string') return value.input;
  return typeof value === 'string' ? value : argumentsText;
}

/** `{"input":"`: what arguments stream before the text; JSON allows whitespace around each token,
 * that is before the characters at these places. */
const opening = '{"input":"';
const spaceBefore = new Set([0, 1, 8, 9]);
const jsonSpace = new Set([' ', '\t', '\n', '\r']);

/**
 * The text of a custom tool's call as its arguments stream in (`{"input": "*** Begin Patch\n...`):
 * each push gives back the text it completes. A piece may end inside an escape (`\`, `\u00`), or
 * after the first half of a surrogate pair: that tail waits for the next piece. Arguments of
 * another shape give nothing here; the text is read whole once they are complete.
 */
export class CustomInputPieces {
  /** Text given back so far. */
  sent = '';
  private raw = '';
  private state: 'opening' | 'text' | 'other' = 'opening';

  push(piece: string): string {
    if (this.state === 'other') return '';
    this.raw += piece;
    if (this.state === 'opening' && !this.open()) return '';
    // An unfinished escape is at most five characters long, and a high surrogate's escape (six)
    // waits for its pair: one of the last twelve cuts parses. After the closing quote none does, so
    // nothing beyond it is given.
    for (let cut = this.raw.length; cut >= Math.max(0, this.raw.length - 11); cut--) {
      let text: unknown;
      try {
        text = JSON.parse(`"${this.raw.slice(0, cut)}"`);
      } catch {
        continue;
      }
      if (typeof text !== 'string' || isHighSurrogate(text.charCodeAt(text.length - 1))) continue;
      this.raw = this.raw.slice(cut);
      this.sent += text;
      return text;
    }
    return '';
  }

  /** Reads past the opening once it has all arrived; false until then, or if it never will. */
  private open(): boolean {
    let matched = 0;
    let index = 0;
    for (; index < this.raw.length && matched < opening.length; index++) {
      const char = this.raw[index];
      if (jsonSpace.has(char) && spaceBefore.has(matched)) continue;
      if (char !== opening[matched]) {
        this.state = 'other';
        return false;
      }
      matched++;
    }
    if (matched < opening.length) return false;
    this.raw = this.raw.slice(index);
    this.state = 'text';
    return true;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
