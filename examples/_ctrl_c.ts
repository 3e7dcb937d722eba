/**
 * Ctrl+C for the examples that run against Discord: the first stops the bot
 * cleanly, also while it is still connecting (the signal is the client's
 * `signal`); a second exits at once (130), as `stop()` waits up to 10 s for
 * a handler still running.
 *
 * @module
 */

/**
 * Listen for Ctrl+C (SIGINT) until the result is disposed.
 *
 * @returns A signal aborted by the first Ctrl+C (pass it as the client's
 * `signal`); dispose it to stop listening.
 */
export function ctrlC(): { signal: AbortSignal } & Disposable {
  const controller = new AbortController();
  const listener = (): void => {
    if (controller.signal.aborted) Deno.exit(130);
    controller.abort("SIGINT");
  };
  Deno.addSignalListener("SIGINT", listener);
  return {
    signal: controller.signal,
    [Symbol.dispose]: () => Deno.removeSignalListener("SIGINT", listener),
  };
}

/**
 * Resolve when `signal` aborts.
 *
 * @param signal The signal.
 * @returns A promise resolving at the abort.
 */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}
