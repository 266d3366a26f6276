// Checks a Chat Completions request enough to reject what no provider would accept, with OpenAI's
// own error shape (`param` names the field). Unknown fields pass through: providers have extensions.
import { invalidRequest } from '../../errors/gateway-error.ts';

export interface ChatRequestSummary {
  model: string;
  stream: boolean;
  /** The client asked for the usage chunk at the end of the stream (`stream_options.include_usage`),
   * which a Chat provider then sends. */
  includeUsage: boolean;
  /** The client asked for the usage chunk OpenRouter's way (`usage: {include: true}`) in a stream,
   * which a Chat provider other than OpenRouter does not understand: the gateway must ask for it. */
  usageInclude: boolean;
}

const roles = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export function validateChatRequest(body: unknown): ChatRequestSummary {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('the request body must be a JSON object');
  const request = body as Record<string, unknown>;
  if (typeof request.model !== 'string' || request.model === '') throw invalidRequest('`model` is required: a non-empty string naming the model', 'model', 'missing_required_parameter');
  validateMessages(request.messages);

  const stream = optionalBoolean(request, 'stream') ?? false;
  let includeUsage = false;
  if (request.stream_options !== undefined && request.stream_options !== null) {
    if (!stream) throw invalidRequest('`stream_options` is only allowed when `stream` is true', 'stream_options');
    if (typeof request.stream_options !== 'object' || Array.isArray(request.stream_options)) throw invalidRequest('`stream_options` must be an object', 'stream_options');
    includeUsage = optionalBoolean(request.stream_options as Record<string, unknown>, 'include_usage', 'stream_options.include_usage') ?? false;
  }
  let usageInclude = false;
  if (request.usage !== undefined && request.usage !== null) {
    if (typeof request.usage !== 'object' || Array.isArray(request.usage)) throw invalidRequest('`usage` must be an object such as {"include": true}', 'usage');
    usageInclude = optionalBoolean(request.usage as Record<string, unknown>, 'include', 'usage.include') === true && stream;
  }
  optionalInteger(request, 'max_tokens', 1);
  optionalInteger(request, 'max_completion_tokens', 1);
  optionalInteger(request, 'n', 1, 128);
  optionalInteger(request, 'top_logprobs', 0, 20);
  optionalInteger(request, 'seed', Number.MIN_SAFE_INTEGER);
  optionalNumber(request, 'temperature', 0, 2);
  optionalNumber(request, 'top_p', 0, 1);
  optionalNumber(request, 'presence_penalty', -2, 2);
  optionalNumber(request, 'frequency_penalty', -2, 2);
  optionalBoolean(request, 'logprobs');
  optionalBoolean(request, 'parallel_tool_calls');
  validateStop(request.stop);
  validateTools(request.tools);
  validateToolChoice(request.tool_choice);
  if (request.response_format !== undefined && request.response_format !== null) {
    const format = request.response_format as Record<string, unknown>;
    if (typeof format !== 'object' || Array.isArray(format) || typeof format.type !== 'string')
      throw invalidRequest('`response_format` must be an object with a `type` such as "json_object" or "json_schema"', 'response_format');
  }
  return { model: request.model, stream, includeUsage, usageInclude };
}

function validateMessages(messages: unknown): void {
  if (!Array.isArray(messages)) throw invalidRequest('`messages` is required: a list of {role, content} objects', 'messages', 'missing_required_parameter');
  if (messages.length === 0) throw invalidRequest('`messages` must contain at least one message', 'messages');
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as Record<string, unknown>;
    const param = `messages[${index}]`;
    if (message === null || typeof message !== 'object' || Array.isArray(message)) throw invalidRequest(`${param} must be an object with \`role\` and \`content\``, param);
    if (typeof message.role !== 'string' || !roles.has(message.role))
      throw invalidRequest(`${param}.role must be one of ${[...roles].join(', ')}`, `${param}.role`);
    const content = message.content;
    const mayBeEmpty = message.role === 'assistant';
    if (content === undefined || content === null) {
      if (!mayBeEmpty) throw invalidRequest(`${param}.content is required for role "${message.role}"`, `${param}.content`, 'missing_required_parameter');
    } else if (Array.isArray(content)) {
      for (let part = 0; part < content.length; part++) {
        const item = content[part] as Record<string, unknown>;
        if (item === null || typeof item !== 'object' || typeof item.type !== 'string')
          throw invalidRequest(`${param}.content[${part}] must be an object with a \`type\` such as "text" or "image_url"`, `${param}.content[${part}]`);
      }
    } else if (typeof content !== 'string') {
      throw invalidRequest(`${param}.content must be a string or a list of content parts`, `${param}.content`);
    }
    if (message.role === 'tool' && typeof message.tool_call_id !== 'string')
      throw invalidRequest(`${param}.tool_call_id is required for role "tool"`, `${param}.tool_call_id`, 'missing_required_parameter');
  }
}

function validateStop(stop: unknown): void {
  if (stop === undefined || stop === null || typeof stop === 'string') return;
  if (!Array.isArray(stop) || stop.some((entry) => typeof entry !== 'string')) throw invalidRequest('`stop` must be a string or a list of strings', 'stop');
}

function validateTools(tools: unknown): void {
  if (tools === undefined || tools === null) return;
  if (!Array.isArray(tools)) throw invalidRequest('`tools` must be a list of tool definitions', 'tools');
  for (let index = 0; index < tools.length; index++) {
    const tool = tools[index] as Record<string, unknown>;
    if (tool === null || typeof tool !== 'object' || typeof tool.type !== 'string') throw invalidRequest(`tools[${index}] must be an object with a \`type\``, `tools[${index}]`);
    if (tool.type === 'function') {
      const definition = tool.function as Record<string, unknown> | undefined;
      if (!definition || typeof definition !== 'object' || typeof definition.name !== 'string' || definition.name === '')
        throw invalidRequest(`tools[${index}].function.name is required`, `tools[${index}].function.name`, 'missing_required_parameter');
    }
  }
}

function validateToolChoice(choice: unknown): void {
  if (choice === undefined || choice === null) return;
  if (typeof choice === 'string') {
    if (!['none', 'auto', 'required'].includes(choice)) throw invalidRequest('`tool_choice` must be "none", "auto", "required" or an object naming a tool', 'tool_choice');
    return;
  }
  if (typeof choice !== 'object' || Array.isArray(choice) || typeof (choice as Record<string, unknown>).type !== 'string')
    throw invalidRequest('`tool_choice` must be "none", "auto", "required" or an object naming a tool', 'tool_choice');
}

function optionalBoolean(record: Record<string, unknown>, key: string, param = key): boolean | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`\`${param}\` must be true or false`, param);
  return value;
}

function optionalInteger(record: Record<string, unknown>, key: string, minimum: number, maximum = Number.MAX_SAFE_INTEGER): void {
  const value = record[key];
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum)
    throw invalidRequest(`\`${key}\` must be a whole number${maximum === Number.MAX_SAFE_INTEGER ? ` >= ${minimum}` : ` from ${minimum} to ${maximum}`}`, key);
}

function optionalNumber(record: Record<string, unknown>, key: string, minimum: number, maximum: number): void {
  const value = record[key];
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum)
    throw invalidRequest(`\`${key}\` must be a number from ${minimum} to ${maximum}`, key);
}
