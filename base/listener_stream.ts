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
  /**
   * Back-pressure on the source: events the reader has not taken, weighed
   * by `size`, past `limit` call `pause` (and `repause` at each event that
   * still comes while paused and full), and `resume` once no more than
   * `resumeAt` is left (or the stream is cancelled). Without it the stream
   * buffers without limit.
   */
  hold?: StreamHold<T>;
}

/** See {@linkcode ListenerStreamOptions.hold}. */
export interface StreamHold<T> {
  /** An event's weight (a finite number, at least 0). */
  size(event: T): number;
  /** The weight of unread events past which the source pauses. */
  limit: number;
  /** The weight of unread events at which a paused source resumes. */
  resumeAt: number;
  /**
   * Stop the source sending (its events are kept elsewhere meanwhile).
   *
   * @param unread The weight of the events the reader has not taken yet,
   *   read when needed: to say how far behind a reader that holds the
   *   source paused is, then and later.
   */
  pause(unread: () => number): void;
  /**
   * Pause what sends although the stream holds the source paused and is
   * still full: a part of the source that took no pause, or lost it, since
   * `pause` (a shard that was not running then, or was closed and started
   * again). Without it such a part fills the stream past `limit` without
   * bound. Asked at each event that arrives while paused and full, so it
   * should be cheap when nothing escaped.
   *
   * @param unread As for `pause`.
   */
  repause?(unread: () => number): void;
  /**
   * Let the source send again: the reader caught up, cancelled the stream,
   * or the stream ended.
   */
  resume(): void;
}

/**
 * Every event a listener gets from now on, as a stream (also
 * `for await`-able). No event is dropped while the reader is busy: the
 * stream buffers them, without limit unless `hold` pauses the source; it
 * closes when `watchEnd` calls its `end`, and cancelling it stops
 * listening.
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
  const hold = options.hold;
  let stopListening: (() => void) | undefined;
  let stopWatching: (() => void) | undefined;
  let paused = false;
  const stop = (): void => {
    stopListening?.();
    stopWatching?.();
  };
  // Ends the stream's pause (its source may still be paused by others).
  const release = (): void => {
    if (!paused) return;
    paused = false;
    hold!.resume();
  };
  return new ReadableStream<T>(
    {
      start: (controller) => {
        if (options.ended?.()) {
          controller.close(); // Nothing will ever come.
          return;
        }
        // Asked only until the end releases the pause; an errored stream
        // (desiredSize null) holds nothing.
        const unread = () =>
          hold!.limit - (controller.desiredSize ?? hold!.limit);
        stopListening = options.listen((event) => {
          controller.enqueue(event);
          // desiredSize: the limit less the weight of what waits unread.
          if (!hold || controller.desiredSize! > 0) return;
          if (!paused) {
            paused = true;
            hold.pause(unread);
          } else {
            // Paused, yet an event came: part of the source escaped the
            // pause (started since, or restarted: a close ends its pauses).
            // Asked only while full, so it waits at most one event each.
            hold.repause?.(unread);
          }
        });
        stopWatching = options.watchEnd(() => {
          stop();
          controller.close();
          // The source is done: a hold that watches its pause (a timer, a
          // warning) stops watching, whatever is left unread.
          release();
        });
      },
      // Called as the reader takes events while there is room; only with
      // a hold (a pull costs a promise per event).
      ...(hold && {
        pull: (controller: ReadableStreamDefaultController<T>) => {
          if (paused && controller.desiredSize! >= hold.limit - hold.resumeAt) {
            release();
          }
        },
      }),
      cancel: () => {
        stop();
        release();
      },
    },
    hold ? { highWaterMark: hold.limit, size: (event) => hold.size(event) } : {
      highWaterMark: Number.POSITIVE_INFINITY,
    },
  );
}
