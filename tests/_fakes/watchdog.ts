// Loopback tests use real sockets and await events; a watchdog turns a hang
// into a failure that says what was awaited. It never sleeps for a fixed time.

/** How long any one awaited event may take before the test fails. */
export const WATCHDOG_MS = 10_000;

/** Reject with `what` if `promise` has not settled within `ms`. */
export async function within<T>(
  promise: Promise<T>,
  what: string,
  ms: number = WATCHDOG_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}
