// `model: "fusion"` (with a `fusion` object) and `model: "fusion/<name>"`: a model like any other,
// on every surface. A panel of models answers, a judge scores or merges, and the answer is the
// judge's final text, with `model` naming the judge. Every member and judge call is made in process
// through the model runner (see client.ts), so each is routed, billed and logged like any other and
// linked to the others by the fusion id; each carries the caller's headers and its `provider` routing
// preferences. The fusion block and the summed cost travel on the answer's final usage event (or
// beside a whole answer), where the client's encoder puts them.
import { failureOf, linkedController } from '../engine/call.ts';
import type { CallContext } from '../engine/call.ts';
import type { Answer } from '../engine/answer.ts';
import { createEventStream } from '../engine/event-stream.ts';
import { costText, droppedHeader, unknownModel } from '../engine/exchange.ts';
import type { ModelRunner } from '../engine/runner.ts';
import { asGatewayError, clientClosed, GatewayError, invalidRequest } from '../errors/gateway-error.ts';
import type { NamedFusion } from './spec.ts';
import { providerCodec, surfaceCodecs } from '../protocol/codecs.ts';
import type { ClientFormat } from '../protocol/formats.ts';
import type { ChatRequest, ChatResponse, FinishReason, StreamEvent, Usage } from '../protocol/ir.ts';
import { noNeeds } from '../routing/needs.ts';
import { readPreferences } from '../routing/preferences.ts';
import { parsePresetReference } from '../routing/presets.ts';
import type { Router } from '../routing/router.ts';
import { newGroupId } from '../engine/model-client.ts';
import type { SelfCall } from '../engine/model-client.ts';
import { transcriptOf } from './prompts.ts';
import { fusionBlock, totalsOf } from './reply.ts';
import type { FusionTotals } from './reply.ts';
import { runFusion } from './run.ts';
import type { FusionInput, FusionOutcome } from './run.ts';
import { completeSpec, readFusionFields } from './spec.ts';
import type { FieldProblem, FusionSpec } from './spec.ts';

export interface FusionDependencies {
  router: Router;
  fusions: readonly NamedFusion[] | undefined;
  runner: ModelRunner;
}

export { isFusionModel } from '../fusion/spec.ts';

export async function answerFusion(context: CallContext, dependencies: FusionDependencies, format: ClientFormat, body: Record<string, unknown>): Promise<Answer> {
  refusePreset(body);
  const spec = fusionSpecOf(body, dependencies.fusions);
  checkModels(spec, dependencies.router);
  const provider = providerPreferences(body);
  const request = callerRequest(format, body);
  // The members' body is read by the gateway, which takes OpenRouter's `reasoning` object whole.
  const encoded = providerCodec('openai-chat').encodeRequest({ ...request, stream: true }, { upstreamModel: '', quirks: { reasoningObject: true } });
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
  const call: SelfCall = { runner: dependencies.runner, parent: context, groupId, provider, allowFusion: false };
  const input: FusionInput = { spec, call, memberBody, transcript: transcriptOf(request), responseFormat: request.responseFormat };
  const opening: StreamEvent = { type: 'start', id: responseId(format, groupId), model: spec.judge, created: Math.floor(Date.now() / 1000) };
  if (context.stream) return streamFusion(input, headers, opening);
  const outcome = await runFusion(input).catch((error: unknown) => {
    throw failureOf(error, context.controller.signal);
  });
  const totals = totalsOf(outcome);
  if (totals.costComplete) headers['x-modelmux-cost'] = costText(totals.costUsd);
  const response: ChatResponse = {
    id: opening.id,
    model: spec.judge,
    created: opening.created,
    content: [{ type: 'text', text: outcome.text }],
    finishReason: finishReasonOf(outcome.finishReason),
    usage: usageOf(totals),
    extra: { fusion: fusionBlock(spec, groupId, outcome, totals) },
  };
  return { kind: 'whole', metadata: { headers, bytesFormat: null, model: spec.judge }, bytes: null, response, usage: response.usage };
}

/** Committed with the first word of the final answer (or at once with `progress`), so a fusion that
 * fails before it (quorum, judge) still answers with a proper error status. Its member and judge
 * calls end with the answer: cancelling it (the client left, the writer gave up on it) stops them. */
function streamFusion(fusion: FusionInput, headers: Record<string, string>, opening: StreamEvent & { type: 'start' }): Promise<Answer> {
  const { controller, unlink } = linkedController(fusion.call.parent.controller.signal);
  // The caller's call with the answer's own lifetime: what each member and judge call is a child of.
  const input: FusionInput = { ...fusion, call: { ...fusion.call, parent: { ...fusion.call.parent, controller } } };
  const { spec, call } = input;
  const events = createEventStream();
  // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
  const onCancel = (): void => controller.abort(clientClosed('the fusion answer was cancelled'));
  events.onCancel = onCancel;
  const answer: Answer = { kind: 'stream', metadata: { headers, bytesFormat: null, model: spec.judge }, stream: events.stream };
  return new Promise<Answer>((resolve, reject) => {
    let committed = false;
    const commit = (): void => {
      if (committed) return;
      committed = true;
      events.push(opening);
      resolve(answer);
    };
    if (spec.progress) {
      commit();
      // SSE comments: every client and SDK skips them, a person watching the raw stream sees the panel work.
      events.push({ type: 'comment', text: `fusion ${call.groupId} started: ${spec.pool.length} members, mode ${spec.mode}` });
      // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
      const onProgress = (line: string): void => events.push({ type: 'comment', text: line });
      input.onProgress = onProgress;
    }
    // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
    const onAnswer = (text: string): void => {
      commit();
      events.push({ type: 'text-delta', text });
    };
    input.onAnswer = onAnswer;
    runFusion(input).finally(unlink).then(
      (outcome: FusionOutcome) => {
        commit();
        const totals = totalsOf(outcome);
        events.push({ type: 'text-end' }, { type: 'usage', usage: usageOf(totals), extra: { fusion: fusionBlock(spec, call.groupId, outcome, totals) } });
        events.push({ type: 'finish', finishReason: finishReasonOf(outcome.finishReason) });
        events.end();
      },
      (thrown: unknown) => {
        const error = failureOf(thrown, controller.signal);
        if (!committed) return reject(error);
        events.fail(asGatewayError(error));
      },
    );
  });
}

/** The usage summed over every call, with the cost when every part of it is known. */
function usageOf(totals: FusionTotals): Usage {
  return totals.costComplete ? { ...totals.usage, cost: totals.costUsd } : totals.usage;
}

/** The request's `fusion` object over the named fusion's fields, checked whole. */
function fusionSpecOf(body: Record<string, unknown>, fusions: readonly NamedFusion[] | undefined): FusionSpec {
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
  const named = fusions?.find((fusion) => fusion.name === name);
  if (!named) {
    const known = (fusions ?? []).map((fusion) => `fusion/${fusion.name}`);
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

/** A preset named beside a model applies its rules to that model (routing.md); a fusion's models are
 * its pool and judge, where a preset may be named, so one named on the fusion itself is refused. */
function refusePreset(body: Record<string, unknown>): void {
  const field = body.preset !== undefined && body.preset !== null ? 'preset' : parsePresetReference(body.model as string) !== null ? 'model' : null;
  if (field === null) return;
  throw invalidRequest('a fusion request cannot carry a preset: a preset applies to the model it is named with, and a fusion\'s models are its pool and judge. Name it there: a pool entry or the judge may be "<model>@preset/<name>"', field, 'unsupported_parameter');
}

/** The caller's `provider` object, checked here so a mistake costs no member call; every member,
 * revision and judge call carries it as it came. Fallback `models` are refused: they have no clear
 * meaning for a panel. */
function providerPreferences(body: Record<string, unknown>): Record<string, unknown> | null {
  if (body.models !== undefined && body.models !== null) {
    throw invalidRequest('a fusion request cannot carry `models`: fallback models are ambiguous for a panel. Name the models in `fusion.pool` and `fusion.judge`', 'models', 'unsupported_parameter');
  }
  if (body.provider === undefined || body.provider === null) return null;
  readPreferences(body.provider);
  return body.provider as Record<string, unknown>;
}

/** The caller's conversation in the internal form, refused where a fusion cannot serve it. */
function callerRequest(format: ClientFormat, body: Record<string, unknown>): ChatRequest {
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

function responseId(format: ClientFormat, groupId: string): string {
  const suffix = groupId.slice(groupId.indexOf('_') + 1);
  if (format === 'anthropic') return `msg_${suffix}`;
  if (format === 'openai-responses') return `resp_${suffix}`;
  return `chatcmpl-${suffix}`;
}

function finishReasonOf(reason: string | null): FinishReason {
  return reason === 'length' ? 'length' : 'stop';
}
