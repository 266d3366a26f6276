// Text output: the results as Markdown tables (so they paste into BENCHMARKS.md) and the goal lines.
import type { GoalResult } from './goals.ts';
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

export function goalLines(goals: GoalResult[]): string {
  const mark = { pass: 'PASS', fail: 'FAIL', 'not measured': 'N/A ' } as const;
  return goals.map((goal) => `${mark[goal.status]}  ${goal.goal}: ${goal.measured}`).join('\n');
}
