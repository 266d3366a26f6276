// What every provider codec does alike with tools whose meaning only some formats can state:
// deferred tools (Anthropic's and OpenAI's tool search), Responses namespaces (tool names are flat
// everywhere else) and tool references in results (Anthropic's `tool_reference`).
import type { ChatRequest, FunctionTool, Message, TextPart, Tool, ToolReferencePart, ToolResultPart, WireFormat } from './ir.ts';

export interface OfferedTool {
  tool: Tool;
  /** Where the client declared it, for `dropped` (`tools[2]`, `tools[0].tools[1]`). */
  param: string;
}

/**
 * The tools a provider of `format` is offered. A provider of the client's own format searches for
 * deferred tools itself and gets them all. Any other has no tool search: a deferred tool is offered
 * only once the conversation has loaded it (a tool reference in a result), called it, or forced it
 * in `tool_choice`, since the model must not see it before; until then it is left out. Every
 * deferred tool's flag is named in `dropped` (`tools[i].defer_loading`): the provider never sees it,
 * and the gateway stands in for the search as described in docs/translation.md.
 */
export function offeredTools(request: ChatRequest, format: WireFormat, drop: (name: string) => void): OfferedTool[] {
  const offered = request.tools.map((tool, index) => ({ tool, param: tool.param ?? `tools[${index}]` }));
  if (request.source === format || !offered.some(({ tool }) => tool.type === 'function' && tool.deferLoading === true)) return offered;
  const loaded = loadedToolNames(request);
  return offered.filter(({ tool, param }) => {
    if (tool.type !== 'function' || tool.deferLoading !== true) return true;
    drop(`${param}.defer_loading`);
    return loaded.has(wireToolName(tool.name, tool.namespace?.name));
  });
}

/** Names (as providers see them) the conversation has loaded, called, or forces. */
function loadedToolNames(request: ChatRequest): Set<string> {
  const names = new Set<string>();
  if (request.toolChoice?.type === 'tool') names.add(request.toolChoice.name);
  for (const message of request.messages) {
    if (message.role === 'assistant') {
      for (const part of message.content) if (part.type === 'tool-call') names.add(wireToolName(part.name, part.namespace));
    } else if (message.role === 'tool') {
      for (const result of message.content) for (const part of result.content) if (part.type === 'tool-reference') names.add(part.toolName);
    }
  }
  return names;
}

/**
 * A function's name where tool names are flat: `<namespace>__<name>` for a function of a Responses
 * namespace (letters, digits, `_` and `-` are all every format allows in a name), else its name.
 * Answers are mapped back with `namespacedName`.
 */
export function wireToolName(name: string, namespace: string | undefined): string {
  return namespace === undefined ? name : `${namespace}__${name}`;
}

/** The namespace and inner name of a called function, when the request declared it in a
 * namespace under this flat name; null for every other name. */
export function namespacedName(request: ChatRequest | undefined, wireName: string): { namespace: string; name: string } | null {
  if (!request) return null;
  for (const tool of request.tools) {
    if (tool.type === 'function' && tool.namespace !== undefined && wireToolName(tool.name, tool.namespace.name) === wireName) {
      return { namespace: tool.namespace.name, name: tool.name };
    }
  }
  return null;
}

/** A namespaced function's description where its namespace cannot be declared: the namespace's
 * own description leads, as the model would have read it above the function. */
export function flatDescription(tool: FunctionTool): string | undefined {
  const outer = tool.namespace?.description;
  if (outer === undefined || outer === '') return tool.description;
  return tool.description === undefined || tool.description === '' ? outer : `${outer}\n\n${tool.description}`;
}

/** What a tool reference says in a format without them: the search's result, as text. The tool
 * itself is offered alongside (see offeredTools). */
export function toolReferenceText(part: ToolReferencePart): TextPart {
  const text: TextPart = { type: 'text', text: `Tool loaded: ${part.toolName}` };
  if (part.cacheControl) text.cacheControl = part.cacheControl;
  return text;
}

/** A tool result's content with tool references written as text. */
export function resultContentAsText(result: ToolResultPart): Array<Exclude<ToolResultPart['content'][number], ToolReferencePart>> {
  return result.content.map((part) => (part.type === 'tool-reference' ? toolReferenceText(part) : part));
}

/** The system messages of the conversation, in order, for formats that only have a system slot. */
export function midConversationSystem(messages: Message[]): TextPart[] {
  return messages.flatMap((message) => (message.role === 'system' ? message.content : []));
}
