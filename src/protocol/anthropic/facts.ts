// What an Anthropic Messages request body says about itself (see ClientFormatFacts in ../formats.ts).
import { hasImageParts, nonEmptyList, positiveNumber, streamFlag, typeOf } from '../body-fields.ts';
import type { ClientFormatFacts, PresetDefaults } from '../formats.ts';
import { parameterFiller, prefixTextField } from '../preset-fields.ts';
import { anthropicErrorBody } from './errors.ts';

export const anthropicFacts: ClientFormatFacts = {
  model: (body) => body.model,
  stream: streamFlag,
  maxOutputTokens: (body) => positiveNumber(body.max_tokens),
  choices: () => 1,
  usesTools: (body) => nonEmptyList(body.tools),
  hasImages: (body) => hasImageParts(body.messages),
  wantsJsonSchema: (body) => typeOf(body.output_format) === 'json_schema',
  usesStoredContext: () => false,
  // An Anthropic client's thinking goes to Anthropic as it came: its max_tokens bound it.
  reasoningAsked: () => null,
  history: (body) => body.messages,
  promptParts: (body) => ({ system: body.system, messages: body.messages, tools: body.tools }),
  conversationOpening: (body) => [body.system, Array.isArray(body.messages) ? body.messages[0] : undefined],
  applyPreset,
  errorBody: anthropicErrorBody,
};

function applyPreset(body: Record<string, unknown>, preset: PresetDefaults): string[] {
  const applied: string[] = [];
  if (preset.instructions && addInstructions(body, preset.instructions)) applied.push('instructions');
  const fill = parameterFiller(body, applied);
  const parameters = preset.parameters;
  fill('temperature', 'temperature', parameters.temperature);
  fill('top_p', 'top_p', parameters.top_p);
  fill('max_tokens', 'max_tokens', parameters.max_tokens);
  fill('stop', 'stop_sequences', parameters.stop);
  return applied;
}

/** `system` is a string or a list of text blocks; the instructions come first in either. The list is
 * replaced, not changed: other calls may share it. */
function addInstructions(body: Record<string, unknown>, instructions: string): boolean {
  if (Array.isArray(body.system)) {
    body.system = [{ type: 'text', text: instructions }, ...body.system];
    return true;
  }
  return prefixTextField(body, 'system', instructions);
}
