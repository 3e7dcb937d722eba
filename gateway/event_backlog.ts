/**
 * How much event text a consumer that fell behind may leave unhandled
 * before its shard pauses (`Shard.pause`), and how little before it
 * resumes: the Client's handlers and the dispatch streams keep to it, so a
 * slow consumer, or one that never finishes, holds a bounded backlog and
 * Discord keeps the rest for the RESUME. Internal to the package.
 *
 * @module
 */
import type { StreamHold } from "../base/listener_stream.ts";

/**
 * The frame text (UTF-16 code units, about bytes) of events a consumer may
 * hold unhandled before the shard pauses: about 6,000 messages, and an
 * order of magnitude more heap once parsed (a hostile frame of empty
 * objects parses to 20 times its size). Without it a consumer slower than
 * the gateway keeps every later event in memory until the process runs out
 * of it.
 */
export const MAX_HELD_EVENT_CHARS = 16 * 1024 * 1024;

/** Held text at which a paused shard resumes: a quarter of the bound. */
export const RESUME_HELD_EVENT_CHARS = MAX_HELD_EVENT_CHARS / 4;

/** What {@linkcode pauseHold} uses of a shard. */
export interface Pausable {
  /** Pause; the returned function ends this pause (see `Shard.pause`). */
  pause(): () => void;
}

/**
 * The back-pressure a dispatch stream puts on `shards` (see
 * `listenerStream`'s `hold`): past {@linkcode MAX_HELD_EVENT_CHARS} of
 * unread frame text the stream pauses them, and ends its pauses at
 * {@linkcode RESUME_HELD_EVENT_CHARS} (a shard someone else paused too
 * stays paused until they end theirs).
 *
 * @param shards The shards the stream reads, looked at when it pauses.
 * @returns The stream's hold.
 */
export function pauseHold<T extends { size?: number }>(
  shards: () => Iterable<Pausable>,
): StreamHold<T> {
  let resumes: (() => void)[] = [];
  return {
    size: (event) => event.size ?? 0,
    limit: MAX_HELD_EVENT_CHARS,
    resumeAt: RESUME_HELD_EVENT_CHARS,
    pause: () => {
      resumes = [...shards()].map((shard) => shard.pause());
    },
    resume: () => {
      for (const resume of resumes) resume();
      resumes = [];
    },
  };
}
