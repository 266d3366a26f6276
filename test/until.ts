// Waiting for what a test cannot await directly: polled every few milliseconds (never a long fixed
// sleep), and bounded, so a broken test fails with a message instead of hanging.
export async function until(condition: () => boolean, what = 'the condition', timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
