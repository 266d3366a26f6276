// A seeded, bounded fuzz of every endpoint, over real HTTP, against a gateway on the simulator: open
// (no admin key) and keyed (admin key, a limited virtual key). Each endpoint group is one property:
// whatever the request, the gateway answers in time, with no 5xx of its own, errors in the caller's
// format, streams that end, keys that hold, no uncaught exception, and /health still answers.
//
//   MODELMUX_FUZZ_SEED=<n>     another sequence (the default is fixed, so every run is the same)
//   MODELMUX_FUZZ_RUNS=<n>     runs per unit of a group's weight (default 12; raise for a long run)
//   MODELMUX_FUZZ_ONLY=<list>  only these groups, e.g. `chat`, `keyed:admin_keys`, `chat,usage`
//   MODELMUX_FUZZ_SURVEY=1     no stopping at the first failure: every request is sent, and each
//                              distinct problem is reported with the first request that showed it
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import fc from 'fast-check';
import { adminKey, startBillingStack } from './accounts-helpers.ts';
import { problemsOf } from './fuzz-checks.ts';
import type { CheckContext } from './fuzz-checks.ts';
import { describeRequest, excerpt, send, wireRequest } from './fuzz-client.ts';
import type { Fixtures, Reply } from './fuzz-client.ts';
import { groups } from './fuzz-requests.ts';
import type { FuzzRequest, Mode } from './fuzz-requests.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

const baseSeed = integerFromEnvironment('MODELMUX_FUZZ_SEED', 20_260_611);
const baseRuns = integerFromEnvironment('MODELMUX_FUZZ_RUNS', 12);
const only = (process.env.MODELMUX_FUZZ_ONLY ?? '').split(',').map((item) => item.trim()).filter(Boolean);
const survey = process.env.MODELMUX_FUZZ_SURVEY === '1';
/** No answer within this is a hang. */
const answerWithinMs = 5_000;
/** Shrinking stops after this many steps, or this long, and reports the smallest failure so far. */
const maxShrinks = 150;
const groupTimeLimitMs = 30_000;

/** The limited key's models: some of what the simulator serves, not all of it. */
const limitedModels = ['test-model', 'echo-model', 'sim/*', 'chat/*'];

// Short upstream timeouts and little waiting between attempts, so a provider fault the fuzzer asks
// for costs milliseconds; still long enough that a healthy simulator never trips them.
const stackOptions = {
  everyFormat: true,
  timeouts: { firstByteMs: 3_000, idleMs: 3_000, totalMs: 4_500 },
  routing: { maxAttempts: 2, backoffMs: 5, maxBackoffMs: 20, deadlineMs: 4_500 },
};

/** Uncaught exceptions and unhandled rejections while fuzzing: any one is a crash of the gateway. */
const crashes: unknown[] = [];
let onCrash: ((error: unknown) => void) | null = null;
const recordCrash = (error: unknown): void => {
  crashes.push(error);
  onCrash?.(error);
};

for (const mode of ['open', 'keyed'] as const) {
  const selected = Object.entries(groups).filter(([name]) => only.length === 0 || only.includes(name) || only.includes(`${mode}:${name}`));
  if (selected.length === 0) continue;
  describe(`fuzz: ${mode} gateway`, () => {
    let stack: Stack;
    let fixtures: Fixtures;
    let dataDir: string | null = null;
    before(async () => {
      process.on('uncaughtException', recordCrash);
      process.on('unhandledRejection', recordCrash);
      ({ stack, fixtures, dataDir } = await startFuzzStack(mode));
    });
    after(async () => {
      await stack.close();
      if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
      process.off('uncaughtException', recordCrash);
      process.off('unhandledRejection', recordCrash);
    });

    for (const [name, group] of selected) {
      test(`${name}: every answer is timely, not a 5xx of ours, in the caller's error format`, async (context) => {
        const runs = Math.max(1, Math.round(baseRuns * group.weight));
        const target = { stack, fixtures, check: { mode, limitedModels } };
        await (survey ? surveyGroup : fuzzGroup)(context, target, mode, name, group.arbitrary(mode), runs);
      });
    }
  });
}

interface Target {
  stack: Stack;
  fixtures: Fixtures;
  check: CheckContext;
}

async function fuzzGroup(context: TestContext, target: Target, mode: Mode, name: string, arbitrary: fc.Arbitrary<FuzzRequest>, runs: number): Promise<void> {
  const seed = seedFor(mode, name);
  context.diagnostic(`seed ${baseSeed} (property seed ${seed}), ${runs} runs`);
  /** Each distinct problem seen (the first line of it), with the request that first showed it. */
  const seen = new Map<string, string>();
  const property = fc.asyncProperty(fc.limitShrink(arbitrary, maxShrinks), async (request) => {
    const { problems, report, cause } = await exercise(target, request);
    if (problems.length === 0) return;
    for (const problem of problems) if (!seen.has(kindOf(problem, cause))) seen.set(kindOf(problem, cause), report);
    throw new Error(report);
  });
  const details = await fc.check(property, { seed, numRuns: runs, interruptAfterTimeLimit: groupTimeLimitMs });
  const health = await fetch(`${target.stack.baseUrl}/health`).then((response) => response.status, (error: Error) => error.message);
  const failures: string[] = [];
  if (details.failed) {
    const kinds = [...seen.keys()].map((kind) => `  - ${kind}`).join('\n');
    failures.push(
      [
        `fuzz ${mode}/${name} failed after ${details.numRuns} runs, shrunk ${details.numShrinks} times.`,
        `Replay: MODELMUX_FUZZ_SEED=${baseSeed} MODELMUX_FUZZ_ONLY=${mode}:${name} node --test test/fuzz.test.ts  (fast-check seed ${details.seed}, path "${details.counterexamplePath}")`,
        `Smallest failing request found:`,
        details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
        `Generated as: ${fc.stringify(details.counterexample).slice(0, 2_000)}`,
        `Distinct problems seen while fuzzing and shrinking:\n${kinds}`,
      ].join('\n'),
    );
  }
  if (health !== 200) failures.push(`after fuzzing ${name}, GET /health answered ${health}`);
  assert.ok(failures.length === 0, failures.join('\n\n'));
}

/** Every request of the group, unshrunk; fails with one example of each distinct problem. */
async function surveyGroup(context: TestContext, target: Target, mode: Mode, name: string, arbitrary: fc.Arbitrary<FuzzRequest>, runs: number): Promise<void> {
  const seed = seedFor(mode, name);
  context.diagnostic(`survey: seed ${baseSeed} (property seed ${seed}), ${runs} requests`);
  const seen = new Map<string, { count: number; report: string }>();
  for (const request of fc.sample(arbitrary, { seed, numRuns: runs })) {
    const { problems, report, cause } = await exercise(target, request);
    for (const problem of problems) {
      const kind = kindOf(problem, cause);
      const entry = seen.get(kind) ?? { count: 0, report };
      entry.count++;
      seen.set(kind, entry);
    }
  }
  const found = [...seen].map(([kind, { count, report }]) => `=== ${count}x ${kind}\n${report}`);
  assert.ok(found.length === 0, `survey of ${mode}/${name}: ${found.length} distinct problems\n\n${found.join('\n\n')}`);
}

/** Sends one request and judges the answer; a crash while it was in flight fails it at once. */
async function exercise(target: Target, request: FuzzRequest): Promise<{ problems: string[]; report: string; cause: string }> {
  const wire = wireRequest(request, target.fixtures);
  const port = Number(new URL(target.stack.baseUrl).port);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${answerWithinMs} ms`)), answerWithinMs);
  const crashesBefore = crashes.length;
  onCrash = (error) => controller.abort(new Error(`the gateway process threw an uncaught exception: ${errorText(error)}`));
  let reply: Reply;
  try {
    reply = await send(port, wire, controller.signal);
    // Whatever the request set off after its answer (a 'close' handler, a ledger write) runs now.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    clearTimeout(timer);
    onCrash = null;
  }
  const problems = problemsOf(request, wire, reply, target.check);
  for (const error of crashes.slice(crashesBefore)) problems.unshift(`uncaught exception in the gateway process: ${errorText(error)}`);
  const logged = problems.length === 0 ? [] : internalErrorsLogged(target.stack.logs, reply.headers['x-request-id']);
  const report = [...problems.map((problem) => `PROBLEM ${problem}`), 'REQUEST', describeRequest(wire), `ANSWER ${reply.status} ${excerpt(reply.body, 600)}`, ...logged].join('\n');
  // The first frame of the gateway's own code in a logged stack tells apart faults that answer alike.
  const cause = /\bat [^\n]*src\/[^\n]*/.exec(logged.join('\n'))?.[0].replace(/\(file:\/\/\S*\/src\//, '(src/') ?? '';
  return { problems, report, cause };
}

/** The stack traces the gateway logged as internal errors for this request, for the report. */
function internalErrorsLogged(logs: readonly string[], requestId: string | string[] | undefined): string[] {
  if (typeof requestId !== 'string') return [];
  return logs
    .filter((line) => line.includes('"internal error"') && line.includes(requestId))
    .map((line) => `LOGGED ${String(JSON.parse(line).error).split('\n').slice(0, 6).join('\n    ')}`);
}

async function startFuzzStack(mode: Mode): Promise<{ stack: Stack; fixtures: Fixtures; dataDir: string | null }> {
  const comparison = { models: ['test-model', 'echo-model'], prompt: 'hi', panel: 'none' };
  if (mode === 'open') {
    // A data directory even when open, so the ledger, usage and stored comparisons are there to fuzz.
    const dataDir = mkdtempSync(join(tmpdir(), 'modelmux-fuzz-'));
    const stack = await startStack({ ...stackOptions, dataDir });
    const compared = await postJson(stack.baseUrl, '/v1/compare', comparison, {});
    const fixtures = { adminKey: 'no-admin-key', limitedKey: 'no-limited-key', revokedKey: 'no-revoked-key', keyId: 'key_missing', comparisonId: String(compared.id) };
    return { stack, fixtures, dataDir };
  }
  const stack = await startBillingStack(stackOptions);
  const limited = await stack.createKey({ name: 'fuzz-limited', team: 'blue', allowed_models: limitedModels, budget: { limit_usd: 100, period: 'day' }, requests_per_minute: 100_000, tokens_per_minute: 100_000_000 });
  const revoked = await stack.createKey({ name: 'fuzz-revoked' });
  await stack.admin('DELETE', `/admin/keys/${revoked.id}`);
  const mutable = await stack.createKey({ name: 'fuzz-mutable', team: 'red' });
  const compared = await postJson(stack.baseUrl, '/v1/compare', comparison, { authorization: `Bearer ${limited.key}` });
  const fixtures = { adminKey, limitedKey: limited.key, revokedKey: revoked.key, keyId: mutable.id, comparisonId: String(compared.id) };
  // startBillingStack removes its own data directory when closed.
  return { stack, fixtures, dataDir: null };
}

async function postJson(baseUrl: string, path: string, body: unknown, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Record<string, unknown>;
}

/** A problem's kind: its first words, without the ids and numbers that vary between requests, and
 * where in the gateway's code it was logged. */
function kindOf(problem: string, cause: string): string {
  const words = problem.split('\n')[0].replace(/\b(chatcmpl|cmp|key|resp|msg|fus)[-_][A-Za-z0-9]+/g, '$1_…').replace(/\d{5,}/g, '…').slice(0, 110);
  return `${words} ${cause}`.trim();
}

/** The group's own seed, so running one group alone generates what it generates in the full run. */
function seedFor(mode: Mode, name: string): number {
  let hash = baseSeed | 0;
  for (const character of `${mode}:${name}`) hash = (Math.imul(hash, 31) + character.charCodeAt(0)) | 0;
  return hash;
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 6).join('\n') : String(error);
}

function integerFromEnvironment(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${text}"`);
  return value;
}
