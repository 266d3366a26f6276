// Durations as OpenAI writes them in its x-ratelimit-reset-* headers (Go's duration style), so
// clients that parse those headers for OpenAI parse ours too.

/** A duration as OpenAI writes it (Go's style): `250ms`, `12s`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatDuration(ms: number): string {
  const total = Math.ceil(ms);
  if (total < 1_000) return `${Math.max(0, total)}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = String((total % 60_000) / 1_000);
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
