/**
 * {@linkcode SessionWatch}: says when the dispatch service loses events a
 * shard's session held. A shard paused because the publish buffer is full
 * leaves its events with Discord, which keeps a session resumable only for
 * a short while; past it, the RESUME is refused (op 9, or close 4007) and
 * the shard starts a new session: the events since the pause are gone, and
 * the gateway says so only at INFO. The same holds for any session a shard
 * had (READY, or restored from Redis) and could not resume.
 *
 * @module
 */
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import type { ShardStateChange } from "../gateway/shard.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";

const visible = getVisibleLogger(["disruption", "dispatch"]);

/**
 * How long a shard may stay paused before it is said on stderr: Discord
 * keeps a closed session resumable for a short, undocumented while (about a
 * minute or two is commonly seen).
 */
export const LONG_PAUSE = 60_000;

/** Options for {@linkcode SessionWatch}. */
export interface SessionWatchOptions {
  /** The clock the long-pause warning runs on. */
  scheduler: Scheduler;
  /** Counts every session lost (`dispatch_sessions_lost`). */
  lost: { inc(): void };
}

interface Held {
  sessionId: string;
  /** The last sequence received on it (its events up to it are buffered). */
  sequence: number;
}

/**
 * Follows each shard's session through its dispatches and status changes;
 * warns (visibly) when a shard that had a session starts a new one, naming
 * the last sequence received, and when a shard stays paused for
 * {@linkcode LONG_PAUSE}.
 */
export class SessionWatch {
  readonly #options: SessionWatchOptions;
  readonly #held = new Map<number, Held>();
  /**
   * Shards paused, or resuming after a pause: when the pause began, and its
   * long-pause timer while it lasts. Kept until READY or RESUMED, so that
   * a refused RESUME names the pause.
   */
  readonly #paused = new Map<
    number,
    { timer: TimerId | undefined; since: number }
  >();

  /**
   * Create a watch with no session known.
   *
   * @param options The clock and the counter.
   */
  constructor(options: SessionWatchOptions) {
    this.#options = options;
  }

  /**
   * A session the shard will try to resume (restored from Redis, or its
   * READY).
   *
   * @param shardId The shard.
   * @param sessionId Its session.
   * @param sequence The last sequence received on it.
   */
  hold(shardId: number, sessionId: string, sequence: number): void {
    this.#held.set(shardId, { sessionId, sequence });
  }

  /**
   * A dispatch received (every one, in order: a hot path).
   *
   * @param shardId The shard.
   * @param sessionId The session it came on.
   * @param sequence Its sequence.
   */
  received(
    shardId: number,
    sessionId: string | undefined,
    sequence: number,
  ): void {
    const held = this.#held.get(shardId);
    if (held !== undefined && held.sessionId === sessionId) {
      held.sequence = sequence;
    }
  }

  /**
   * A shard's status changed. READY (or RESUMED) holds its session; an
   * IDENTIFY while one was held means it could not be resumed. A close that
   * ended the session (op 2's restart, a fatal close) lets it go unsaid.
   *
   * @param change The change.
   * @param shard The shard's session now.
   */
  state(
    change: ShardStateChange,
    shard: { sessionId: string | undefined; sequence: number | null },
  ): void {
    const { shardId, current } = change;
    if (current === "ready" && shard.sessionId !== undefined) {
      this.#forgetPause(shardId);
      const held = this.#held.get(shardId);
      if (held?.sessionId !== shard.sessionId) {
        this.hold(shardId, shard.sessionId, shard.sequence ?? 0);
      }
      return;
    }
    if (current === "closed" && shard.sessionId === undefined) {
      this.#held.delete(shardId);
      this.#forgetPause(shardId);
      return;
    }
    if (current !== "identifying") return;
    const held = this.#held.get(shardId);
    if (held === undefined) return;
    this.#held.delete(shardId);
    this.#options.lost.inc();
    const pause = this.#paused.get(shardId);
    this.#forgetPause(shardId);
    // Two messages rather than an empty {why}: LogTape shows "" for one.
    const said = {
      shardId,
      sessionId: held.sessionId,
      sequence: held.sequence,
    };
    if (pause === undefined) {
      visible.warn(
        "Shard {shardId}: session {sessionId} could not be resumed (Discord refused the RESUME: its resume window passed, or the replay was too long); a new session starts, and the events after sequence {sequence} are lost",
        said,
      );
      return;
    }
    visible.warn(
      "Shard {shardId}: session {sessionId} could not be resumed (Discord refused the RESUME: its resume window passed, or the replay was too long: paused {seconds} s for a full publish buffer); a new session starts, and the events after sequence {sequence} are lost",
      {
        ...said,
        seconds: Math.round(
          (this.#options.scheduler.now() - pause.since) / 1000,
        ),
      },
    );
  }

  /**
   * The service paused the shard (the publish buffer is full): said once
   * it lasted {@linkcode LONG_PAUSE}.
   *
   * @param shardId The shard.
   */
  paused(shardId: number): void {
    const earlier = this.#paused.get(shardId);
    if (earlier?.timer !== undefined) return;
    const scheduler = this.#options.scheduler;
    const timer = scheduler.setTimeout(() => {
      visible.warn(
        "Shard {shardId} has been paused for {seconds} s because the publish buffer is full (RabbitMQ down, blocked or refusing events): Discord keeps its session resumable only briefly, after which the events since the pause are lost",
        { shardId, seconds: LONG_PAUSE / 1000 },
      );
    }, LONG_PAUSE);
    // Paused again before its RESUME was answered: the first pause counts.
    this.#paused.set(shardId, {
      timer,
      since: earlier?.since ?? scheduler.now(),
    });
  }

  /**
   * The shard's pause ended (the buffer has room, or the service closes).
   *
   * @param shardId The shard.
   */
  resumed(shardId: number): void {
    const pause = this.#paused.get(shardId);
    if (pause?.timer === undefined) return;
    this.#options.scheduler.clearTimeout(pause.timer);
    pause.timer = undefined;
  }

  /** Clear every timer (the service closes). */
  close(): void {
    for (const id of [...this.#paused.keys()]) this.#forgetPause(id);
  }

  #forgetPause(shardId: number): void {
    this.resumed(shardId);
    this.#paused.delete(shardId);
  }
}
