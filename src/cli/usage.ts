// Placeholder for `modelmux usage` (being built).
export async function run(_argv: string[]): Promise<void> {
  console.error('modelmux usage: not available yet');
  process.exitCode = 1;
}
