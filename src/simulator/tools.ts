// Deterministic tool calls: arguments are built from the tool's JSON schema so that a gateway can
// validate them, and streamed in small fragments the way providers split argument JSON.
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

function argumentsFromSchema(schema: unknown): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (!isObject(schema)) return input;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const name of required) {
    if (typeof name !== 'string') continue;
    input[name] = placeholder(properties[name]);
  }
  return input;
}

function placeholder(property: unknown): unknown {
  if (!isObject(property)) return 'sim';
  if (Array.isArray(property.enum) && property.enum.length > 0) return property.enum[0];
  // Google schemas spell types in capitals (STRING) and JSON schema allows ["string", "null"].
  const declared = Array.isArray(property.type) ? property.type.find((type) => type !== 'null') : property.type;
  switch (typeof declared === 'string' ? declared.toLowerCase() : '') {
    case 'string':
      return 'sim';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    case 'null':
      return null;
    default:
      return 'sim';
  }
}
