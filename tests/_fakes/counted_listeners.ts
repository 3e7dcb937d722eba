// Counting what is added to and removed from an AbortSignal's listeners:
// the shared-signal tests count, not time, what each call costs it.

/** `signal`, counting the listeners added to and removed from it. */
export function counted(
  signal: AbortSignal,
): { added: number; removed: number } {
  const counts = { added: 0, removed: 0 };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    counts.added++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    counts.removed++;
    remove(...args);
  };
  return counts;
}
