// A Responses `response` object repeats the settings of the request it answers (instructions,
// temperature, tools, tool_choice, ...), and clients read them there. The decoder keeps them, as the
// client wrote them, beside the decoded request; the encoders put them in the answer. A WeakMap
// rather than a field keeps the internal form as the contract types it (as native-fields.ts does).
//
// Two of them the gateway answers itself on a translated route, and takes out of the body before
// it is decoded: `previous_response_id` (the conversation it names is written into the input) and
// `store`. takeOutAnswered() keeps what the client gave under a symbol, which the copy each attempt
// makes of the body keeps and JSON never writes, so the answer still repeats it.
import type { ChatRequest } from '../ir.ts';

/** Request fields the response object repeats, with the value the API states when one is absent. */
const echoedFields: Record<string, unknown> = {
  instructions: null,
  max_output_tokens: null,
  max_tool_calls: null,
  metadata: {},
  parallel_tool_calls: true,
  previous_response_id: null,
  prompt_cache_key: null,
  reasoning: null,
  safety_identifier: null,
  service_tier: null,
  store: true,
  temperature: 1,
  text: { format: { type: 'text' } },
  tool_choice: 'auto',
  tools: [],
  top_logprobs: null,
  top_p: 1,
  truncation: 'disabled',
  user: null,
};

const echoes = new WeakMap<ChatRequest, Record<string, unknown>>();

const answeredByGateway = Symbol('request fields the gateway answered itself');

type BodyWithAnswered = Record<string, unknown> & { [answeredByGateway]?: Record<string, unknown> };

/** Takes `field` out of `body`, keeping what the client gave for the answer to repeat. */
export function takeOutAnswered(body: Record<string, unknown>, field: 'previous_response_id' | 'store'): void {
  if (!(field in body)) return;
  const withAnswered = body as BodyWithAnswered;
  withAnswered[answeredByGateway] = { ...withAnswered[answeredByGateway], [field]: body[field] };
  delete body[field];
}

/** Remembers what the answer to `request` repeats of `body`, the client's own request. */
export function keepEcho(request: ChatRequest, body: Record<string, unknown>): void {
  const echo: Record<string, unknown> = {};
  const answered = (body as BodyWithAnswered)[answeredByGateway];
  for (const [field, fallback] of Object.entries(echoedFields)) {
    const value = body[field] ?? answered?.[field];
    echo[field] = value === undefined || value === null ? fallback : value;
  }
  // `text` without a format means the default one.
  if (typeof echo.text === 'object' && echo.text !== null && !('format' in echo.text)) echo.text = { format: { type: 'text' }, ...echo.text };
  echoes.set(request, echo);
}

/** The settings the answer to `request` repeats; null without a request. A request that was not
 * decoded from a Responses body (or was copied) gives what the internal form says of them. */
export function echoOf(request: ChatRequest | undefined): Record<string, unknown> | null {
  if (!request) return null;
  const kept = echoes.get(request);
  if (kept) return kept;
  return {
    ...echoedFields,
    instructions: request.system.length > 0 ? request.system.map((part) => part.text).join('\n\n') : null,
    max_output_tokens: request.maxOutputTokens ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallelToolCalls ?? true,
    temperature: request.temperature ?? 1,
    top_p: request.topP ?? 1,
    user: request.user ?? null,
  };
}
