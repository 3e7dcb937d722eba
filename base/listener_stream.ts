/**
 * A listener turned into a stream: what `Shard.dispatches()` and
 * `ShardManager.dispatches()` (and any other "every event from now on as a
 * stream") are made of.
 *
 * @module
 */

/** Options for {@linkcode listenerStream}. */
export interface ListenerStreamOptions<T> {
  /**
   * Start listening; returns the function that stops.
   *
   * @param push Receives each event.
   */
  listen(push: (event: T) => void): () => void;
  /**
   * Start watching for the end; returns the function that stops.
   *
   * @param end Call once nothing more will come.
   */
  watchEnd(end: () => void): () => void;
  /** Whether nothing will ever come, checked when the stream starts. */
  ended?: () => boolean;
}

/**
 * Every event a listener gets from now on, as a stream (also
 * `for await`-able). The stream buffers without limit, so no event is
 * dropped while the reader is busy; it closes when `watchEnd` calls its
 * `end`, and cancelling it stops listening.
 *
 * @typeParam T The event.
 * @param options How to listen and how to tell the end.
 * @returns The stream.
 *
 * @example Usage
 * ```ts
 * import { listenerStream } from "./listener_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const target = new EventTarget();
 * const stream = listenerStream<string>({
 *   listen: (push) => {
 *     // `object`, not `Event`: with Node's types loaded (by an npm client)
 *     // the global `Event` has two declarations that do not match.
 *     const on = (event: object): void => push((event as CustomEvent).detail);
 *     target.addEventListener("data", on);
 *     return () => target.removeEventListener("data", on);
 *   },
 *   watchEnd: (end) => {
 *     target.addEventListener("end", end);
 *     return () => target.removeEventListener("end", end);
 *   },
 * });
 * target.dispatchEvent(new CustomEvent("data", { detail: "a" }));
 * target.dispatchEvent(new CustomEvent("data", { detail: "b" }));
 * target.dispatchEvent(new Event("end"));
 * assert.deepEqual(await Array.fromAsync(stream), ["a", "b"]);
 * ```
 */
export function listenerStream<T>(
  options: ListenerStreamOptions<T>,
): ReadableStream<T> {
  let stopListening: (() => void) | undefined;
  let stopWatching: (() => void) | undefined;
  const stop = (): void => {
    stopListening?.();
    stopWatching?.();
  };
  return new ReadableStream<T>({
    start: (controller) => {
      if (options.ended?.()) {
        controller.close(); // Nothing will ever come.
        return;
      }
      stopListening = options.listen((event) => controller.enqueue(event));
      stopWatching = options.watchEnd(() => {
        stop();
        controller.close();
      });
    },
    cancel: stop,
  }, { highWaterMark: Number.POSITIVE_INFINITY });
}
