// Anthropic's reasoning and output settings (`thinking`, `output_config`, the beta `output_format`)
// decoded into the IR's reasoning options and response format.
import type { ChatRequest, ReasoningEffort, ResponseFormat } from '../ir.ts';
import { invalidRequest } from '../../errors/gateway-error.ts';
import { requireRecord } from './values.ts';

const efforts: Record<string, ReasoningEffort> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'xhigh' };

export function decodeReasoningAndFormat(body: Record<string, unknown>, request: ChatRequest, extra: Record<string, unknown>): void {
  const reasoning: NonNullable<ChatRequest['reasoning']> = {};
  if (body.thinking !== undefined && body.thinking !== null) {
    const thinking = requireRecord(body.thinking, 'thinking');
    if (thinking.type === 'enabled') {
      const budget = thinking.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1) throw invalidRequest('thinking.budget_tokens: must be a positive integer', 'thinking.budget_tokens');
      reasoning.enabled = true;
      reasoning.budgetTokens = budget;
    } else if (thinking.type === 'adaptive') {
      reasoning.enabled = true;
    } else if (thinking.type === 'disabled') {
      reasoning.enabled = false;
    } else {
      // A thinking mode the IR cannot express travels whole, for an Anthropic provider only.
      extra.thinking = body.thinking;
    }
    if (thinking.display !== undefined && thinking.display !== null && extra.thinking === undefined) extra['thinking.display'] = thinking.display;
  }

  let format: ResponseFormat | undefined;
  if (body.output_format !== undefined && body.output_format !== null) format = decodeOutputFormat(body.output_format, 'output_format');
  if (body.output_config !== undefined && body.output_config !== null) {
    const config = requireRecord(body.output_config, 'output_config');
    for (const [key, value] of Object.entries(config)) {
      if (value === null || value === undefined) continue;
      if (key === 'format') format = decodeOutputFormat(value, 'output_config.format');
      else if (key === 'effort') {
        const effort = typeof value === 'string' ? efforts[value] : undefined;
        if (!effort) throw invalidRequest('output_config.effort: must be "low", "medium", "high", "xhigh" or "max"', 'output_config.effort');
        reasoning.effort = effort;
        // The IR's scale stops at xhigh: the exact value rides along for an Anthropic provider.
        if (value === 'max') extra['output_config.effort'] = value;
      } else extra[`output_config.${key}`] = value;
    }
  }
  if (Object.keys(reasoning).length > 0) request.reasoning = reasoning;
  if (format) request.responseFormat = format;
}

function decodeOutputFormat(value: unknown, param: string): ResponseFormat {
  const format = requireRecord(value, param);
  if (format.type !== 'json_schema') throw invalidRequest(`${param}.type: must be "json_schema"`, `${param}.type`);
  return { type: 'json-schema', schema: requireRecord(format.schema, `${param}.schema`) };
}
