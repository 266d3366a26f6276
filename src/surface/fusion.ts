// `model: "fusion"` (with a `fusion` object) and `model: "fusion/<name>"` on /v1/chat/completions,
// /v1/responses and /v1/messages: a panel of models answers, a judge scores or merges, and the
// caller receives one answer in its own format, streamed or whole, with `model` naming the judge.
// Every member and judge call is a call the gateway makes to itself (see fusion/client.ts), so each
// is routed, billed and logged like any other and linked to the others by the fusion id. Each one
// carries the caller's headers and its `provider` routing preferences.
import { providerCodec, surfaceCodecs } from '../protocol/codecs.ts';
import type { ChatRequest, ChatResponse, FinishReason } from '../protocol/ir.ts';
import { forwardedHeaders, newGroupId } from '../fusion/client.ts';
import type { SelfCall } from '../fusion/client.ts';
import { transcriptOf } from '../fusion/prompts.ts';
import { decorateStreamEnd, decorateWhole, fusionBlock, totalsOf } from '../fusion/reply.ts';
import { runFusion } from '../fusion/run.ts';
import type { FusionInput } from '../fusion/run.ts';
import { completeSpec, readFusionFields } from '../fusion/spec.ts';
import type { FieldProblem, FusionSpec } from '../fusion/spec.ts';
import { readPreferences } from '../routing/preferences.ts';
import type { Router } from '../routing/router.ts';
import { secondsSince } from './context.ts';
import type { RequestContext } from './context.ts';
import { GatewayError, invalidRequest } from './errors.ts';
import { costText, droppedHeader, unknownModel } from '../engine/exchange.ts';
import type { InferenceDependencies, SurfaceFormat } from './inference.ts';

export { isFusionModel } from '../fusion/spec.ts';

export async function handleFusion(context: RequestContext, dependencies: InferenceDependencies, format: SurfaceFormat, body: Record<string, unknown>): Promise<void> {
  refuseRecursion(context);
  const spec = fusionSpecOf(body, dependencies);
  checkModels(spec, dependencies.router);
  const provider = providerPreferences(body);
  const request = callerRequest(format, body);
  const encoded = providerCodec('openai-chat').encodeRequest({ ...request, stream: true }, { upstreamModel: '', quirks: {} });
  const { model: _unused, ...memberBody } = encoded.body;
  const groupId = newGroupId('fus');
  // The fusion request's own row joins its members' rows, unless it is itself a call of a
  // comparison: then it keeps the comparison's id, and links the comparison to this fusion's rows.
  if (context.ledger !== null && context.ledger.groupId === null) context.ledger.groupId = groupId;
  context.model = body.model as string;
  context.metricsModel = 'fusion';
  context.provider = 'fusion';
  const headers: Record<string, string> = { 'x-request-id': context.requestId, 'x-modelmux-fusion-id': groupId, 'x-modelmux-provider': 'fusion', 'x-modelmux-model': spec.name === null ? 'fusion' : `fusion/${spec.name}` };
  if (encoded.dropped.length > 0) headers['x-modelmux-dropped-params'] = droppedHeader(encoded.dropped);
  const call: SelfCall = {
    baseUrl: dependencies.selfUrl(),
    headers: forwardedHeaders(context.request.headers),
    groupId,
    internalToken: dependencies.internalToken,
    provider,
    signal: context.controller.signal,
  };
  const input: FusionInput = { spec, call, memberBody, transcript: transcriptOf(request), responseFormat: request.responseFormat };
  if (context.stream) return streamFusion(context, format, input, request.includeUsage, headers);
  return wholeFusion(context, format, input, headers);
}

async function wholeFusion(context: RequestContext, format: SurfaceFormat, input: FusionInput, headers: Record<string, string>): Promise<void> {
  const outcome = await runFusion(input);
  const totals = totalsOf(outcome);
  const answer: ChatResponse = {
    id: responseId(format, input.call.groupId),
    model: input.spec.judge,
    created: Math.floor(Date.now() / 1000),
    content: [{ type: 'text', text: outcome.text }],
    finishReason: finishReasonOf(outcome.finishReason),
    usage: totals.usage,
  };
  const encoded = surfaceCodecs[format].encodeResponse(answer, { model: input.spec.judge, includeUsage: true });
  const payload = JSON.stringify(decorateWhole(encoded, fusionBlock(input.spec, input.call.groupId, outcome, totals), totals));
  if (context.response.destroyed) return;
  if (totals.costComplete) headers['x-modelmux-cost'] = costText(totals.costUsd);
  context.response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  context.response.end(payload);
}

/** The 200 goes out with the first word of the final answer (or at once with `progress`), so a
 * fusion that fails before it (quorum, judge) still answers with a proper error status. */
async function streamFusion(context: RequestContext, format: SurfaceFormat, input: FusionInput, includeUsage: boolean, headers: Record<string, string>): Promise<void> {
  const { response } = context;
  const encoder = surfaceCodecs[format].createStreamEncoder({ model: input.spec.judge, includeUsage });
  let started = false;
  const write = (text: string): void => {
    if (text !== '' && !response.destroyed && !response.writableEnded) response.write(text);
  };
  const start = (): void => {
    if (started) return;
    started = true;
    context.streamFailure = (error) => encoder.fail(error);
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...headers });
    write(encoder.push({ type: 'start', id: responseId(format, input.call.groupId), model: input.spec.judge, created: Math.floor(Date.now() / 1000) }));
  };
  if (input.spec.progress) {
    start();
    // SSE comments: every client and SDK skips them, a person watching the raw stream sees the panel work.
    write(`: fusion ${input.call.groupId} started: ${input.spec.pool.length} members, mode ${input.spec.mode}\n\n`);
    input.onProgress = (line) => write(`: ${line.replace(/[\r\n]+/g, ' ')}\n\n`);
  }
  input.onAnswer = (text) => {
    start();
    context.timeToFirstToken ??= secondsSince(context.startedAt);
    write(encoder.push({ type: 'text-delta', text }));
  };
  const outcome = await runFusion(input);
  const totals = totalsOf(outcome);
  start();
  write(encoder.push({ type: 'text-end' }));
  write(encoder.push({ type: 'usage', usage: totals.usage }));
  write(encoder.push({ type: 'finish', finishReason: finishReasonOf(outcome.finishReason) }));
  write(decorateStreamEnd(format, encoder.end(), fusionBlock(input.spec, input.call.groupId, outcome, totals), totals));
  if (!response.destroyed && !response.writableEnded) response.end();
}

/** A fusion's own calls carry its id; one arriving here would be a fusion inside a fusion. A
 * comparison (`cmp_` ids) may compare a fusion with single models. */
function refuseRecursion(context: RequestContext): void {
  const groupId = context.request.headers['x-modelmux-fusion-id'];
  if (typeof groupId === 'string' && groupId.startsWith('fus_')) {
    throw invalidRequest('a fusion cannot call a fusion: this request comes from a member or the judge of another fusion', 'model', 'fusion_recursion');
  }
}

/** The request's `fusion` object over the named fusion's fields, checked whole. */
function fusionSpecOf(body: Record<string, unknown>, dependencies: InferenceDependencies): FusionSpec {
  const model = body.model as string;
  const fail: FieldProblem = (field, problem, fix) => invalidRequest(`fusion${field === null ? '' : `.${field}`}: ${problem}. ${fix}.`, field === null ? 'fusion' : `fusion.${field}`, 'invalid_fusion');
  const raw = body.fusion;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw fail(null, 'must be an object', 'send {"pool": [...], "judge": "...", "mode": "merge"}');
  const overrides = raw ? readFusionFields(raw as Record<string, unknown>, fail) : {};
  if (model === 'fusion') {
    if (!raw) throw invalidRequest('`model: "fusion"` needs a `fusion` object with at least `pool` and `judge`, or name a configured fusion as `fusion/<name>`', 'fusion', 'invalid_fusion');
    return completeSpec(null, {}, overrides, fail);
  }
  const name = model.slice('fusion/'.length);
  const named = dependencies.config.fusions?.find((fusion) => fusion.name === name);
  if (!named) {
    const known = (dependencies.config.fusions ?? []).map((fusion) => `fusion/${fusion.name}`);
    throw new GatewayError(`There is no fusion "${name}" on this gateway (${known.length > 0 ? `configured: ${known.join(', ')}` : 'none is configured under `fusions:` in modelmux.yaml'}). Send \`model: "fusion"\` with a \`fusion\` object, or configure one.`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'fusion_not_found',
      param: 'model',
    });
  }
  return completeSpec(name, named.fields, overrides, fail);
}

/** Every name must lead somewhere before any member is paid for. Preset references are resolved by
 * the member call itself. */
function checkModels(spec: FusionSpec, router: Router): void {
  const names: [string, string][] = [...spec.pool.map((model, index): [string, string] => [model, `fusion.pool[${index}]`]), [spec.judge, 'fusion.judge']];
  for (const [model, param] of names) {
    if (model.includes('@')) continue;
    const plan = router.plan({ model, fallbacks: [], preferences: null, needs: noNeeds, commercialUse: false, stickyKey: () => null });
    if (plan.candidates.length === 0 && plan.excluded.length === 0) {
      const error = unknownModel(model, router);
      error.param = param;
      error.message = `${param}: ${error.message}`;
      throw error;
    }
  }
}

const noNeeds = { promptTokens: 0, promptTokensAtMost: 0, maxTokens: null, tools: false, jsonSchema: false, vision: false };

/** The caller's `provider` object, checked here so a mistake costs no member call; every member,
 * revision and judge call carries it as it came. `preset` and `models` are refused: a preset would
 * make every member its model, and fallback models have no clear meaning for a panel. */
function providerPreferences(body: Record<string, unknown>): Record<string, unknown> | null {
  for (const field of ['preset', 'models']) {
    if (body[field] !== undefined && body[field] !== null) {
      throw invalidRequest(`a fusion request cannot carry \`${field}\`: ${field === 'preset' ? 'a preset would make every member its model' : 'fallback models are ambiguous for a panel'}. Name the models in \`fusion.pool\` and \`fusion.judge\` (a pool entry may be "<model>@preset/<name>")`, field, 'unsupported_parameter');
    }
  }
  if (body.provider === undefined || body.provider === null) return null;
  readPreferences(body.provider);
  return body.provider as Record<string, unknown>;
}

/** The caller's conversation in the internal form, refused where a fusion cannot serve it. */
function callerRequest(format: SurfaceFormat, body: Record<string, unknown>): ChatRequest {
  // `provider` reaches every call through the SelfCall, not through the codec (which would drop it
  // on Responses and Messages).
  const { fusion: _fusion, provider: _provider, ...rest } = body;
  const request = surfaceCodecs[format].decodeRequest(rest);
  if (request.tools.length > 0) {
    throw invalidRequest('a fusion answers with text: `tools` are not supported in a fusion request. Call a single model for tool use, or send the conversation without tools', 'tools', 'unsupported_parameter');
  }
  if (request.sourceOnly.length > 0) {
    throw invalidRequest(`a fusion needs the whole conversation in the request: \`${request.sourceOnly[0]}\` is not supported`, request.sourceOnly[0], 'unsupported_parameter');
  }
  if (typeof request.extra.n === 'number' && request.extra.n > 1) throw invalidRequest('a fusion returns one answer: `n` must be 1', 'n', 'unsupported_parameter');
  return request;
}

function responseId(format: SurfaceFormat, groupId: string): string {
  const suffix = groupId.slice(groupId.indexOf('_') + 1);
  if (format === 'anthropic') return `msg_${suffix}`;
  if (format === 'openai-responses') return `resp_${suffix}`;
  return `chatcmpl-${suffix}`;
}

function finishReasonOf(reason: string | null): FinishReason {
  return reason === 'length' ? 'length' : 'stop';
}
