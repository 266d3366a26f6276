// What a Responses request body says about itself (see ClientFormatFacts in ../formats.ts).
import { hasImageParts, isAbsent, isRecord, isSet, nonEmptyList, positiveNumber, streamFlag, typeOf, upToFirstUser } from '../body-fields.ts';
import type { ClientFormatFacts, PresetDefaults } from '../formats.ts';
import { openAIErrorBody } from '../../errors/gateway-error.ts';
import { parameterFiller, prefixTextField } from '../preset-fields.ts';

export const openAIResponsesFacts: ClientFormatFacts = {
  model: (body) => body.model,
  stream: streamFlag,
  maxOutputTokens: (body) => positiveNumber(body.max_output_tokens),
  choices: () => 1,
  usesTools: (body) => nonEmptyList(body.tools) || declaresTools(body.input),
  hasImages: (body) => hasImageParts(body.input),
  wantsJsonSchema: (body) => typeOf(isRecord(body.text) ? body.text.format : undefined) === 'json_schema',
  // A previous response, a conversation or a stored prompt template, all kept at the provider.
  usesStoredContext: (body) => isSet(body.previous_response_id) || isSet(body.conversation) || (body.prompt !== null && typeof body.prompt === 'object'),
  reasoningAsked: (body) => (isRecord(body.reasoning) && typeof body.reasoning.effort === 'string' ? { effort: body.reasoning.effort } : null),
  history: (body) => body.input,
  promptParts: (body) => ({ input: body.input, instructions: body.instructions, tools: body.tools }),
  // `input` may be one string: the first user message itself.
  conversationOpening: (body) => [body.instructions, typeof body.input === 'string' ? body.input : upToFirstUser(body.input)],
  applyPreset,
  errorBody: openAIErrorBody,
};

/** Tools declared in the conversation, by `additional_tools` items (Codex's default model declares
 * all of its tools so). */
function declaresTools(input: unknown): boolean {
  return Array.isArray(input) && input.some((item) => isRecord(item) && item.type === 'additional_tools' && nonEmptyList(item.tools));
}

function applyPreset(body: Record<string, unknown>, preset: PresetDefaults): string[] {
  const applied: string[] = [];
  if (preset.instructions && prefixTextField(body, 'instructions', preset.instructions)) applied.push('instructions');
  const fill = parameterFiller(body, applied);
  const parameters = preset.parameters;
  fill('temperature', 'temperature', parameters.temperature);
  fill('top_p', 'top_p', parameters.top_p);
  fill('max_tokens', 'max_output_tokens', parameters.max_tokens);
  if (parameters.reasoning_effort !== undefined && addEffort(body, parameters.reasoning_effort)) applied.push('reasoning_effort');
  return applied;
}

/** Responses names the effort inside `reasoning`, next to fields such as `summary` that stay. */
function addEffort(body: Record<string, unknown>, effort: string): boolean {
  if (isAbsent(body.reasoning)) {
    body.reasoning = { effort };
    return true;
  }
  if (!isRecord(body.reasoning) || !isAbsent(body.reasoning.effort)) return false;
  body.reasoning = { ...body.reasoning, effort };
  return true;
}
