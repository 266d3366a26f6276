// Deterministic tool calls and structured replies: values are built from the JSON schema asked for,
// so that a gateway (or a client's parser) can validate them; arguments are streamed in small
// fragments the way providers split argument JSON.
import { isObject } from './values.ts';

export interface ToolCall {
  name: string;
  /** Compact JSON of the arguments, as OpenAI sends them. */
  arguments: string;
  input: Record<string, unknown>;
}

/** A tool the request offers, with its parameters' JSON schema. */
export interface OfferedTool {
  name: string;
  schema: unknown;
}

/**
 * The call to make among the tools offered: the one the `tool` knob names (none when it says
 * `none` or names a tool not offered), else the one the request's tool choice names, else the first.
 * The knob exists for agents such as Claude Code and Codex, which offer many tools on every turn:
 * calling the first one (often a sub-agent) would never end, and a one-shot prompt needs no call.
 */
export function pickToolCall(offered: readonly OfferedTool[], chosen: unknown, knob: string | null): ToolCall | null {
  if (offered.length === 0 || knob === 'none') return null;
  const tool = knob !== null ? offered.find((candidate) => candidate.name === knob) : (offered.find((candidate) => candidate.name === chosen) ?? offered[0]);
  return tool === undefined ? null : toolCall(tool.name, tool.schema);
}

/** A call to `name` with arguments built from the `required` properties of `schema`. */
export function toolCall(name: string, schema: unknown): ToolCall {
  const input = argumentsFromSchema(schema);
  return { name, arguments: JSON.stringify(input), input };
}

/** Pieces of argument JSON, one per streamed delta; they join back to the whole string. */
export function argumentFragments(json: string): string[] {
  const fragments: string[] = [];
  for (let index = 0; index < json.length; index += fragmentLength) fragments.push(json.slice(index, index + fragmentLength));
  return fragments;
}

/** Output tokens a tool call costs: one per streamed argument fragment. */
export function toolCallTokens(call: ToolCall): number {
  return Math.max(1, Math.ceil(call.arguments.length / fragmentLength));
}

const fragmentLength = 8;

/** The JSON text of a structured reply to a request asking for output matching `schema`. */
export function structuredReply(schema: unknown): string {
  return JSON.stringify(valueFromSchema(schema));
}

function argumentsFromSchema(schema: unknown): Record<string, unknown> {
  const value = valueFromSchema(isObject(schema) ? { ...schema, type: 'object' } : { type: 'object' });
  return isObject(value) ? value : {};
}

/** A value of the schema: objects with their required properties, arrays of their minimum length,
 * an enum's or a union's first choice, strings "sim", numbers 1, booleans true. */
function valueFromSchema(schema: unknown, depth = 0): unknown {
  if (!isObject(schema) || depth > 16) return 'sim';
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (union !== null && union.length > 0) return valueFromSchema(union.find((choice) => !(isObject(choice) && choice.type === 'null')) ?? union[0], depth + 1);
  // Google schemas spell types in capitals (STRING) and JSON schema allows ["string", "null"].
  const declared = Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type;
  const type = typeof declared === 'string' ? declared.toLowerCase() : isObject(schema.properties) ? 'object' : '';
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const length = typeof schema.minItems === 'number' ? Math.min(schema.minItems, 8) : 0;
      return Array.from({ length }, () => valueFromSchema(schema.items, depth + 1));
    }
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      const value: Record<string, unknown> = {};
      for (const name of required) if (typeof name === 'string') value[name] = valueFromSchema(properties[name], depth + 1);
      return value;
    }
    default:
      return 'sim';
  }
}
