// What a Chat Completions request body says about itself (see ClientFormatFacts in ../formats.ts).
import { hasImageParts, isRecord, nonEmptyList, positiveNumber, streamFlag, typeOf, upToFirstUser } from '../body-fields.ts';
import type { ClientFormatFacts, PresetDefaults, ReasoningAsked } from '../formats.ts';
import { openAIErrorBody } from '../../errors/gateway-error.ts';
import { parameterFiller } from '../preset-fields.ts';

export const openAIChatFacts: ClientFormatFacts = {
  model: (body) => body.model,
  stream: streamFlag,
  // `max_tokens` is the older name; a request that sets both means the newer one.
  maxOutputTokens: (body) => positiveNumber(body.max_completion_tokens ?? body.max_tokens),
  choices: (body) => (typeof body.n === 'number' && Number.isInteger(body.n) && body.n > 1 ? body.n : 1),
  // `functions` is the older form of `tools`.
  usesTools: (body) => nonEmptyList(body.tools) || nonEmptyList(body.functions),
  hasImages: (body) => hasImageParts(body.messages),
  wantsJsonSchema: (body) => typeOf(body.response_format) === 'json_schema',
  usesStoredContext: () => false,
  // OpenAI's `reasoning_effort`, or OpenRouter's `reasoning` object (`enabled`, `effort`, `max_tokens`).
  reasoningAsked: (body) => {
    const reasoning = isRecord(body.reasoning) ? body.reasoning : {};
    const asked: ReasoningAsked = {};
    if (typeof reasoning.enabled === 'boolean') asked.enabled = reasoning.enabled;
    const effort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : reasoning.effort;
    if (typeof effort === 'string') asked.effort = effort;
    if (typeof reasoning.max_tokens === 'number') asked.budgetTokens = reasoning.max_tokens;
    return Object.keys(asked).length === 0 ? null : asked;
  },
  history: (body) => body.messages,
  promptParts: (body) => ({ messages: body.messages, tools: body.tools }),
  conversationOpening: (body) => upToFirstUser(body.messages),
  applyPreset,
  errorBody: openAIErrorBody,
};

function applyPreset(body: Record<string, unknown>, preset: PresetDefaults): string[] {
  const applied: string[] = [];
  if (preset.instructions && addInstructions(body, preset.instructions)) applied.push('instructions');
  const fill = parameterFiller(body, applied);
  const parameters = preset.parameters;
  fill('temperature', 'temperature', parameters.temperature);
  fill('top_p', 'top_p', parameters.top_p);
  fill('max_tokens', 'max_tokens', parameters.max_tokens, ['max_completion_tokens']);
  fill('seed', 'seed', parameters.seed);
  fill('stop', 'stop', parameters.stop);
  fill('reasoning_effort', 'reasoning_effort', parameters.reasoning_effort);
  return applied;
}

/** Chat has no system field: the instructions join a leading system or developer message, or
 * become one. A body without messages is left for the validator. The list and the message are
 * replaced, not changed: other calls may share them (a fusion's members, a comparison's answers). */
function addInstructions(body: Record<string, unknown>, instructions: string): boolean {
  const messages = body.messages;
  if (!Array.isArray(messages)) return false;
  const first: unknown = messages[0];
  if (isRecord(first) && (first.role === 'system' || first.role === 'developer')) {
    if (typeof first.content === 'string') {
      body.messages = [{ ...first, content: first.content === '' ? instructions : `${instructions}\n\n${first.content}` }, ...messages.slice(1)];
      return true;
    }
    if (Array.isArray(first.content)) {
      body.messages = [{ ...first, content: [{ type: 'text', text: instructions }, ...first.content] }, ...messages.slice(1)];
      return true;
    }
  }
  body.messages = [{ role: 'system', content: instructions }, ...messages];
  return true;
}
