// The tools of a Responses request into the internal form: function tools, custom tools (as
// functions of one string, see custom-tools.ts), and the members of namespaces each as a tool of
// its own that remembers its namespace, since other formats have flat tool names. OpenAI's hosted
// tools (web search, MCP, ...) stay as they were, for a Responses provider. The tool choice is read
// here too.
import { invalidRequest } from '../../errors/gateway-error.ts';
import { isRecord } from '../body-fields.ts';
import type { FunctionTool, Tool, ToolChoice, ToolNamespace } from '../ir.ts';
import { customTool } from './custom-tools.ts';

/** A list of tool definitions from somewhere other than `tools`, and where it is (`input[0].tools`). */
export interface ToolList {
  tools: unknown[];
  param: string;
}

/** `tools`, then the lists of `additional_tools` input items (Codex's default model declares its
 * tools there), in order: a provider of another format has one list of tools for the request. */
export function decodeTools(value: unknown, additional: ToolList[]): Tool[] {
  if (value !== undefined && value !== null && !Array.isArray(value)) throw invalidRequest('`tools` must be a list of tools', 'tools');
  const tools: Tool[] = [];
  if (Array.isArray(value)) value.forEach((tool: unknown, index) => decodeTool(tool, `tools[${index}]`, tools));
  for (const list of additional) list.tools.forEach((tool: unknown, index) => decodeTool(tool, `${list.param}[${index}]`, tools));
  return tools;
}

function decodeTool(tool: unknown, param: string, tools: Tool[]): void {
  if (!isRecord(tool) || typeof tool.type !== 'string') throw invalidRequest(`${param} must be an object with a \`type\``, param);
  if (tool.type === 'function') tools.push(placed(functionTool(tool, param), param, tools));
  else if (tool.type === 'custom') tools.push(placed(customTool(tool, param), param, tools));
  else if (tool.type === 'namespace') decodeNamespace(tool, param, tools);
  else tools.push(placed({ type: 'native', format: 'openai-responses', definition: tool }, param, tools));
}

/** A namespace's functions and custom tools join the list; anything else it holds stays a
 * namespace of its own, for a Responses provider. */
function decodeNamespace(tool: Record<string, unknown>, param: string, tools: Tool[]): void {
  if (typeof tool.name !== 'string' || tool.name === '') throw invalidRequest(`${param}.name must be a non-empty string`, `${param}.name`);
  if (!Array.isArray(tool.tools)) throw invalidRequest(`${param}.tools must be a list of function and custom tools`, `${param}.tools`);
  const namespace: ToolNamespace = { name: tool.name };
  if (typeof tool.description === 'string' && tool.description !== '') namespace.description = tool.description;
  const others: unknown[] = [];
  tool.tools.forEach((inner: unknown, index) => {
    const innerParam = `${param}.tools[${index}]`;
    if (isRecord(inner) && inner.type === 'function') tools.push(placed({ ...functionTool(inner, innerParam), namespace }, innerParam, tools));
    else if (isRecord(inner) && inner.type === 'custom') tools.push(placed({ ...customTool(inner, innerParam), namespace }, innerParam, tools));
    else others.push(inner);
  });
  if (others.length > 0) tools.push(placed({ type: 'native', format: 'openai-responses', definition: { ...tool, tools: others } }, param, tools));
}

/** A tool about to join `tools`, carrying the place the client gave it where that is not
 * `tools[<its index>]` (a namespace's member, a tool of an input item). */
function placed(tool: Tool, param: string, tools: Tool[]): Tool {
  return param === `tools[${tools.length}]` ? tool : { ...tool, param };
}

function functionTool(tool: Record<string, unknown>, param: string): FunctionTool {
  if (typeof tool.name !== 'string' || tool.name === '') throw invalidRequest(`${param}.name must be a non-empty string`, `${param}.name`);
  if (tool.parameters !== undefined && tool.parameters !== null && !isRecord(tool.parameters)) throw invalidRequest(`${param}.parameters must be a JSON Schema object`, `${param}.parameters`);
  if (tool.description !== undefined && tool.description !== null && typeof tool.description !== 'string') throw invalidRequest(`${param}.description must be a string`, `${param}.description`);
  for (const flag of ['strict', 'defer_loading']) {
    if (tool[flag] !== undefined && tool[flag] !== null && typeof tool[flag] !== 'boolean') throw invalidRequest(`${param}.${flag} must be a boolean`, `${param}.${flag}`);
  }
  const decoded: FunctionTool = { type: 'function', name: tool.name, parameters: isRecord(tool.parameters) ? tool.parameters : { type: 'object', properties: {} } };
  if (typeof tool.description === 'string') decoded.description = tool.description;
  if (typeof tool.strict === 'boolean') decoded.strict = tool.strict;
  if (typeof tool.defer_loading === 'boolean') decoded.deferLoading = tool.defer_loading;
  return decoded;
}

/** The forms every format has; allowed_tools, hosted-tool and MCP choices stay in `extra`. */
export function decodeToolChoice(value: unknown, extra: Record<string, unknown>): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  if (!isRecord(value)) throw invalidRequest('`tool_choice` must be "auto", "none", "required" or an object such as {"type": "function", "name": ...}', 'tool_choice');
  // A custom tool is named the same way; the encoder finds its kind in the tool list.
  if ((value.type === 'function' || value.type === 'custom') && typeof value.name === 'string' && value.name !== '') return { type: 'tool', name: value.name };
  if (typeof value.type !== 'string') throw invalidRequest('`tool_choice.type` must be a string', 'tool_choice.type');
  extra.tool_choice = value;
  return undefined;
}
