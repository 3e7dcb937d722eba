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
 * How long a quiet Redis is looked at again before it counts as silent: a
 * process paused (a VM frozen, a long GC, a debugger) ran its timer before
 * it read the answers waiting in its socket.
 */
const SILENCE_GRACE_MS = 1_000;

/** The socket ioredis reads from, when it has one (not a test's fake). */
type RedisStream = { readonly bytesRead?: number } | undefined;

/**
 * The store's unanswered round trips, timed with one timer at most: armed
 * while some are unanswered, cleared once all are (a connection closed
 * rejects them: cleared then too). When Redis sent nothing for
 * {@linkcode SILENT_REDIS_MS} (no round trip answered, no byte read: a big
 * transaction's `QUEUED` replies count, so a slow link is no silence) and
 * still nothing {@linkcode SILENCE_GRACE_MS} later, the cache goes stale
 * as when a write is refused (said once, `onStale` called), once until
 * Redis answers again. The calls still wait: they settle when Redis
 * answers or the connection gives up.
 */
export class SilenceWatch {
  readonly #scheduler: Scheduler;
  readonly #sink: SilenceSink;
  readonly #redis: { readonly stream?: RedisStream };
  #pending = 0;
  /** Answers so far: one since the timer was armed restarts the bound. */
  #answers = 0;
  /** What had come from Redis when the timer was armed. */
  #mark: [answers: number, stream: RedisStream, bytes: number | undefined] = [
    0,
    undefined,
    undefined,
  ];
  #timer: TimerId | undefined;
  /** Said already for this silence: not again until an answer. */
  #silent = false;

  /**
   * @param scheduler The store's scheduler.
   * @param sink Told once a silence passes the bound.
   * @param redis The connection (its `stream`: the socket, replaced at
   *   each reconnect).
   */
  constructor(
    scheduler: Scheduler,
    sink: SilenceSink,
    redis: { readonly stream?: RedisStream },
  ) {
    this.#scheduler = scheduler;
    this.#sink = sink;
    this.#redis = redis;
  }

  /** Watch `promise`, a round trip to Redis, until it settles. */
  watch<T>(promise: Promise<T>): Promise<T> {
    this.#pending++;
    if (this.#timer === undefined && !this.#silent) this.#arm();
    promise.then(this.#answered, this.#answered);
    return promise;
  }

  #arm(ms = SILENT_REDIS_MS, then = this.#fire): void {
    const stream = this.#redis.stream;
    this.#mark = [this.#answers, stream, stream?.bytesRead];
    this.#timer = this.#scheduler.setTimeout(then, ms);
  }

  /** Whether anything came from Redis since the timer was armed. */
  #heard(): boolean {
    const [answers, stream, bytes] = this.#mark;
    const now = this.#redis.stream;
    return answers !== this.#answers || now !== stream ||
      now?.bytesRead !== bytes;
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
    // Heard meanwhile, others still out: Redis is up but busy.
    if (this.#heard()) this.#arm();
    else this.#arm(SILENCE_GRACE_MS, this.#confirm);
  };

  readonly #confirm = (): void => {
    this.#timer = undefined;
    if (this.#heard()) return this.#arm();
    this.#silent = true;
    this.#sink.failed(
      new Error(`Redis has not answered for ${SILENT_REDIS_MS} ms`),
      undefined,
      "Redis stopped answering, and writes may be lost",
    );
  };
}
