/**
 * What a `ShardManager.dispatches()` stream holds that its reader has not
 * finished with ("taken" below), per shard: the manager's session saves
 * stay before it (see `resume_point.ts`), so that a process that dies with
 * events unread has Discord send them again to the next one.
 *
 * Private to the package: the manager builds one per stream, and its
 * behaviour is tested through the manager
 * (`tests/gateway/manager_crash_resume_test.ts`).
 *
 * @module
 */
import { Fifo } from "../base/fifo.ts";
import { listenerStream } from "../base/listener_stream.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { pauseHold } from "./event_backlog.ts";
import { resumeBefore, type ResumePoint } from "./resume_point.ts";
import type { Shard, ShardDispatch } from "./shard.ts";

/** The failed save after a drain: on stderr unless LogTape takes it. */
const visible = getVisibleLogger(["disruption", "gateway", "manager"]);

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
   * The reader finished with an event: each shard's come out in the order
   * they went in.
   *
   * @param event The event.
   */
  taken(event: ShardDispatch): void {
    const unread = this.#unread.get(event.shardId);
    if (unread === undefined) return;
    unread.from.shift();
    unread.taken++;
  }

  /**
   * Whether some event went into the stream and was not taken yet.
   *
   * @returns `true` when the stream holds an unread event.
   */
  holds(): boolean {
    for (const unread of this.#unread.values()) {
      if (unread.taken < unread.added) return true;
    }
    return false;
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
 * `source` read through a stream that says which event its reader has
 * finished with: the one it was handed last, once it asks for the next
 * (a `for await` asks once its body ran; a `pipeTo` reads ahead) or the
 * stream ends. Counted when handed over, the event a `for await` body was
 * still working on counted as done, and a process killed then lost it.
 *
 * @typeParam T The events.
 * @param source The stream.
 * @param taken Told each event once the reader has finished with it.
 * @param ended Told once the stream ends or is cancelled: `drained` when
 * `source` ended and the reader finished with every event.
 * @returns The stream the reader reads.
 */
function takenStream<T>(
  source: ReadableStream<T>,
  taken: (event: T) => void,
  ended: (drained: boolean) => void,
): ReadableStream<T> {
  const reader = source.getReader();
  // Wrapped: an event may be `undefined`.
  let handed: { event: T } | undefined;
  return new ReadableStream<T>({
    // With no room to read ahead, called only when the reader asks.
    pull: async (controller) => {
      if (handed !== undefined) taken(handed.event);
      handed = undefined;
      let next: ReadableStreamReadResult<T>;
      try {
        next = await reader.read();
      } catch (error) {
        ended(false);
        throw error;
      }
      if (next.done) {
        ended(true);
        controller.close();
        return;
      }
      handed = { event: next.value };
      controller.enqueue(next.value);
    },
    cancel: (reason) => {
      ended(false);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** What {@linkcode readerPaced} reads: a manager's shards and its state. */
export interface PacedSource {
  /** The manager's `on`: the stream listens to every shard through it. */
  on: Shard["on"];
  /** The manager's shards, by ID. */
  shards: ReadonlyMap<number, Shard>;
  /**
   * The manager's resume points; the stream's is added to them until it
   * ends or is cancelled.
   */
  points: Set<ResumePoint>;
  /** Whether the manager is closed. */
  closed(): boolean;
  /** Whether every shard is closed (the stream then ends). */
  allClosed(): boolean;
  /**
   * Save the sessions again if the manager's last close kept them: told
   * when the stream ended with the manager closed and its reader, behind
   * then (so the close saved before its events), has finished with all.
   * Only where the store still holds the close's save: another process
   * may run a shard since, and its newer entry stays.
   */
  drained(): Promise<void> | undefined;
}

/**
 * A dispatch stream whose unread events hold back the session saves: each
 * shard's session is saved before the first of its events the reader has
 * not finished with, for as long as the stream runs.
 *
 * @param manager The manager whose dispatches it streams.
 * @returns The stream the reader reads.
 */
export function readerPaced(
  manager: PacedSource,
): ReadableStream<ShardDispatch> {
  const { shards, points } = manager;
  const unread = new UnreadDispatches(shards);
  points.add(unread.resumePoint);
  // Whether the reader was behind when the source ended (a close).
  let behind = false;
  const source = listenerStream<ShardDispatch>({
    ended: () => manager.closed() && manager.allClosed(),
    listen: (push) =>
      manager.on("dispatch", (event) => {
        unread.added(event);
        push(event);
      }),
    watchEnd: (end) =>
      manager.on("state", () => {
        if (!manager.allClosed()) return;
        behind = unread.holds();
        end();
      }),
    hold: pauseHold(() => shards.values()),
  });
  return takenStream(source, (event) => unread.taken(event), (drained) => {
    points.delete(unread.resumePoint);
    unread.clear();
    if (!drained || !behind || !manager.closed()) return;
    manager.drained()?.catch((error) =>
      visible.warn(
        "Saving the sessions once the dispatches() reader read to the end failed: the store keeps them from the close, before the events the reader had not finished with, which the next process then receives again: {error}",
        { error },
      )
    );
  });
}
