// GET /v1/presets: the presets this gateway offers, in an OpenAI-style list.
import type { Preset } from '../routing/presets.ts';
import type { RequestContext } from './context.ts';
import { sendJson } from './models.ts';

export function handleListPresets(context: RequestContext, presets: readonly Preset[]): void {
  sendJson(context, {
    object: 'list',
    data: presets.map((preset) => ({
      id: preset.name,
      object: 'preset',
      description: preset.description,
      model: preset.model,
      models: preset.models,
      provider: preset.provider,
      parameters: preset.parameters,
      instructions: preset.instructions,
      builtin: preset.builtin,
    })),
  });
}
