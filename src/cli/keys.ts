// Placeholder for `modelmux keys` (being built).
export async function run(_argv: string[]): Promise<void> {
  console.error('modelmux keys: not available yet');
  process.exitCode = 1;
}
