// deno-lint-ignore-file no-console -- examples print what they do
/**
 * Ctrl+C for the examples that run against Discord: the first stops the bot
 * cleanly, also while it is still connecting (the signal is the client's
 * `signal`); a second exits at once (130), as `stop()` waits up to 10 s for
 * a handler still running.
 *
 * @module
 */
import { ClientStoppedError } from "@disruption/disruption";

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

/**
 * Start a bot with a Ctrl+C signal, run it until Ctrl+C, then stop it,
 * saying each step. A Ctrl+C during the start (the client's `start()`
 * rejects with `ClientStoppedError`, a command sync with the abort) says it
 * stopped before it finished connecting; any other error, the stop's
 * included, is thrown on.
 *
 * @param start Starts the bot with the signal as its client's `signal`.
 */
export async function runUntilCtrlC(
  start: (signal: AbortSignal) => Promise<{ stop(): Promise<void> }>,
): Promise<void> {
  using interrupt = ctrlC();
  let client: { stop(): Promise<void> };
  try {
    client = await start(interrupt.signal);
  } catch (error) {
    const stopped = error instanceof ClientStoppedError ||
      interrupt.signal.aborted;
    if (!stopped) throw error;
    console.log("Stopped before it finished connecting.");
    return;
  }
  console.log("Running; press Ctrl+C to stop.");
  await aborted(interrupt.signal);
  console.log("Stopping...");
  await client.stop();
  console.log("Stopped.");
}
