// Whether an offer may take a request, and if not, why, in words the client can act on. A capability
// nobody recorded is not held against a provider; a stated limit is.
import { tokenizerFamily } from '../protocol/estimate.ts';
import type { Offer } from './catalog.ts';
import type { RouteNeeds } from './needs.ts';
import type { ProviderPreferences } from './preferences.ts';

export interface FilterRules {
  needs: RouteNeeds;
  preferences: ProviderPreferences | null;
  /** The caller uses answers commercially. */
  commercialUse: boolean;
}

/** Null when the offer may take the request; otherwise the reason it may not. */
export function exclusionReason(offer: Offer, rules: FilterRules): string | null {
  const { needs, preferences } = rules;
  if (preferences) {
    const reason = preferenceReason(offer, preferences);
    if (reason) return reason;
  }
  if (offer.contextWindow !== null) {
    const room = offer.contextWindow - (needs.maxTokens ?? 0);
    // The body's size bounds the prompt's tokens from above, so most requests never need the estimate.
    if (needs.promptTokensAtMost > room) {
      const family = tokenizerFamily(offer.model.id, offer.upstream);
      if (!needs.promptFits(family, room)) {
        const asked = needs.maxTokens === null ? '' : ` + max_tokens ${needs.maxTokens}`;
        const size = family === 'o200k' ? `more than ${Math.max(0, room)} tokens, counted with its tokenizer` : `~${needs.promptTokens} tokens, estimated`;
        return `the prompt (${size})${asked} does not fit its context window of ${offer.contextWindow} tokens`;
      }
    }
  }
  if (offer.maxOutput !== null && needs.maxTokens !== null && needs.maxTokens > offer.maxOutput) {
    return `max_tokens ${needs.maxTokens} is above its maximum output of ${offer.maxOutput} tokens`;
  }
  if (needs.tools && offer.capabilities.tools === false) return 'it does not support tool calling';
  if (needs.jsonSchema && offer.capabilities.jsonSchema === false) return 'it does not support JSON-schema output';
  if (offer.capabilities.vision === false && needs.vision) return 'it does not accept images';
  const license = offer.model.license;
  if (rules.commercialUse && license && !license.commercial) {
    return `its licence (${license.name}) does not allow commercial use, and this caller is marked for commercial use`;
  }
  return null;
}

function preferenceReason(offer: Offer, preferences: ProviderPreferences): string | null {
  const named = (list: string[]): boolean => list.includes(offer.provider.id.toLowerCase()) || list.includes(offer.provider.config.kind.toLowerCase());
  if (preferences.only && !named(preferences.only)) return 'not in provider.only';
  if (named(preferences.ignore)) return 'in provider.ignore';
  if (preferences.order && !preferences.allowFallbacks && !named(preferences.order)) return 'not in provider.order, and provider.allow_fallbacks is false';
  if (preferences.dataCollection === 'deny') {
    const policy = offer.dataPolicy;
    if (!policy) return 'its data policy is unknown (provider.data_collection is deny)';
    if (policy.training) return 'it may train on requests (provider.data_collection is deny)';
    if (policy.retentionDays === null) return 'its data retention is unknown (provider.data_collection is deny)';
  }
  const limit = preferences.maxPrice;
  if (limit && (limit.prompt !== null || limit.completion !== null)) {
    if (!offer.prices) return 'its price is unknown, and provider.max_price is set';
    if (limit.prompt !== null && offer.prices.input > limit.prompt) return `input costs $${offer.prices.input}/1M tokens, above provider.max_price.prompt ($${limit.prompt})`;
    if (limit.completion !== null && offer.prices.output > limit.completion) return `output costs $${offer.prices.output}/1M tokens, above provider.max_price.completion ($${limit.completion})`;
  }
  return null;
}
