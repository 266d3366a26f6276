// POST /v1/compare end to end: models of different speed and quality (test/compare-provider.ts)
// answer side by side through the gateway, the review panel's personas score them on a judge model,
// and the verdicts, costs and ledger rows add up. Then the stored side (list, reopen, votes, win
// rates), a gateway without a store, refused requests, and `modelmux compare` against a live stack.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { defaultTimeouts } from '../src/config/types.ts';
import type { Comparison } from '../src/compare/compare.ts';
import { startCompareProvider } from './compare-provider.ts';
import type { CompareProvider } from './compare-provider.ts';
import { cli as runCli } from './cli-io.ts';
import { provider, startStack } from './stack.ts';
import type { Stack, StackOptions } from './stack.ts';

const prices = { 'model-alpha': [1, 2], 'model-beta': [0.5, 1], 'model-gamma': [0.1, 0.2] } as const;

interface CompareStack {
  stack: Stack;
  panel: CompareProvider;
  compare(body: Record<string, unknown>): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
}

async function compareStack(context: TestContext, options: StackOptions & { store?: boolean } = {}): Promise<CompareStack> {
  const panel = await startCompareProvider();
  const dataDir = options.store ? mkdtempSync(join(tmpdir(), 'modelmux-compare-')) : undefined;
  const stack = await startStack({
    // One attempt each: a failing model fails at once instead of being retried.
    routing: { maxAttempts: 1 },
    dataDir,
    ...options,
    extraProviders: [
      provider('panel', panel.url, defaultTimeouts, [
        { id: 'model-alpha', upstream: 'good', inputPrice: prices['model-alpha'][0], outputPrice: prices['model-alpha'][1] },
        { id: 'model-beta', upstream: 'okay', inputPrice: prices['model-beta'][0], outputPrice: prices['model-beta'][1] },
        { id: 'model-gamma', upstream: 'poor', inputPrice: prices['model-gamma'][0], outputPrice: prices['model-gamma'][1] },
        { id: 'model-broken', upstream: 'fails' },
        { id: 'model-broken-too', upstream: 'fails' },
        { id: 'panel-judge', upstream: 'judge', inputPrice: 1, outputPrice: 1 },
        { id: 'panel-down', upstream: 'judge-down' },
      ]),
    ],
  });
  context.after(async () => {
    await stack.close();
    await panel.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };
  return { stack, panel, compare: (body) => send('POST', '/v1/compare', body), get: (path) => send('GET', path), post: (path, body) => send('POST', path, body) };
}

const row = (comparison: Comparison, model: string) => comparison.scoreboard.find((entry) => entry.model === model)!;

test('answers side by side with latency, ttft, tokens, cost and price; the default panel of five; verdicts and the recommendation', async (context) => {
  const { compare, panel, stack } = await compareStack(context, { store: true });
  const { status, body } = await compare({ models: ['model-alpha', 'model-beta', 'model-gamma'], prompt: 'How should I cache API responses?', judge: 'panel-judge' });
  assert.equal(status, 200, JSON.stringify(body));
  const comparison = body as Comparison;
  assert.match(comparison.id, /^cmp_/);
  assert.equal(comparison.stored, true);
  assert.equal(comparison.judge, 'panel-judge');
  assert.deepEqual(comparison.prompts, ['How should I cache API responses?']);

  assert.deepEqual(comparison.answers.map((answer) => answer.model), ['model-alpha', 'model-beta', 'model-gamma']);
  for (const answer of comparison.answers) {
    assert.equal(answer.ok, true);
    assert.equal(answer.provider, 'panel');
    assert.equal(answer.served_model, answer.model);
    assert.match(answer.text, /^You asked: How should I cache API responses\?\. .*\[quality:\d+\]$/);
    assert.ok(answer.usage!.input_tokens > 0 && answer.usage!.output_tokens > 0);
    assert.ok(answer.ttft_ms !== null && answer.ttft_ms <= answer.latency_ms);
    const [input, output] = prices[answer.model as keyof typeof prices];
    assert.deepEqual(answer.pricing, { input_per_million: input, output_per_million: output });
    assert.equal(typeof answer.cost_usd, 'number', 'usage.cost reaches the comparison');
    assert.ok(Math.abs(answer.cost_usd! - (answer.usage!.input_tokens * input + answer.usage!.output_tokens * output) / 1e6) < 1e-8);
  }
  // model-beta holds its first token back; model-alpha does not.
  const ttft = (model: string) => comparison.answers.find((answer) => answer.model === model)!.ttft_ms!;
  assert.ok(ttft('model-beta') > ttft('model-alpha'));

  assert.deepEqual(comparison.panel!.personas.map((persona) => [persona.name, persona.sees_cost]), [['builder', false], ['skeptic', false], ['futurist', false], ['creator', false], ['founder', true]]);
  assert.equal(comparison.reviews.length, 5);
  assert.ok(comparison.reviews.every((review) => review.ok && review.scores.length === 3), JSON.stringify(comparison.reviews));
  assert.equal(comparison.scorecards.length, 15);
  assert.deepEqual(comparison.scorecards.find((card) => card.persona === 'skeptic' && card.model === 'model-alpha'), { persona: 'skeptic', model: 'model-alpha', score: 65, verdict: 'ship', take: 'skeptic gives ' + comparison.reviews[1].scores.find((score) => score.model === 'model-alpha')!.label + ' 65', prompts: 1 });

  const verdicts = ['model-alpha', 'model-beta', 'model-gamma'].map((model) => {
    const entry = row(comparison, model);
    return [model, entry.verdict, entry.split, entry.ship_percent, entry.average_score];
  });
  assert.deepEqual(verdicts, [
    ['model-alpha', 'Ship', '5 ship / 0 skip', 100, 85],
    ['model-beta', 'Mixed', '3 ship / 2 skip', 60, 50],
    ['model-gamma', 'Skip', '0 ship / 5 skip', 0, 16],
  ]);
  assert.equal(row(comparison, 'model-alpha').cost_source, 'reported');
  assert.deepEqual(comparison.recommendation, { model: 'model-alpha', text: 'Ship with model-alpha: the panel says Ship (5 ship / 0 skip, 85/100); next: model-beta (Mixed, 50/100).' });

  // The personas read the answers anonymised, each in its own order; only the founder sees cost.
  const personaRequests = panel.requests.filter((request) => request.model === 'judge');
  assert.equal(personaRequests.length, 5);
  const orders = personaRequests.map((request) => [...String(request.body.messages[1].content).matchAll(/\[quality:(\d+)\]/g)].map((match) => match[1]).join(','));
  assert.equal(new Set(orders).size, 3, `three rotations of three answers: ${orders}`);
  for (const request of personaRequests) {
    const text = JSON.stringify(request.body.messages);
    assert.ok(!/model-(alpha|beta|gamma)/.test(text), 'no model name reaches a persona');
    assert.equal(/cost of this answer/.test(text), /You are the founder/.test(text));
  }

  // Every call is its own ledger row under the comparison's id, and their costs add up to the total.
  const total = comparison.cost;
  assert.equal(total.partial, false);
  assert.ok(Math.abs(total.total_usd! - (total.answers_usd! + total.panel_usd!)) < 1e-8);
  const rows = await waitFor(() => {
    const found = stack.gateway.store!.rows({ from: 0, to: Date.now() + 1000, limit: 1000 }).filter((entry) => entry.groupId === comparison.id && entry.kind === 'request');
    return found.length >= 8 ? found : null;
  });
  assert.equal(rows.length, 8, '3 answers and 5 personas');
  assert.ok(Math.abs(rows.reduce((sum, entry) => sum + entry.costUnits, 0) / 1e8 - total.total_usd!) < 1e-7);
});

test('a custom panel and a configured one: a persona whose review cannot be read is reported, not fatal', async (context) => {
  const { compare } = await compareStack(context, {
    compare: { judge: 'panel-judge', panels: { duo: [{ name: 'builder', rubric: 'Does it work?', seesCost: false }, { name: 'skeptic', rubric: 'What is wrong?', seesCost: false }] } },
  });
  const inline = (await compare({ models: ['model-alpha', 'model-gamma'], prompt: 'Explain DNS.', panel: [{ name: 'builder', rubric: 'Does it work as is?' }, { name: 'mumbler', rubric: 'Say what you like.' }] })).body as Comparison;
  assert.equal(inline.panel!.name, 'custom');
  assert.equal(inline.judge, 'panel-judge', 'the configured judge');
  const mumbler = inline.reviews.find((review) => review.persona === 'mumbler')!;
  assert.equal(mumbler.ok, false);
  assert.match(mumbler.error!, /^unreadable review: the reply holds no JSON/);
  assert.match(mumbler.reply_excerpt!, /they seem fine to me/);
  assert.deepEqual([row(inline, 'model-alpha').verdict, row(inline, 'model-alpha').split], ['Ship', '1 ship / 0 skip']);
  assert.deepEqual([row(inline, 'model-gamma').verdict, row(inline, 'model-gamma').split], ['Skip', '0 ship / 1 skip']);
  assert.equal(inline.recommendation.model, 'model-alpha');

  const configured = (await compare({ models: ['model-alpha', 'model-beta'], prompt: 'Explain DNS.', panel: 'duo' })).body as Comparison;
  assert.equal(configured.panel!.name, 'duo');
  assert.deepEqual(configured.reviews.map((review) => [review.persona, review.ok]), [['builder', true], ['skeptic', true]]);
  assert.deepEqual([row(configured, 'model-beta').verdict, row(configured, 'model-beta').split], ['Mixed', '1 ship / 1 skip']);

  const unknown = await compare({ models: ['model-alpha', 'model-beta'], prompt: 'x', panel: 'trio' });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error.message, /no panel "trio".*known panels: default, duo, none/);
});

test('a failed model is reported with its error and gets no verdict; the judge defaults to the first model that answered', async (context) => {
  const { compare } = await compareStack(context);
  const { status, body } = await compare({ models: ['model-broken', 'model-alpha', 'model-gamma'], prompt: 'Hello' });
  assert.equal(status, 200, JSON.stringify(body));
  const comparison = body as Comparison;
  const broken = comparison.answers.find((answer) => answer.model === 'model-broken')!;
  assert.deepEqual([broken.ok, broken.status, broken.text], [false, 503, '']);
  assert.match(broken.error!, /scripted failure of fails/);
  assert.deepEqual([row(comparison, 'model-broken').verdict, row(comparison, 'model-broken').answered], [null, 0]);
  assert.match(row(comparison, 'model-broken').error!, /scripted failure of fails/);
  assert.equal(comparison.stored, false, 'no store on this gateway');
  // model-alpha judges; it writes prose, not reviews, so every persona is unreadable and nobody gets a verdict.
  assert.equal(comparison.judge, 'model-alpha');
  assert.ok(comparison.reviews.every((review) => !review.ok && /^unreadable review/.test(review.error!)));
  assert.ok(comparison.scoreboard.every((entry) => entry.verdict === null));
  assert.deepEqual(comparison.recommendation, { model: null, text: 'No recommendation: the panel gave no readable verdict on any answer.' });
});

test('a judge that fails leaves each persona with the reason; no model answering is a 502 listing every fate', async (context) => {
  const { compare } = await compareStack(context);
  const judged = (await compare({ models: ['model-alpha', 'model-gamma'], prompt: 'Hello', judge: 'panel-down', panel: [{ name: 'builder', rubric: 'Works?' }] })).body as Comparison;
  assert.equal(judged.reviews.length, 1);
  assert.match(judged.reviews[0].error!, /^the judge call failed: .*scripted failure of judge-down/);
  assert.equal(judged.recommendation.model, null);

  const none = await compare({ models: ['model-broken', 'model-broken-too'], prompt: 'Hello' });
  assert.equal(none.status, 502);
  assert.equal(none.body.error.code, 'no_answers');
  assert.match(none.body.error.message, /^no model answered.*model-broken: .*scripted failure.*; model-broken-too: .*scripted failure/);
});

test('several prompts: every model answers each, personas review each prompt, scorecards span them', async (context) => {
  const { compare } = await compareStack(context);
  const comparison = (await compare({ models: ['model-alpha', 'model-gamma'], prompts: ['First question', 'Second question'], judge: 'panel-judge', panel: [{ name: 'builder', rubric: 'Works?' }, { name: 'creator', rubric: 'Reads well?' }] })).body as Comparison;
  assert.deepEqual(comparison.answers.map((answer) => [answer.prompt, answer.model]), [[0, 'model-alpha'], [0, 'model-gamma'], [1, 'model-alpha'], [1, 'model-gamma']]);
  assert.match(comparison.answers[2].text, /^You asked: Second question/);
  assert.deepEqual(comparison.reviews.map((review) => [review.prompt, review.persona, review.ok]), [[0, 'builder', true], [0, 'creator', true], [1, 'builder', true], [1, 'creator', true]]);
  assert.ok(comparison.scorecards.every((card) => card.prompts === 2));
  assert.deepEqual([row(comparison, 'model-alpha').answered, row(comparison, 'model-alpha').prompts, row(comparison, 'model-alpha').average_score], [2, 2, 95]);
});

test('stored: listed newest first and paged, reopened whole, voted on, and votes give per-model win rates', async (context) => {
  const { compare, get, post } = await compareStack(context, { store: true });
  const ids: string[] = [];
  for (const [index, models] of [['model-alpha', 'model-beta'], ['model-alpha', 'model-gamma'], ['model-beta', 'model-gamma', 'model-broken']].entries()) {
    const { body } = await compare({ models, prompt: `Question ${index}`, panel: 'none', name: `run ${index}` });
    assert.equal(body.stored, true);
    ids.push(body.id);
  }
  const first = await get('/v1/compare?limit=2');
  assert.equal(first.status, 200);
  assert.deepEqual(first.body.data.map((item: { id: string }) => item.id), [ids[2], ids[1]]);
  assert.equal(first.body.has_more, true);
  assert.deepEqual(first.body.data[0].models, ['model-beta', 'model-gamma', 'model-broken']);
  assert.equal(first.body.data[0].name, 'run 2');
  assert.equal(first.body.data[0].prompt, 'Question 2');
  const second = await get(`/v1/compare?limit=2&after=${first.body.last_id}`);
  assert.deepEqual(second.body.data.map((item: { id: string }) => item.id), [ids[0]]);
  assert.equal(second.body.has_more, false);

  const reopened = await get(`/v1/compare/${ids[0]}`);
  assert.equal(reopened.status, 200);
  assert.equal(reopened.body.id, ids[0]);
  assert.equal(reopened.body.answers.length, 2);
  assert.deepEqual(reopened.body.votes, []);
  assert.equal((await get('/v1/compare/cmp_missing')).status, 404);

  const vote = await post(`/v1/compare/${ids[0]}/votes`, { winner: 'model-alpha', voter: 'ana', note: 'clearer' });
  assert.equal(vote.status, 201);
  assert.deepEqual({ ...vote.body, id: 0, created_at: 0 }, { id: 0, object: 'comparison.vote', comparison_id: ids[0], created_at: 0, winner: 'model-alpha', voter: 'ana', note: 'clearer' });
  // Ana changes her mind: her vote is replaced, not added.
  await post(`/v1/compare/${ids[0]}/votes`, { winner: 'model-beta', voter: 'ana' });
  await post(`/v1/compare/${ids[0]}/votes`, { winner: 'model-beta', voter: 'bo' });
  await post(`/v1/compare/${ids[1]}/votes`, { winner: 'model-alpha' });
  await post(`/v1/compare/${ids[2]}/votes`, { winner: 'tie' });
  const refused = await post(`/v1/compare/${ids[2]}/votes`, { winner: 'model-broken' });
  assert.equal(refused.status, 400, 'a model that did not answer cannot win');
  assert.match(refused.body.error.message, /one of the models that answered, or "tie": "model-beta", "model-gamma", "tie"/);
  assert.equal((await post('/v1/compare/cmp_missing/votes', { winner: 'tie' })).status, 404);

  const votes = await get(`/v1/compare/${ids[0]}/votes`);
  assert.deepEqual(votes.body.data.map((entry: { voter: string; winner: string }) => [entry.voter, entry.winner]), [['ana', 'model-beta'], ['bo', 'model-beta']]);
  assert.deepEqual(votes.body.tally, { 'model-beta': 2 });
  assert.deepEqual((await get(`/v1/compare/${ids[0]}`)).body.vote_tally, { 'model-beta': 2 });

  const rates = await get('/v1/compare/win-rates');
  assert.equal(rates.status, 200);
  assert.deepEqual(rates.body.data, [
    { model: 'model-alpha', win_rate: 0.5, wins: 1, ties: 0, losses: 1, comparisons: 2, votes: 1 },
    { model: 'model-beta', win_rate: 0.5, wins: 1, ties: 1, losses: 0, comparisons: 2, votes: 2 },
    { model: 'model-gamma', win_rate: 0, wins: 0, ties: 1, losses: 1, comparisons: 2, votes: 0 },
  ]);
  assert.deepEqual((await get('/v1/compare/win-rates?team=nobody')).body.data, []);
});

test('a store that cannot take the comparison costs only `stored: false`: the paid-for result still comes back', async (context) => {
  const { compare, stack } = await compareStack(context, { store: true });
  const store = stack.gateway.store!;
  store.saveComparison = () => {
    throw new Error('database or disk is full');
  };
  const { status, body } = await compare({ models: ['model-alpha', 'model-gamma'], prompt: 'Hi', panel: 'none' });
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.stored, false);
  assert.deepEqual(body.answers.map((answer: { ok: boolean }) => answer.ok), [true, true]);
});

test('without a store, comparisons still run (stored: false) and the stored-only routes answer 503', async (context) => {
  const { compare, get, post } = await compareStack(context);
  const { body } = await compare({ models: ['model-alpha', 'model-gamma'], prompt: 'Hi', panel: 'none' });
  assert.equal(body.stored, false);
  assert.equal(body.panel, null);
  assert.equal(body.recommendation.model, null);
  assert.deepEqual(body.cost, { answers_usd: body.cost.answers_usd, panel_usd: null, total_usd: body.cost.answers_usd, partial: false });
  assert.equal(typeof body.cost.answers_usd, 'number');
  for (const answer of [await get('/v1/compare'), await get('/v1/compare/win-rates'), await get(`/v1/compare/${body.id}`), await post(`/v1/compare/${body.id}/votes`, { winner: 'tie' })]) {
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error.code, 'store_unavailable');
    assert.match(answer.body.error.message, /without a data directory/);
  }
});

test('with keys on, the caller’s key is forwarded to every call of the comparison', async (context) => {
  const adminKey = 'admin-key-for-compare-tests-0123456789';
  const { stack, panel } = await compareStack(context, { store: true, adminKey });
  const send = (headers: Record<string, string>) => fetch(`${stack.baseUrl}/v1/compare`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ models: ['model-alpha', 'model-gamma'], prompt: 'Hi', judge: 'panel-judge', panel: [{ name: 'builder', rubric: 'Works?' }] }),
  });
  assert.equal((await send({})).status, 401);
  assert.equal(panel.requests.length, 0);
  const answer = await send({ authorization: `Bearer ${adminKey}` });
  const comparison = (await answer.json()) as Comparison;
  assert.equal(answer.status, 200, JSON.stringify(comparison));
  assert.ok(comparison.answers.every((entry) => entry.ok) && comparison.reviews.every((review) => review.ok));
  assert.equal(panel.requests.length, 3);
  assert.ok(!JSON.stringify(comparison).includes(adminKey), 'the key appears nowhere in the result');

  // Comparisons belong to the caller's team: another team's key neither lists nor reopens them.
  const keyOf = async (team: string): Promise<string> => {
    const created = await fetch(`${stack.baseUrl}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ team }) });
    return ((await created.json()) as { key: string }).key;
  };
  const [red, blue] = [await keyOf('red'), await keyOf('blue')];
  const owned = (await (await send({ authorization: `Bearer ${red}` })).json()) as Comparison & { id: string };
  const list = async (key: string) => ((await (await fetch(`${stack.baseUrl}/v1/compare`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] }).data.map((entry) => entry.id);
  assert.deepEqual(await list(red), [owned.id]);
  assert.deepEqual(await list(blue), []);
  assert.equal((await fetch(`${stack.baseUrl}/v1/compare/${owned.id}`, { headers: { authorization: `Bearer ${blue}` } })).status, 404);
  assert.ok((await list(adminKey)).includes(owned.id), 'the admin sees every team');
});

test('refused: one model, nine models, no prompt, a bad body, a wrong method', async (context) => {
  const { compare, stack, panel } = await compareStack(context);
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ models: ['model-alpha'], prompt: 'x' }, 'models', /2 to 8 models \(got 1\)/],
    [{ models: Array.from({ length: 9 }, (_, index) => `m${index}`), prompt: 'x' }, 'models', /2 to 8 models \(got 9\)/],
    [{ models: ['model-alpha', 'model-beta'] }, 'prompt', /give what to compare on/],
    [{ models: ['model-alpha', 'model-beta'], prompt: 'x', max_tokens: 0 }, 'max_tokens', /whole number from 1/],
  ];
  for (const [body, param, message] of cases) {
    const answer = await compare(body);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.type, 'invalid_request_error');
    assert.equal(answer.body.error.param, param);
    assert.match(answer.body.error.message, message);
  }
  assert.equal(panel.requests.length, 0, 'nothing was called');
  const notJson = await fetch(`${stack.baseUrl}/v1/compare`, { method: 'POST', body: '[1,2]' });
  assert.equal(notJson.status, 400);
  assert.equal((await fetch(`${stack.baseUrl}/v1/compare`, { method: 'PUT', body: '{}' })).status, 405);
  assert.equal((await fetch(`${stack.baseUrl}/v1/compare/cmp_x`, { method: 'DELETE' })).status, 405);
  assert.equal((await fetch(`${stack.baseUrl}/v1/compare/%E0%A4%A`)).status, 400);
});

test('modelmux compare: the table and the recommendation, --json, list, vote and win-rates against a running gateway', async (context) => {
  const { stack } = await compareStack(context, { store: true });
  const run = (...args: string[]) => cli(['compare', '--url', stack.baseUrl, ...args]);
  const table = await run('--models', 'model-alpha,model-beta,model-broken', '--judge', 'panel-judge', 'How should I cache API responses?');
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split('\n');
  assert.match(lines[0], /^Comparison cmp_\S+: "How should I cache API responses\?"$/);
  assert.match(table.stdout, /MODEL\s+LATENCY MS\s+TTFT MS\s+TOKENS IN\/OUT\s+COST\s+VERDICT\s+SPLIT\s+SCORE/);
  assert.match(table.stdout, /model-alpha\s+\d+\s+\d+\s+\d+\/\d+\s+\$[\d.]+\s+Ship\s+5 ship \/ 0 skip\s+85/);
  assert.match(table.stdout, /model-beta\s+.*Mixed\s+3 ship \/ 2 skip\s+50/);
  assert.match(table.stdout, /model-broken\s+-\s+-\s+-\s+-\s+failed/);
  assert.match(table.stdout, /model-broken failed: .*scripted failure of fails/);
  assert.match(table.stdout, /PERSONA\s+MODEL\s+SCORE\s+VERDICT\s+TAKE/);
  assert.match(table.stdout, /\nWhich one should you ship with\? Ship with model-alpha: the panel says Ship/);
  const id = /Stored as (cmp_\S+);/.exec(table.stdout)![1];

  const json = await run('--models', 'model-alpha,model-gamma', '--panel', 'none', '--json', 'Second prompt');
  assert.equal(json.code, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).object, 'comparison');

  const vote = await run('vote', id, 'model-alpha', '--voter', 'ana');
  assert.equal(vote.stdout.trim(), `Recorded a vote for model-alpha on ${id}.`);
  assert.match((await run('list')).stdout, new RegExp(`${id}\\s+\\S+ \\S+\\s+How should I cache API re\\S*\\s+model-alpha, model-beta, model-broken\\s+model-alpha\\s+1`));
  assert.match((await run('win-rates')).stdout, /model-alpha\s+100%\s+1\s+0\s+0\s+1\s+1\n.*model-beta\s+0%\s+0\s+0\s+1\s+1\s+0/);
  const refused = await run('vote', id, 'model-broken');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /modelmux compare: `winner` must be one of the models that answered/);

  assert.equal((await cli(['compare', '--help'])).code, 0);
  const missing = await cli(['compare', 'a prompt without models']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--models is required/);
  const away = await cli(['compare', '--url', 'http://127.0.0.1:1', '--models', 'a,b', 'x']);
  assert.equal(away.code, 1);
  assert.match(away.stderr, /no gateway answered at http:\/\/127\.0\.0\.1:1/);
});

/** The CLI in process, with no MODELMUX_URL or MODELMUX_API_KEY in its environment. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, {});
}

/** Polls until `probe` returns something (the ledger settles as each call's response closes). */
async function waitFor<T>(probe: () => T | null, attempts = 100): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const found = probe();
    if (found !== null) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const found = probe();
  if (found === null) throw new Error('the condition never held');
  return found;
}
