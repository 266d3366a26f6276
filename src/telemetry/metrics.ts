// Prometheus text-format metrics, kept in plain maps: recording a request is a few map lookups and
// additions, cheap enough for the hot path. Labels are model and provider (bounded by config).

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface RequestObservation {
  model: string;
  provider: string;
  status: number;
  errorType?: string | null;
  durationSeconds: number;
  timeToFirstTokenSeconds?: number | null;
  inputTokens?: number;
  outputTokens?: number;
}

class Histogram {
  counts = new Array<number>(latencyBuckets.length).fill(0);
  sum = 0;
  count = 0;

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    for (let index = 0; index < latencyBuckets.length; index++) {
      if (value <= latencyBuckets[index]) {
        this.counts[index] += 1;
        return;
      }
    }
  }
}

interface Series {
  labels: string;
  requests: Map<number, number>;
  errors: Map<string, number>;
  duration: Histogram;
  timeToFirstToken: Histogram;
  inputTokens: number;
  outputTokens: number;
}

export class Metrics {
  private series = new Map<string, Series>();
  private inFlight = 0;

  requestStarted(): void {
    this.inFlight += 1;
  }

  requestFinished(observation: RequestObservation): void {
    this.inFlight -= 1;
    const series = this.seriesFor(observation.model, observation.provider);
    series.requests.set(observation.status, (series.requests.get(observation.status) ?? 0) + 1);
    if (observation.errorType) series.errors.set(observation.errorType, (series.errors.get(observation.errorType) ?? 0) + 1);
    series.duration.observe(observation.durationSeconds);
    if (observation.timeToFirstTokenSeconds != null) series.timeToFirstToken.observe(observation.timeToFirstTokenSeconds);
    series.inputTokens += observation.inputTokens ?? 0;
    series.outputTokens += observation.outputTokens ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    lines.push('# HELP modelmux_requests_in_flight Requests being served now.', '# TYPE modelmux_requests_in_flight gauge');
    lines.push(`modelmux_requests_in_flight ${this.inFlight}`);
    lines.push('# HELP modelmux_requests_total Requests served, by model, provider and HTTP status.', '# TYPE modelmux_requests_total counter');
    for (const series of this.series.values())
      for (const [status, count] of series.requests) lines.push(`modelmux_requests_total{${series.labels},status="${status}"} ${count}`);
    lines.push('# HELP modelmux_request_errors_total Failed requests, by model, provider and error type.', '# TYPE modelmux_request_errors_total counter');
    for (const series of this.series.values())
      for (const [type, count] of series.errors) lines.push(`modelmux_request_errors_total{${series.labels},type="${escapeLabel(type)}"} ${count}`);
    renderHistogram(lines, 'modelmux_request_duration_seconds', 'Time from request to the last byte of the response.', this.series, (series) => series.duration);
    renderHistogram(lines, 'modelmux_time_to_first_token_seconds', 'Time from request to the first streamed byte from the provider.', this.series, (series) => series.timeToFirstToken);
    lines.push('# HELP modelmux_tokens_total Tokens reported by providers, by direction.', '# TYPE modelmux_tokens_total counter');
    for (const series of this.series.values()) {
      lines.push(`modelmux_tokens_total{${series.labels},direction="input"} ${series.inputTokens}`);
      lines.push(`modelmux_tokens_total{${series.labels},direction="output"} ${series.outputTokens}`);
    }
    renderProcess(lines);
    return lines.join('\n') + '\n';
  }

  private seriesFor(model: string, provider: string): Series {
    const key = model + '\u0000' + provider;
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: `model="${escapeLabel(model)}",provider="${escapeLabel(provider)}"`,
        requests: new Map(),
        errors: new Map(),
        duration: new Histogram(),
        timeToFirstToken: new Histogram(),
        inputTokens: 0,
        outputTokens: 0,
      };
      this.series.set(key, series);
    }
    return series;
  }
}

function renderHistogram(lines: string[], name: string, help: string, all: Map<string, Series>, pick: (series: Series) => Histogram): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
  for (const series of all.values()) {
    const histogram = pick(series);
    if (histogram.count === 0) continue;
    let cumulative = 0;
    for (let index = 0; index < latencyBuckets.length; index++) {
      cumulative += histogram.counts[index];
      lines.push(`${name}_bucket{${series.labels},le="${latencyBuckets[index]}"} ${cumulative}`);
    }
    lines.push(`${name}_bucket{${series.labels},le="+Inf"} ${histogram.count}`);
    lines.push(`${name}_sum{${series.labels}} ${histogram.sum}`);
    lines.push(`${name}_count{${series.labels}} ${histogram.count}`);
  }
}

function renderProcess(lines: string[]): void {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  lines.push('# HELP process_resident_memory_bytes Resident memory size in bytes.', '# TYPE process_resident_memory_bytes gauge');
  lines.push(`process_resident_memory_bytes ${memory.rss}`);
  lines.push('# HELP process_cpu_seconds_total User and system CPU time spent in seconds.', '# TYPE process_cpu_seconds_total counter');
  lines.push(`process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
  lines.push('# HELP nodejs_heap_used_bytes V8 heap in use.', '# TYPE nodejs_heap_used_bytes gauge');
  lines.push(`nodejs_heap_used_bytes ${memory.heapUsed}`);
  lines.push('# HELP nodejs_heap_total_bytes V8 heap reserved.', '# TYPE nodejs_heap_total_bytes gauge');
  lines.push(`nodejs_heap_total_bytes ${memory.heapTotal}`);
  lines.push('# HELP nodejs_external_memory_bytes Memory of buffers and other objects outside the V8 heap.', '# TYPE nodejs_external_memory_bytes gauge');
  lines.push(`nodejs_external_memory_bytes ${memory.external}`);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
