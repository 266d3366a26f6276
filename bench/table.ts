// Text output: the results as Markdown tables (so they paste into BENCHMARKS.md) and the goal lines.
import type { AccountsResult } from './accounts.ts';
import type { ChaosResult, LatencyFigures } from './chaos.ts';
import type { GoalResult } from './goals.ts';
import type { LargePromptResult } from './large-prompt.ts';
import type { Figures } from './summary.ts';

const dash = '-';

const number = (value: number | null, digits: number): string => (value === null || Number.isNaN(value) ? dash : value.toFixed(digits));
const signed = (value: number | null): string => (value === null || Number.isNaN(value) ? dash : `${value >= 0 ? '+' : ''}${value.toFixed(3)}`);
const thousands = (value: number | null): string => (value === null || Number.isNaN(value) ? dash : Math.round(value).toLocaleString('en'));

const streamsCell = (megabytes: number | null, open: number | null, wanted: number): string =>
  megabytes === null ? dash : `${number(megabytes, 1)}${open === wanted ? '' : ` (${open} open)`}`;

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The headline table: the columns the issue asks for. */
export function mainTable(figures: Figures[], connections: number, openStreams: number): string {
  const header = [
    'target',
    `req/s (${connections} conn)`,
    'p50 ms',
    'p99 ms',
    'added p50 ms',
    'added p99 ms',
    'TTFT added ms',
    'RSS MB after load',
    `RSS MB @${openStreams.toLocaleString('en')} streams`,
  ];
  const rows = figures.map((figure) =>
    figure.available
      ? [
          figure.name,
          thousands(figure.requestsPerSecond),
          number(figure.p50Ms, 3),
          number(figure.p99Ms, 3),
          signed(figure.addedP50Ms),
          signed(figure.addedP99Ms),
          signed(figure.firstTokenAddedP50Ms),
          number(figure.rssAfterLoadMB, 1),
          streamsCell(figure.rssOpenStreamsMB, figure.openStreams, openStreams),
        ]
      : [figure.name, 'unavailable', dash, dash, dash, dash, dash, dash, dash],
  );
  const reasons = figures.filter((figure) => !figure.available).map((figure) => `\n${figure.name} unavailable: ${figure.reason ?? 'unknown reason'}`);
  return markdownTable(header, rows) + reasons.join('');
}

/** The supporting figures: streamed throughput, latency under load, raw TTFT, memory, errors. */
export function detailTable(figures: Figures[], connections: number, openStreams: number): string {
  const header = [
    'target',
    `streamed req/s (${connections} conn)`,
    `p50 ms (${connections} conn)`,
    `p99 ms (${connections} conn)`,
    'warm-up added p99 ms (1 conn)',
    'TTFT p50 ms',
    'TTFT added p99 ms',
    `gateway CPU % (${connections} conn)`,
    `load core busy % (${connections} conn)`,
    'idle RSS MB',
    `RSS MB @${openStreams.toLocaleString('en')} streams after load`,
    'errors',
  ];
  const rows = figures
    .filter((figure) => figure.available)
    .map((figure) => [
      figure.name,
      thousands(figure.streamRequestsPerSecond),
      number(figure.loadedP50Ms, 3),
      number(figure.loadedP99Ms, 3),
      signed(figure.warmupAddedP99Ms),
      number(figure.firstTokenP50Ms, 3),
      signed(figure.firstTokenAddedP99Ms),
      figure.gatewayCpu === null ? dash : number(figure.gatewayCpu * 100, 0),
      figure.loadCoreBusy === null ? dash : number(figure.loadCoreBusy * 100, 0),
      number(figure.rssIdleMB, 1),
      streamsCell(figure.rssOpenStreamsAfterLoadMB, figure.openStreamsAfterLoad, openStreams),
      String(figure.errors),
    ]);
  return markdownTable(header, rows);
}

/** Large prompts through each codec: one row per path, then the linearity check. */
export function largePromptTable(result: LargePromptResult): string {
  if (!result.available) return `large prompts: not measured (${result.reason})`;
  const header = [
    'path (client -> provider)',
    'body MB',
    'direct p50 ms',
    'modelmux p50 ms',
    'modelmux p90 ms',
    'added p50 ms',
    'added p90 ms',
    `gateway peak RSS MB${result.peakRssPerSeries ? '' : ' (cumulative)'}`,
    'errors',
  ];
  const rows = result.rows.map((row) => [
    `${row.path} (${row.kind})${row.megabytes === 4 ? '' : ` @${row.megabytes} MB`}`,
    number(row.bodyBytes / 1048576, 2),
    number(row.direct?.p50Ms ?? null, 1),
    number(row.modelmux?.p50Ms ?? null, 1),
    number(row.modelmux?.p90Ms ?? null, 1),
    row.addedP50Ms === null ? dash : `${row.addedP50Ms >= 0 ? '+' : ''}${row.addedP50Ms.toFixed(1)}`,
    row.addedP90Ms === null ? dash : `${row.addedP90Ms >= 0 ? '+' : ''}${row.addedP90Ms.toFixed(1)}`,
    number(row.peakRssMB, 1),
    String((row.direct?.errors ?? 0) + (row.modelmux?.errors ?? 0)),
  ]);
  const { linearity } = result;
  const added = (['1', '2', '4'] as const).map((size) => `${size} MB ${linearity.addedP50Ms[size] === null ? dash : `${linearity.addedP50Ms[size]?.toFixed(1)} ms`}`).join(', ');
  const ratios = `4 MB / 1 MB = ${number(linearity.ratio4to1, 2)}, 2 MB / 1 MB = ${number(linearity.ratio2to1, 2)} (linear: 4 and 2; quadratic: 16 and 4)`;
  return `${markdownTable(header, rows)}\n\nlinearity (${linearity.path}, added p50): ${added}; ${ratios}`;
}

/** Chaos: one row per provider that answered, against its healthy twin; then errors and attempts. */
export function chaosTable(result: ChaosResult): string {
  if (!result.available) return `chaos: not measured (${result.reason})`;
  const added = (value: number | null): string => (value === null ? dash : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`);
  const header = ['served by', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'healthy twin', 'twin p50 ms', 'twin p99 ms', 'added p50 ms', 'added p95 ms', 'added p99 ms'];
  const rows = result.paths.map((path) => [
    `${path.servedBy}${path.afterFailover ? ' after failover' : ', first try'}`,
    thousands(path.requests),
    number(path.chaos.p50Ms, 2),
    number(path.chaos.p95Ms, 2),
    number(path.chaos.p99Ms, 2),
    path.baselineModel ?? dash,
    number(path.baseline?.p50Ms ?? null, 2),
    number(path.baseline?.p99Ms ?? null, 2),
    added(path.addedP50Ms),
    added(path.addedP95Ms),
    added(path.addedP99Ms),
  ]);
  rows.push(['all', thousands(result.chaos.samples), number(result.chaos.p50Ms, 2), number(result.chaos.p95Ms, 2), number(result.chaos.p99Ms, 2), dash, dash, dash, dash, dash, dash]);
  const { attempts } = result;
  const share = (count: number): string => `${count.toLocaleString('en')} (${((count / Math.max(1, result.chaos.samples)) * 100).toFixed(1)}%)`;
  const attemptLine = `attempts: 1: ${share(attempts.one)}, 2: ${share(attempts.two)}, 3+: ${share(attempts.threeOrMore)}${attempts.missing > 0 ? `, no header: ${attempts.missing}` : ''}`;
  const early = result.stoppedEarly ? `; stopped on its time budget after ${result.completed.toLocaleString('en')} of ${result.requests.toLocaleString('en')}` : '';
  const totals = `client-visible errors: ${result.errors} (twins: ${result.baselineErrors}); ${thousands(result.requestsPerSecond)} req/s chaos and twins together, ${result.concurrency} in flight, ${(result.streamedShare * 100).toFixed(0)}% streamed${early}`;
  const samples = result.errorSamples.map((sample) => `\n  ${sample}`).join('');
  return `${markdownTable(header, rows)}\n\n${attemptLine}\n${totals}${samples}`;
}

/** Accounts: the same requests with and without keys, budgets and the ledger. */
export function accountsTable(result: AccountsResult): string {
  if (!result.available) return `accounts: not measured (${result.reason})`;
  const header = ['gateway', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const row = (name: string, figures: LatencyFigures): string[] => [name, thousands(figures.samples), number(figures.p50Ms, 3), number(figures.p95Ms, 3), number(figures.p99Ms, 3), number(figures.maxMs, 2)];
  const rows = [row('bare: open, no ledger', result.bare), row('keyed: key with budget, credits, rpm, tpm; ledger', result.keyed)];
  const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`;
  return `${markdownTable(header, rows)}

added by accounts: ${signed(result.addedP50Ms)} p50, ${signed(result.addedP99Ms)} p99; ${thousands(result.ledgerRows)} ledger rows written; ${result.errors} errors`;
}

export function goalLines(goals: GoalResult[]): string {
  const mark = { pass: 'PASS', fail: 'FAIL', 'not measured': 'N/A ' } as const;
  return goals.map((goal) => `${mark[goal.status]}  ${goal.goal}: ${goal.measured}`).join('\n');
}
