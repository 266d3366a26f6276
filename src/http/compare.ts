// /v1/compare: run a side-by-side comparison with its review panel (POST), list and reopen stored
// ones (GET), add people's votes (POST /v1/compare/<id>/votes) and read per-model win rates from the
// votes (GET /v1/compare/win-rates). A gateway without a store still runs comparisons; it only
// cannot keep them, so the routes that read stored ones answer 503.
import { parseTime, timeFormats } from '../accounts/times.ts';
import { defaultCompareConfig } from '../config/compare.ts';
import { failureOf } from '../engine/call.ts';
import { newGroupId } from '../engine/model-client.ts';
import type { SelfCall } from '../engine/model-client.ts';
import { runComparison } from '../compare/compare.ts';
import type { Comparison } from '../compare/compare.ts';
import { readCompareRequest } from '../compare/compare-request.ts';
import { compareEventFrame } from '../compare/progress.ts';
import type { ProgressListener } from '../compare/progress.ts';
import type { ComparisonRecord, Store, VoteRecord } from '../store/store.ts';
import { readJsonObject } from './body.ts';
import type { Handler, RequestContext } from './context.ts';
import { GatewayError, invalidRequest, methodNotAllowed, notFound, openAIErrorBody } from '../errors/gateway-error.ts';
import type { InferenceDependencies } from './inference.ts';
import { sendJson } from './models.ts';

/** Fixed routes ("POST /v1/compare", ...) and their handlers. */
export function compareRoutes(dependencies: InferenceDependencies): [string, Handler][] {
  return [
    ['POST /v1/compare', (context) => handleCompare(context, dependencies)],
    ['GET /v1/compare', (context) => handleList(context, storeOf(dependencies))],
    ['GET /v1/compare/win-rates', (context) => handleWinRates(context, storeOf(dependencies))],
  ];
}

/** Routes with a parameter in the path (/v1/compare/:id, ...); null when the path is not one. */
export function compareRoute(method: string, path: string, dependencies: InferenceDependencies): Handler | null {
  const match = /^\/v1\/compare\/([^/]+)(\/votes)?\/?$/.exec(path);
  if (!match) return null;
  const id = decodedSegment(match[1]);
  if (id === null) return () => {
    throw invalidRequest('the URL has malformed percent-encoding', null, 'invalid_url');
  };
  if (match[2] === undefined) {
    if (method === 'GET') return (context) => handleReopen(context, storeOf(dependencies), id);
    return () => notAllowed(method, path, 'GET');
  }
  if (method === 'POST') return (context) => handleVote(context, dependencies, id);
  if (method === 'GET') return (context) => handleListVotes(context, storeOf(dependencies), id);
  return () => notAllowed(method, path, 'GET, POST');
}

async function handleCompare(context: RequestContext, dependencies: InferenceDependencies): Promise<void> {
  const { body } = await readJsonObject(context, dependencies.bodyLimitBytes);
  const request = readCompareRequest(body, dependencies.config.compare ?? defaultCompareConfig);
  // The comparison's id is also the group id that links its calls' ledger rows.
  const id = newGroupId('cmp');
  const call: SelfCall = { runner: dependencies.runner, parent: context, groupId: id, provider: request.provider, allowFusion: true };
  const { signal } = context.controller;
  const comparison = await runComparison(request, call, dependencies.router, id, request.stream ? startProgressStream(context) : undefined).catch((error: unknown) => {
    throw failureOf(error, signal);
  });
  // A comparison cut short is not worth keeping; the reason is the answer (a shutdown's 503 or
  // error event; nothing for a client that left).
  if (signal.aborted) throw signal.reason;
  if (dependencies.store !== null) saveComparison(context, dependencies, comparison);
  if (request.stream) context.response.end(compareEventFrame('comparison', comparison));
  else sendJson(context, comparison);
}

/** `stream: true`: the 200 goes out at once and each step follows as an event; an error after that
 * ends the stream as an `error` event (the server's error handler writes it). */
function startProgressStream(context: RequestContext): ProgressListener {
  context.stream = true;
  // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
  const streamFailure = (error: GatewayError): string => compareEventFrame('error', JSON.parse(openAIErrorBody(error)));
  context.streamFailure = streamFailure;
  context.response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': context.requestId });
  return (event) => {
    if (!context.response.writableEnded) context.response.write(compareEventFrame(event.type, event));
  };
}

/** Keeps the comparison. Every call of it is already paid for, so a store that cannot take it
 * (disk full, busy) costs the caller only `stored: false`, and the fault goes to the log. */
function saveComparison(context: RequestContext, dependencies: InferenceDependencies, comparison: Comparison): void {
  const owner = callerIdentity(context);
  comparison.stored = true;
  try {
    (dependencies.store as Store).saveComparison({
      id: comparison.id,
      createdAt: Date.now(),
      keyId: owner.keyId,
      team: owner.team,
      name: comparison.name,
      models: comparison.models,
      answered: comparison.scoreboard.filter((row) => row.answered > 0).map((row) => row.model),
      result: comparison as unknown as Record<string, unknown>,
    });
  } catch (error) {
    comparison.stored = false;
    dependencies.logger.error('comparison could not be stored', { request_id: context.requestId, comparison: comparison.id, error: error instanceof Error ? error.message : String(error) });
  }
}

function handleList(context: RequestContext, store: Store): void {
  const query = queryOf(context);
  const limit = integerParameter(query, 'limit', 1, 100) ?? 20;
  const after = query.get('after') ?? undefined;
  // One more than asked tells whether another page follows.
  const records = store.comparisons({ ...scopeOf(callerIdentity(context), query), after, limit: limit + 1 });
  const page = records.slice(0, limit);
  sendJson(context, { object: 'list', data: page.map((record) => summaryOf(record, store.votes(record.id))), has_more: records.length > limit, last_id: page.at(-1)?.id ?? null });
}

function handleReopen(context: RequestContext, store: Store, id: string): void {
  const record = ownedComparison(context, store, id);
  const votes = store.votes(id);
  sendJson(context, { ...record.result, stored: true, votes: votes.map(describeVote), vote_tally: tallyOf(votes) });
}

async function handleVote(context: RequestContext, dependencies: InferenceDependencies, id: string): Promise<void> {
  const store = storeOf(dependencies);
  const { body } = await readJsonObject(context, dependencies.bodyLimitBytes);
  const record = ownedComparison(context, store, id);
  const unknown = Object.keys(body).find((key) => !['winner', 'voter', 'note'].includes(key));
  if (unknown !== undefined) throw invalidRequest(`unknown field \`${unknown}\`; a vote takes winner, voter and note`, unknown, 'unknown_parameter');
  const winner = body.winner;
  if (typeof winner !== 'string' || (winner !== 'tie' && !record.answered.includes(winner))) {
    const choices = [...record.answered, 'tie'].map((choice) => `"${choice}"`).join(', ');
    throw invalidRequest(`\`winner\` must be one of the models that answered, or "tie": ${choices}`, 'winner', winner === undefined ? 'missing_required_parameter' : 'invalid_request');
  }
  const voter = optionalText(body.voter, 'voter', 200);
  const note = optionalText(body.note, 'note', 2_000);
  const owner = callerIdentity(context);
  const vote = store.addVote({ comparisonId: id, createdAt: Date.now(), winner, voter, note, keyId: owner.keyId, team: owner.team });
  if (vote === null) throw comparisonNotFound(id);
  sendJson(context, describeVote(vote), 201);
}

function handleListVotes(context: RequestContext, store: Store, id: string): void {
  ownedComparison(context, store, id);
  const votes = store.votes(id);
  sendJson(context, { object: 'list', data: votes.map(describeVote), tally: tallyOf(votes) });
}

function handleWinRates(context: RequestContext, store: Store): void {
  const query = queryOf(context);
  const rows = store.winRates({ ...scopeOf(callerIdentity(context), query), from: timeParameter(query, 'from'), to: timeParameter(query, 'to') });
  const data = rows.map((row) => ({ model: row.model, win_rate: Math.round(row.winRate * 1000) / 1000, wins: row.wins, ties: row.ties, losses: row.losses, comparisons: row.comparisons, votes: row.votes }));
  sendJson(context, { object: 'list', data });
}

/** Who owns a comparison: the caller's virtual key and its team; nulls for the admin key and an open gateway. */
function callerIdentity(context: RequestContext): { keyId: string | null; team: string | null } {
  const key = context.account.key;
  return { keyId: key?.id ?? null, team: key?.team ?? null };
}

/** A key with a team sees its team's comparisons; a key without one, its own; the admin key and an
 * open gateway see all, and may narrow to a team with `?team=`. */
function scopeOf(identity: { keyId: string | null; team: string | null }, query: URLSearchParams): { keyId?: string; team?: string } {
  if (identity.team !== null) return { team: identity.team };
  if (identity.keyId !== null) return { keyId: identity.keyId };
  const team = query.get('team');
  return team ? { team } : {};
}

function ownedComparison(context: RequestContext, store: Store, id: string): ComparisonRecord {
  const record = store.comparison(id);
  const scope = scopeOf(callerIdentity(context), new URLSearchParams());
  // Another team's comparison is answered as missing, so ids do not reveal what others compared.
  const visible = record !== null && (scope.team === undefined || record.team === scope.team) && (scope.keyId === undefined || record.keyId === scope.keyId);
  if (!visible) throw comparisonNotFound(id);
  return record;
}

function summaryOf(record: ComparisonRecord, votes: VoteRecord[]): Record<string, unknown> {
  const result = record.result as unknown as Comparison;
  return {
    id: record.id,
    object: 'comparison',
    created_at: result.created_at,
    name: record.name,
    models: record.models,
    judge: result.judge,
    prompt: preview(result.prompts[0] ?? ''),
    prompts: result.prompts.length,
    scoreboard: result.scoreboard.map((row) => ({ model: row.model, verdict: row.verdict, split: row.split, ship_percent: row.ship_percent, average_score: row.average_score, cost_usd: row.cost_usd })),
    recommendation: result.recommendation,
    votes: votes.length,
    vote_tally: tallyOf(votes),
  };
}

function describeVote(vote: VoteRecord): Record<string, unknown> {
  return { id: vote.id, object: 'comparison.vote', comparison_id: vote.comparisonId, created_at: Math.floor(vote.createdAt / 1000), winner: vote.winner, voter: vote.voter, note: vote.note };
}

function tallyOf(votes: VoteRecord[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const vote of votes) tally[vote.winner] = (tally[vote.winner] ?? 0) + 1;
  return tally;
}

function storeOf(dependencies: InferenceDependencies): Store {
  if (dependencies.store !== null) return dependencies.store;
  throw new GatewayError('comparisons are not stored on this gateway: it runs without a data directory (server.data_dir or MODELMUX_DATA_DIR). POST /v1/compare still runs a comparison and returns it with "stored": false.', {
    status: 503,
    type: 'server_error',
    code: 'store_unavailable',
  });
}

function comparisonNotFound(id: string): GatewayError {
  return notFound(`there is no comparison "${id}" on this gateway; GET /v1/compare lists them`, 'comparison_not_found');
}

function notAllowed(method: string, path: string, allowed: string): never {
  throw methodNotAllowed(`Method ${method} is not allowed on ${path} (allowed: ${allowed})`);
}

function queryOf(context: RequestContext): URLSearchParams {
  const url = context.request.url ?? '';
  const index = url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : url.slice(index + 1));
}

function integerParameter(query: URLSearchParams, name: string, minimum: number, maximum: number): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum || number > maximum) throw invalidRequest(`\`${name}\` must be a whole number from ${minimum} to ${maximum}`, name);
  return number;
}

/** A date (2026-11-01), a timestamp (ISO 8601) or epoch milliseconds. */
function timeParameter(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const time = parseTime(value);
  if (time === null) throw invalidRequest(`\`${name}\` must be ${timeFormats}`, name);
  return time;
}

function optionalText(value: unknown, field: string, maximum: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > maximum) throw invalidRequest(`\`${field}\` must be a string of at most ${maximum} characters`, field);
  return value.trim() === '' ? null : value;
}

/** Decoding happens while the server picks a handler, where a throw would escape; null instead. */
function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function preview(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`;
}
