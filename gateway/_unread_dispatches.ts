/**
 * What a `ShardManager.dispatches()` stream holds that its reader has not
 * taken, per shard: the manager's session saves stay before it (see
 * `resume_point.ts`), so that a process that dies with events unread has
 * Discord send them again to the next one.
 *
 * Private to the package: the manager builds one per stream, and its
 * behaviour is tested through the manager
 * (`tests/gateway/manager_crash_resume_test.ts`).
 *
 * @module
 */
import { Fifo } from "../base/fifo.ts";
import {
  listenerStream,
  type ListenerStreamOptions,
} from "../base/listener_stream.ts";
import { resumeBefore, type ResumePoint } from "./resume_point.ts";
import type { Shard, ShardDispatch } from "./shard.ts";

/** One shard's events in the stream. */
interface ShardUnread {
  /** Where to resume for each event not taken yet, in order. */
  readonly from: Fifo<number>;
  /** How many of its events went into the stream. */
  added: number;
  /** How many of them the reader took. */
  taken: number;
  /** The session of the latest one. */
  sessionId: string | undefined;
  /** The place of the first event of that session (counted as `added`). */
  sessionStart: number;
  /** Where to resume for that first event to come again. */
  sessionFrom: number;
}

/** The events one stream holds unread, by shard, in order. */
export class UnreadDispatches {
  readonly #shards: ReadonlyMap<number, Shard>;
  readonly #unread = new Map<number, ShardUnread>();

  /**
   * Track a stream of the dispatches of `shards`.
   *
   * @param shards The manager's shards, by ID.
   */
  constructor(shards: ReadonlyMap<number, Shard>) {
    this.#shards = shards;
  }

  /**
   * An event went into the stream (as it arrives: its shard holds the
   * session it came in).
   *
   * @param event The event.
   */
  added(event: ShardDispatch): void {
    const sessionId = this.#shards.get(event.shardId)?.sessionId;
    const from = resumeBefore(event.sequence, event.name);
    let unread = this.#unread.get(event.shardId);
    if (unread === undefined) {
      unread = {
        from: new Fifo(),
        added: 0,
        taken: 0,
        sessionId,
        sessionStart: 0,
        sessionFrom: from,
      };
      this.#unread.set(event.shardId, unread);
    } else if (unread.sessionId !== sessionId) {
      unread.sessionId = sessionId;
      unread.sessionStart = unread.added;
      unread.sessionFrom = from;
    }
    unread.from.push(from);
    unread.added++;
  }

  /**
   * The reader took an event: each shard's come out in the order they
   * went in.
   *
   * @param event The event.
   */
  taken(event: ShardDispatch): void {
    const unread = this.#unread.get(event.shardId);
    if (unread === undefined) return;
    unread.from.shift();
    unread.taken++;
  }

  /** The stream ended or was cancelled: it holds nothing any more. */
  clear(): void {
    this.#unread.clear();
  }

  /**
   * Where `shard`'s session must resume from for its unread events to come
   * again (a `ResumePoint`).
   *
   * @param shard The shard.
   * @returns The sequence before its first unread event of the session it
   * holds; `undefined` when there is none.
   */
  resumePoint = (shard: Shard): number | undefined => {
    const unread = this.#unread.get(shard.id);
    // Sessions only move on: events of the one held are the latest ones,
    // and those of an earlier session cannot come again.
    if (
      unread === undefined || unread.taken === unread.added ||
      unread.sessionId !== shard.sessionId
    ) {
      return undefined;
    }
    return unread.taken >= unread.sessionStart
      ? unread.from.peek()
      : unread.sessionFrom;
  };
}

/**
 * `source` read through a stream that says which event its reader takes,
 * as it takes it: it pulls from `source` only when its reader asks for an
 * event, so one taken is one handed to the reader.
 *
 * @typeParam T The events.
 * @param source The stream.
 * @param taken Told each event as the reader takes it.
 * @param ended Told once the stream ends or is cancelled.
 * @returns The stream the reader reads.
 */
export function takenStream<T>(
  source: ReadableStream<T>,
  taken: (event: T) => void,
  ended: () => void,
): ReadableStream<T> {
  const reader = source.getReader();
  return new ReadableStream<T>({
    pull: async (controller) => {
      let next: ReadableStreamReadResult<T>;
      try {
        next = await reader.read();
      } catch (error) {
        ended();
        throw error;
      }
      if (next.done) {
        ended();
        controller.close();
        return;
      }
      taken(next.value);
      controller.enqueue(next.value);
    },
    cancel: (reason) => {
      ended();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/**
 * A dispatch stream whose unread events hold back the session saves: each
 * shard's session is saved no further on than the last of its events the
 * reader took, for as long as the stream runs.
 *
 * @param shards The manager's shards, by ID.
 * @param points The manager's resume points; the stream's is added to them
 * until it ends or is cancelled.
 * @param options The stream's source (see `listenerStream`).
 * @returns The stream the reader reads.
 */
export function readerPaced(
  shards: ReadonlyMap<number, Shard>,
  points: Set<ResumePoint>,
  options: ListenerStreamOptions<ShardDispatch>,
): ReadableStream<ShardDispatch> {
  const unread = new UnreadDispatches(shards);
  points.add(unread.resumePoint);
  const source = listenerStream<ShardDispatch>({
    ...options,
    listen: (push) =>
      options.listen((event) => {
        unread.added(event);
        push(event);
      }),
  });
  return takenStream(source, (event) => unread.taken(event), () => {
    points.delete(unread.resumePoint);
    unread.clear();
  });
}
