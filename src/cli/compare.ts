// Placeholder for `modelmux compare` (being built).
export async function run(_argv: string[]): Promise<void> {
  console.error('modelmux compare: not available yet');
  process.exitCode = 1;
}
