/**
 * Collects what library code writes to stderr (`console.error`) while `run`
 * runs, one entry per call; the real `console.error` is restored after.
 */
export async function captureStderr(
  run: () => unknown,
): Promise<string[]> {
  const lines: string[] = [];
  // deno-lint-ignore no-console
  const original = console.error;
  // deno-lint-ignore no-console
  console.error = (...parts: unknown[]) => void lines.push(parts.join(" "));
  try {
    await run();
  } finally {
    // deno-lint-ignore no-console
    console.error = original;
  }
  return lines;
}
