// When the Redis store's round trips have gone unanswered too long: a
// frozen server (SIGSTOP, a stalled network) keeps its connection open and
// fails no command, so only time tells. Private to the store.
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import { SILENT_REDIS_MS } from "../redis/silent_redis.ts";

/** What the watch tells of a silence: `RedisStaleness.failed`. */
export interface SilenceSink {
  failed(error: unknown, through?: number, what?: string): void;
}

/**
 * The store's unanswered round trips, timed with one timer at most: armed
 * while some are unanswered, cleared once all are (a connection closed
 * rejects them: cleared then too). When none was answered for
 * {@linkcode SILENT_REDIS_MS}, the cache goes stale as when a write is
 * refused (said once, `onStale` called), once until Redis answers again.
 * The calls still wait: they settle when Redis answers or the connection
 * gives up.
 */
export class RedisAnswerWatch {
  readonly #scheduler: Scheduler;
  readonly #sink: SilenceSink;
  #pending = 0;
  /** Answers so far: one since the timer was armed restarts the bound. */
  #answers = 0;
  #armedAt = 0;
  #timer: TimerId | undefined;
  /** Said already for this silence: not again until an answer. */
  #silent = false;

  /**
   * @param scheduler The store's scheduler.
   * @param sink Told once a silence passes the bound.
   */
  constructor(scheduler: Scheduler, sink: SilenceSink) {
    this.#scheduler = scheduler;
    this.#sink = sink;
  }

  /** Watch `promise`, a round trip to Redis, until it settles. */
  watch<T>(promise: Promise<T>): Promise<T> {
    this.#pending++;
    if (this.#timer === undefined && !this.#silent) this.#arm();
    promise.then(this.#answered, this.#answered);
    return promise;
  }

  #arm(): void {
    this.#armedAt = this.#answers;
    this.#timer = this.#scheduler.setTimeout(this.#fire, SILENT_REDIS_MS);
  }

  readonly #answered = (): void => {
    this.#answers++;
    this.#silent = false;
    if (--this.#pending > 0) {
      if (this.#timer === undefined) this.#arm();
      return;
    }
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
  };

  readonly #fire = (): void => {
    this.#timer = undefined;
    // Answered meanwhile, others still out: Redis is up but busy.
    if (this.#answers !== this.#armedAt) return this.#arm();
    this.#silent = true;
    this.#sink.failed(
      new Error(`Redis has not answered for ${SILENT_REDIS_MS} ms`),
      undefined,
      "Redis stopped answering, and writes may be lost",
    );
  };
}
